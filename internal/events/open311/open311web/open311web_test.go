package open311web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311/open311sql"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

var formats = []string{"xml", "json"}

// item is one request, service or error of a response in either format,
// as its fields' texts.
type item map[string]string

// items reads the entries of a list response: <root><entry>… in XML, an
// array of objects in JSON. Nested values are left out; null is "".
func items(t *testing.T, f string, r response) []item {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if r.ctype != contentType[f] {
		t.Errorf("Content-Type %q, want %q", r.ctype, contentType[f])
	}
	var out []item
	if f == "xml" {
		for _, e := range parseXML(t, r.body).Children {
			it := item{}
			for _, c := range e.Children {
				it[c.Name] = c.Text
			}
			out = append(out, it)
		}
		return out
	}
	for _, e := range parseJSON(t, r.body).([]any) {
		it := item{}
		for k, v := range e.(map[string]any) {
			switch x := v.(type) {
			case string:
				it[k] = x
			case json.Number:
				it[k] = x.String()
			case bool:
				it[k] = strconv.FormatBool(x)
			case nil:
				it[k] = ""
			}
		}
		out = append(out, it)
	}
	return out
}

// shape checks a response against the example of its kind in testdata.
func shape(t *testing.T, example, f string, r response) {
	t.Helper()
	if f == "xml" {
		sameXMLShape(t, example+".xml", parseXML(t, r.body))
	} else {
		sameJSONShape(t, example+".json", parseJSON(t, r.body))
	}
}

func TestDiscovery(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, false)
		for _, f := range formats {
			for _, path := range []string{"/open311/v2/discovery.", "/open311/discovery."} {
				r := fx.do(t, newGet(path+f))
				if r.status != 200 || r.ctype != contentType[f] {
					t.Fatalf("%s%s: %d %s %s", path, f, r.status, r.ctype, r.body)
				}
				shape(t, "discovery", f, r)
				var ep map[string]any
				if f == "xml" {
					e := parseXML(t, r.body).child("endpoints").child("endpoint")
					ep = map[string]any{"url": e.text("url"), "specification": e.text("specification"), "type": e.text("type"),
						"formats": len(e.child("formats").all("format"))}
				} else {
					e := parseJSON(t, r.body).(map[string]any)["endpoints"].([]any)[0].(map[string]any)
					ep = map[string]any{"url": e["url"], "specification": e["specification"], "type": e["type"],
						"formats": len(e["formats"].([]any))}
				}
				want := map[string]any{"url": baseURL + "/open311/v2", "specification": "http://wiki.open311.org/GeoReport_v2",
					"type": "production", "formats": 2}
				if !reflect.DeepEqual(ep, want) {
					t.Errorf("%s: endpoint %v, want %v", f, ep, want)
				}
			}
		}
	})
}

func TestServices(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, false)
		cats, err := fx.env.Service.Categories(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range formats {
			r := fx.get(t, "services."+f)
			shape(t, "services", f, r)
			got := map[string]item{}
			for _, it := range items(t, f, r) {
				got[it["service_code"]] = it
			}
			if len(got) != len(cats) {
				t.Errorf("%s: %d services, want one per category (%d)", f, len(got), len(cats))
			}
			for _, want := range items(t, f, response{status: 200, ctype: contentType[f], body: readFixture(t, "services."+f)}) {
				if !reflect.DeepEqual(got[want["service_code"]], want) {
					t.Errorf("%s: service %s\n got %v\nwant %v", f, want["service_code"], got[want["service_code"]], want)
				}
			}
			// In English, names and groups follow the catalogue's English names.
			en := items(t, f, fx.get(t, "services."+f+"?lang=en"))
			for _, it := range en {
				if it["service_code"] == "XF01" && (it["service_name"] != "Blocked fire lane" || it["group"] != "Fire hazards" ||
					!strings.Contains(it["description"], "within 4 hours")) {
					t.Errorf("%s: English XF01 %v", f, it)
				}
			}
		}
	})
}

func TestServiceDefinition(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, false)
		r := fx.get(t, "services/XF.xml")
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if got, want := parseXML(t, r.body), parseXML(t, readFixture(t, "service_definition.xml")); !reflect.DeepEqual(got, want) {
			t.Errorf("XML definition differs from the example:\n%s", r.body)
		}
		r = fx.get(t, "services/XF.json")
		if got, want := parseJSON(t, r.body), parseJSON(t, readFixture(t, "service_definition.json")); !reflect.DeepEqual(got, want) {
			t.Errorf("JSON definition differs from the example:\n%s", r.body)
		}
		// A subcategory has only the information.
		r = fx.get(t, "services/XF01.json")
		want := map[string]any{"service_code": "XF01", "attributes": []any{map[string]any{"variable": false, "code": "handling",
			"datatype": "text", "required": false, "datatype_description": nil, "order": json.Number("1"),
			"description": "由深圳市公安消防支队负责，应在上报后 4 小时内办结。"}}}
		if got := parseJSON(t, r.body); !reflect.DeepEqual(got, want) {
			t.Errorf("XF01's definition: %s", r.body)
		}
		for _, f := range formats {
			wantError(t, fx.get(t, "services/NOPE."+f), f, 404, "NOPE")
		}
		wantError(t, fx.get(t, "services/XF.csv"), "xml", 404, ".xml")
		wantError(t, fx.get(t, "services/XF"), "xml", 404, ".xml")
	})
}

// point returns a point of the demo micro-grid 440306017001001 (新安).
func point(t *testing.T, fx *fixture) (lat, long float64) {
	t.Helper()
	lon, la := eventstest.PointIn(t, fx.env.Grid, eventstest.XinanMicro)
	return la, lon
}

// TestReportAndFollow posts the spec's example request and follows it
// through GET requests/{id} and tokens/{id} until it is closed.
func TestReportAndFollow(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d, false)
		lat, long := point(t, fx)
		for _, f := range formats {
			r := fx.post(t, "requests."+f, fixtureForm(t, "post_request.form", fx.key, lat, long))
			shape(t, "post_response", f, r)
			rc := items(t, f, r)[0]
			if rc["account_id"] != "123456" || !strings.Contains(rc["service_notice"], "4 小时") {
				t.Errorf("%s: receipt %v", f, rc)
			}
			id := rc["service_request_id"]
			ev, err := fx.env.Service.Event(ctx, events.SystemActor("test"), id)
			if err != nil {
				t.Fatalf("%s: event %s: %v", f, id, err)
			}
			// The subcategory attribute chose the category; the event is the
			// client's, from Open311, placed in its micro-grid.
			if ev.Category != "XF01" || ev.Source != events.SourceOpen311 || ev.ReporterKind != events.ActorClient ||
				ev.ReporterID != "open311:"+fx.keyID || ev.ReporterName != "宝安通 App" || ev.Cell != eventstest.XinanMicro ||
				ev.Description != "小区消防通道被杂物堵塞" || ev.Address != "宝安区新安街道建安一路88号" {
				t.Errorf("%s: event %+v", f, ev)
			}
			subs, err := open311sql.New(d).Submissions(ctx, []string{ev.ClientRef})
			if sub := subs[ev.ClientRef]; err != nil || sub == nil || sub.Email != "zhang.xm@example.cn" || sub.Phone != "13800138000" ||
				sub.FirstName != "晓明" || sub.LastName != "张" || sub.DeviceID != "tt222111" ||
				!reflect.DeepEqual(sub.Attributes, map[string][]string{"subcategory": {"XF01"}, "note": {"夜间更严重"}}) {
				t.Errorf("%s: submission %+v, %v", f, subs[ev.ClientRef], err)
			}

			got := items(t, f, fx.get(t, "requests/"+id+"."+f+"?api_key="+url.QueryEscape(fx.key)))
			shape(t, "service_requests", f, fx.get(t, "requests/"+id+"."+f+"?api_key="+url.QueryEscape(fx.key)))
			want := item{"service_request_id": id, "status": "open", "status_notes": "已上报", "service_name": "消防通道堵塞",
				"service_code": "XF01", "description": "小区消防通道被杂物堵塞", "agency_responsible": "深圳市公安消防支队",
				"service_notice":     "由深圳市公安消防支队负责，应在上报后 4 小时内办结。",
				"requested_datetime": "2026-03-02T09:00:00+08:00", "updated_datetime": "2026-03-02T09:00:00+08:00",
				"expected_datetime": "2026-03-02T13:00:00+08:00", "address": "宝安区新安街道建安一路88号",
				"address_id": eventstest.XinanMicro, "lat": fmt.Sprint(lat), "long": fmt.Sprint(long),
				"media_url": "http://photos.example.cn/2212426634.jpg"}
			if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
				t.Errorf("%s: request\n got %v\nwant %v", f, got, want)
			}

			tok := fx.get(t, "tokens/"+ev.ID+"."+f+"?api_key="+url.QueryEscape(fx.key))
			shape(t, "token", f, tok)
			if it := items(t, f, tok)[0]; it["service_request_id"] != id || it["token"] != ev.ID {
				t.Errorf("%s: token answer %v", f, it)
			}

			// The dispatcher closes it: the request is closed, updated then.
			fx.env.Clock.Advance(90 * time.Minute)
			disp := eventstest.Actor(t, fx.env.Dispatcher)
			if _, err := fx.env.Service.Act(ctx, disp, ev.ID, events.Action{Kind: events.ActClose, Note: "现场已清理"}); err != nil {
				t.Fatal(err)
			}
			got = items(t, f, fx.get(t, "requests/"+id+"."+f+"?api_key="+url.QueryEscape(fx.key)))
			closedAt := open311.FormatTime(fx.env.Clock.Now())
			if got[0]["status"] != "closed" || got[0]["status_notes"] != "已办结" || got[0]["updated_datetime"] != closedAt {
				t.Errorf("%s: closed request %v (closed at %s)", f, got[0], closedAt)
			}
			fx.env.Clock.Advance(-90 * time.Minute)
		}
	})
}

// TestRequestsFilters checks GET requests' filters on events made through
// Open311 and through the events service itself.
func TestRequestsFilters(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d, false)
		lat, long := point(t, fx)
		post := func(code string) string {
			t.Helper()
			r := fx.post(t, "requests.json", url.Values{"api_key": {fx.key}, "service_code": {code},
				"lat": {fmt.Sprint(lat)}, "long": {fmt.Sprint(long)}, "description": {"测试 " + code}})
			return items(t, "json", r)[0]["service_request_id"]
		}
		e1 := post("XF01") // 2026-03-02 09:00 China time
		fx.env.Clock.Advance(48 * time.Hour)
		citizen := eventstest.Actor(t, fx.env.Citizen)
		ev2, err := fx.env.Service.Report(ctx, citizen, eventstest.ReportIn(t, fx.env.Grid, "SZ01", eventstest.XixiangCell))
		if err != nil {
			t.Fatal(err)
		}
		e2 := ev2.Code // 2026-03-04
		fx.env.Clock.Advance(40 * 24 * time.Hour)
		e3 := post("XF03") // 2026-04-13
		if _, err := fx.env.Service.Act(ctx, eventstest.Actor(t, fx.env.Dispatcher), e1,
			events.Action{Kind: events.ActClose, Note: "误报"}); err != nil {
			t.Fatal(err)
		}
		key := "&api_key=" + url.QueryEscape(fx.key)
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"", []string{e3, e2, e1}},
			{"service_request_id=" + e3 + "," + e1 + ",29990101000001&status=open", []string{e3, e1}},
			{"service_request_id=" + e2, []string{e2}},
			{"service_code=XF", []string{e3, e1}},
			{"service_code=XF01,SZ01", []string{e2, e1}},
			{"service_code=XF01&service_code=SZ", []string{e2, e1}},
			{"status=open", []string{e3, e2}},
			{"status=closed", []string{e1}},
			{"status=open,closed", []string{e3, e2, e1}},
			{"status=closed&service_code=XF03", nil},
			{"start_date=2026-03-03T00:00:00Z&end_date=2026-03-05T00:00:00Z", []string{e2}},
			{"start_date=2026-03-03T08:00:00+08:00", []string{e3, e2}},
			{"start_date=2026-03-03T08:00:00 08:00", []string{e3, e2}}, // '+' unencoded
			{"end_date=2026-03-02", []string{e1}},
			{"start_date=2026-03-02T01:00:00Z&end_date=2026-03-02T01:00:00Z", []string{e1}},
			{"start_date=2026-04&end_date=2026-04-30", []string{e3}},
			{"end_date=2025-12-01T00:00:00Z", nil},
		} {
			for _, f := range formats {
				q := strings.ReplaceAll(c.query, "+", "%2B")
				if strings.Contains(c.query, " ") {
					q = c.query // sent as a client that did not encode its "+" would
				}
				var got []string
				for _, it := range items(t, f, fx.get(t, "requests."+f+"?"+strings.ReplaceAll(q, " ", "+")+key)) {
					got = append(got, it["service_request_id"])
				}
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("%s ?%s: %v, want %v", f, c.query, got, c.want)
				}
			}
		}
		for _, c := range []struct {
			query    string
			status   int
			contains string
		}{
			{"start_date=2026-13-01T00:00:00Z", 400, "start_date"},
			{"start_date=yesterday", 400, "start_date"},
			{"start_date=2026-03-02T00:00:00", 400, "time zone"},
			{"end_date=2026-03-02T25:00:00Z", 400, "end_date"},
			{"end_date=2026/03/02", 400, "end_date"},
			{"start_date=2026-03-05T00:00:00Z&end_date=2026-03-01T00:00:00Z", 400, "before"},
			{"start_date=2025-01-01T00:00:00Z&end_date=2026-03-01T00:00:00Z", 400, "90 days"},
			{"status=pending", 400, "status"},
			{"service_code=NOPE", 404, "NOPE"},
		} {
			for _, f := range formats {
				r := fx.do(t, newGetEN("/open311/v2/requests."+f+"?"+strings.ReplaceAll(c.query, "+", "%2B")+key))
				wantError(t, r, f, c.status, c.contains)
			}
		}
	})
}

// TestErrors sends what the spec's errors are about and checks that each
// gets the spec's error document and status, and that nothing is stored.
func TestErrors(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d, false)
		lat, long := point(t, fx)
		_, revoked, err := fx.svc.Keys().Add(ctx, events.SystemActor("test"), "retired")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Keys().Revoke(ctx, events.SystemActor("test"), "retired"); err != nil {
			t.Fatal(err)
		}
		form := func(change map[string]string) url.Values {
			v := url.Values{"api_key": {fx.key}, "service_code": {"SZ01"}, "lat": {fmt.Sprint(lat)}, "long": {fmt.Sprint(long)},
				"description": {"井盖缺失"}}
			for k, x := range change {
				if x == "" {
					v.Del(k)
				} else {
					v.Set(k, x)
				}
			}
			return v
		}
		for _, c := range []struct {
			name     string
			change   map[string]string
			status   int
			contains string
		}{
			{"bad api_key", map[string]string{"api_key": "o311_not-a-key"}, 403, "Invalid api_key"},
			{"revoked api_key", map[string]string{"api_key": revoked}, 403, "Invalid api_key"},
			{"missing api_key", map[string]string{"api_key": ""}, 403, "api_key was not provided"},
			{"unknown service_code", map[string]string{"service_code": "NOPE"}, 404, "service_code"},
			{"missing service_code", map[string]string{"service_code": ""}, 400, "service_code was not provided"},
			{"missing location", map[string]string{"lat": "", "long": ""}, 400, "location was not provided"},
			{"address only", map[string]string{"lat": "", "long": "", "address_string": "建安一路88号"}, 400, "cannot be located"},
			{"address_id only", map[string]string{"lat": "", "long": "", "address_id": "545483"}, 400, "cannot be located"},
			{"lat only", map[string]string{"long": ""}, 400, "both"},
			{"lat not a number", map[string]string{"lat": "north"}, 400, "lat must be a number"},
			{"lat NaN", map[string]string{"lat": "NaN"}, 400, "lat must be a number"},
			{"outside the district", map[string]string{"lat": "39.9087", "long": "116.3975"}, 400, "outside this jurisdiction"},
			{"bad subcategory", map[string]string{"service_code": "SZ", "attribute[subcategory]": "XF01"}, 400, "attribute[subcategory]"},
			{"bad crs", map[string]string{"crs": "mars"}, 400, "crs"},
			{"long description", map[string]string{"description": strings.Repeat("堵", events.MaxDescription+1)}, 400, "description"},
			{"bad media_url", map[string]string{"media_url": "javascript:alert(1)"}, 400, "media_url"},
		} {
			for _, f := range formats {
				req := newPost("/open311/v2/requests."+f, form(c.change))
				req.Header.Set("Accept-Language", "en")
				wantError(t, fx.do(t, req), f, c.status, c.contains)
			}
		}
		page, err := fx.env.Service.List(ctx, events.SystemActor("test"), events.Filter{})
		if err != nil || len(page.Events) != 0 {
			t.Fatalf("refused requests stored events: %d, %v", len(page.Events), err)
		}
		var subs int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM open311_submissions`).Scan(&subs); err != nil || subs != 0 {
			t.Fatalf("refused requests left %d submissions (%v)", subs, err)
		}
		for _, f := range formats {
			for _, c := range []struct {
				path     string
				status   int
				contains string
			}{
				{"requests." + f, 403, "api_key was not provided"},
				{"requests." + f + "?api_key=wrong", 403, "Invalid api_key"},
				{"requests/20260302000999." + f, 403, "api_key"},
				{"requests/20260302000999." + f + "?api_key=" + url.QueryEscape(fx.key), 404, "20260302000999"},
				{"tokens/0190aaaa-0000-7000-8000-000000000000." + f + "?api_key=" + url.QueryEscape(fx.key), 404, "token"},
			} {
				wantError(t, fx.do(t, newGetEN("/open311/v2/"+c.path)), f, c.status, c.contains)
			}
		}
		// Chinese first: without a language preference the description
		// is in Chinese.
		r := fx.post(t, "requests.xml", form(map[string]string{"api_key": "wrong"}))
		wantError(t, r, "xml", 403, "api_key 无效")
	})
}

// TestPublicReads: with public reads on, anyone reads requests; a wrong
// key is still refused, and posting still needs a key.
func TestPublicReads(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, true)
		lat, long := point(t, fx)
		r := fx.post(t, "requests.xml", url.Values{"api_key": {fx.key}, "service_code": {"CG01"}, "lat": {fmt.Sprint(lat)},
			"long": {fmt.Sprint(long)}})
		id := items(t, "xml", r)[0]["service_request_id"]
		for _, f := range formats {
			if got := items(t, f, fx.get(t, "requests."+f)); len(got) != 1 || got[0]["service_request_id"] != id ||
				got[0]["description"] != "" {
				t.Errorf("%s: public list %v", f, got)
			}
			if got := items(t, f, fx.get(t, "requests/"+id+"."+f)); len(got) != 1 {
				t.Errorf("%s: public request %v", f, got)
			}
			wantError(t, fx.do(t, newGetEN("/open311/v2/requests."+f+"?api_key=wrong")), f, 403, "Invalid api_key")
			wantError(t, fx.do(t, newPost("/open311/v2/requests."+f, url.Values{"service_code": {"CG01"},
				"lat": {fmt.Sprint(lat)}, "long": {fmt.Sprint(long)}})), f, 403, "api_key")
		}
	})
}

// TestPhotos posts a request with a photo (multipart, field "media") and
// reads the photo back through the request's media_url.
func TestPhotos(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, false)
		lat, long := point(t, fx)
		png := eventstest.PNG(7)
		form := url.Values{"api_key": {fx.key}, "service_code": {"SR01"}, "lat": {fmt.Sprint(lat)}, "long": {fmt.Sprint(long)},
			"description": {"垃圾堆放"}}
		r := fx.postMultipart(t, "requests.json", form, png)
		id := items(t, "json", r)[0]["service_request_id"]
		key := "?api_key=" + url.QueryEscape(fx.key)
		got := items(t, "json", fx.get(t, "requests/"+id+".json"+key))[0]
		wantURL := baseURL + "/open311/v2/media/" + id + "/1"
		if got["media_url"] != wantURL {
			t.Fatalf("media_url %q, want %q", got["media_url"], wantURL)
		}
		img := fx.get(t, "media/"+id+"/1"+key)
		if img.status != 200 || img.ctype != "image/png" || string(img.body) != string(png) {
			t.Fatalf("photo: %d %s %d bytes", img.status, img.ctype, len(img.body))
		}
		wantError(t, fx.get(t, "media/"+id+"/2"+key), "xml", 404, "")
		wantError(t, fx.get(t, "media/"+id+"/1"), "xml", 403, "api_key")
		// Not an image: refused, nothing reported.
		bad := fx.postMultipart(t, "requests.json", form, []byte("%PDF-1.4 not a photo"))
		wantError(t, bad, "json", 400, "")
		// A wrong key may not upload.
		form.Set("api_key", "wrong")
		wantError(t, fx.postMultipart(t, "requests.json", form, eventstest.PNG(8)), "json", 403, "")
	})
}

// TestGCJ02 reports a point given in the coordinate system of Chinese map
// apps (the crs extension): it is stored in WGS84.
func TestGCJ02(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, false)
		lat, long := point(t, fx)
		g := grid.WGS84ToGCJ02(grid.Point{long, lat})
		if events.DistanceM(g[0], g[1], long, lat) < 100 {
			t.Fatalf("GCJ-02 hardly differs here: %v", g)
		}
		r := fx.post(t, "requests.json", url.Values{"api_key": {fx.key}, "service_code": {"SZ02"},
			"lat": {fmt.Sprint(g[1])}, "long": {fmt.Sprint(g[0])}, "crs": {"gcj02"}})
		id := items(t, "json", r)[0]["service_request_id"]
		ev, err := fx.env.Service.Event(context.Background(), events.SystemActor("test"), id)
		if err != nil {
			t.Fatal(err)
		}
		if d := events.DistanceM(ev.Lon, ev.Lat, long, lat); d > 1 {
			t.Errorf("GCJ-02 point stored %.0f m from the WGS84 one", d)
		}
	})
}

// TestStatusNotes: status_notes name the state and say when an event was
// merged into another, is overdue, or is synthetic.
func TestStatusNotes(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d, false)
		lat, long := point(t, fx)
		post := func() string {
			t.Helper()
			r := fx.post(t, "requests.json", url.Values{"api_key": {fx.key}, "service_code": {"XF01"},
				"lat": {fmt.Sprint(lat)}, "long": {fmt.Sprint(long)}})
			return items(t, "json", r)[0]["service_request_id"]
		}
		first, dup := post(), post()
		if _, err := fx.env.Service.Act(ctx, eventstest.Actor(t, fx.env.Dispatcher), dup,
			events.Action{Kind: events.ActMerge, Target: first}); err != nil {
			t.Fatal(err)
		}
		rep := eventstest.ReportIn(t, fx.env.Grid, "SR01", eventstest.XixiangCell)
		rep.Source, rep.Synthetic = events.SourceSimulation, true
		sim, err := fx.env.Service.Report(ctx, events.SystemActor("simulation"), rep)
		if err != nil {
			t.Fatal(err)
		}
		fx.env.Clock.Advance(5 * time.Hour) // XF01 is due in 4 hours
		if _, err := fx.env.Service.Sweep(ctx, fx.env.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		notes := map[string]string{}
		for _, it := range items(t, "json", fx.get(t, "requests.json?lang=en&api_key="+url.QueryEscape(fx.key))) {
			notes[it["service_request_id"]] = it["status_notes"]
		}
		for id, want := range map[string]string{first: "overdue", dup: "duplicate request", sim.Code: "synthetic demo data"} {
			if !strings.Contains(notes[id], want) {
				t.Errorf("%s: status_notes %q, want it to say %q", id, notes[id], want)
			}
		}
		if strings.Contains(notes[sim.Code], "overdue") || strings.Contains(notes[first], "synthetic") {
			t.Errorf("notes say too much: %v", notes)
		}
	})
}
