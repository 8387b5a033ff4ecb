package eventsweb_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	et "github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// apiEvent is the part of an event's JSON the tests read.
type apiEvent struct {
	ID, Code, State, Category, Cell, Street string
	CategoryName                            string `json:"category_name"`
	Chain                                   []string
	Zones                                   []struct{ Layer, Code, Name string }
	Route                                   struct{ Department, Zone, Reason string }
	Assignee                                struct{ Department, Zone, Worker string }
	SimilarTo                               string `json:"similar_to"`
	ReportedAt                              string `json:"reported_at"`
	Trace                                   []struct {
		Action, Actor, Role, Note string
		Photos                    []string
	}
	Allowed []string
}

func reportJSON(t *testing.T, f *fixture, category, cell, extra string) string {
	lon, lat := et.PointIn(t, f.env.Grid, cell)
	return fmt.Sprintf(`{"category":%q,"description":"接口上报","lon":%f,"lat":%f%s}`, category, lon, lat, extra)
}

// TestAPILifecycle drives an event through its lifecycle with the JSON
// API and checks the answers' shapes.
func TestAPILifecycle(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var cats []struct {
			Code, Name, Parent, Department, Layer string
			SLA                                   int `json:"sla_hours"`
		}
		decode(t, f.must(t, request{path: "/api/v1/events/categories"}, 200), &cats)
		if len(cats) < 40 || cats[0].Code != "CG" || cats[1].Parent != "CG" {
			t.Errorf("categories = %+v", cats[:2])
		}
		photo := f.env.Photo(t, 5)
		var ev apiEvent
		decode(t, f.must(t, request{method: "POST", path: "/api/v1/events", as: "citizen",
			json: reportJSON(t, f, "XF01", et.XinanMicro, `,"photos":["`+photo+`"]`)}, 201), &ev)
		if ev.Cell != et.XinanMicro || ev.State != "reported" || ev.CategoryName != "消防通道堵塞" || ev.Route.Department != "SZXF" ||
			len(ev.Zones) != 3 || ev.Zones[0].Name == "" {
			t.Errorf("reported = %+v", ev)
		}
		if _, err := time.Parse(time.RFC3339, ev.ReportedAt); err != nil || !strings.HasSuffix(ev.ReportedAt, "+08:00") {
			t.Errorf("reported_at %q is not RFC 3339 in China time", ev.ReportedAt)
		}
		f.must(t, request{method: "POST", path: "/api/v1/events/" + ev.ID + "/actions", as: "citizen", json: `{"action":"dispatch"}`}, 403)
		f.must(t, request{method: "POST", path: "/api/v1/events/" + ev.ID + "/actions", as: "dispatcher", json: `{"action":"dispatch","note":"速办"}`}, 200)
		f.must(t, request{method: "POST", path: "/api/v1/events/" + ev.Code + "/actions", as: "fire",
			json: `{"actions":[{"action":"accept"},{"action":"handle","note":"已清理","lon":113.9,"lat":22.55}]}`}, 200)
		decode(t, f.must(t, request{path: "/api/v1/events/" + ev.ID, as: "worker"}, 200), &ev)
		if ev.State != "handled" || len(ev.Trace) != 4 || ev.Trace[3].Note != "已清理" || strings.Join(ev.Allowed, ",") != "verify,reopen" {
			t.Errorf("handled = %+v", ev)
		}
		f.must(t, request{method: "POST", path: "/api/v1/events/" + ev.ID + "/actions", as: "worker",
			json: `{"actions":[{"action":"verify"},{"action":"close"}]}`}, 200)
		var list struct {
			Events []apiEvent
			More   bool
		}
		decode(t, f.must(t, request{path: "/api/v1/events?mine=1&state=closed", as: "citizen"}, 200), &list)
		if len(list.Events) != 1 || list.Events[0].ID != ev.ID {
			t.Errorf("my closed events = %+v", list)
		}
		f.must(t, request{path: "/api/v1/events/" + ev.ID, as: "other"}, 404)
		f.must(t, request{path: "/api/v1/events/" + ev.ID}, 401)
		p := f.must(t, request{method: "POST", path: "/api/v1/events/" + ev.ID + "/actions", as: "worker", json: `{"action":"close"}`}, 409)
		if ct := p.Header().Get("Content-Type"); ct != "application/problem+json" || !strings.Contains(p.Body.String(), `"code":"events.state"`) {
			t.Errorf("an illegal transition's answer: %s %s", ct, p.Body)
		}
	})
}

// TestAPIBatch: a patrol device's batch gets a result per report; a retry
// returns the stored events; malformed bodies get a problem.
func TestAPIBatch(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		lon, lat := et.PointIn(t, f.env.Grid, et.XinanMicro)
		body := fmt.Sprintf(`[{"category":"SR01","lon":%f,"lat":%f,"client_ref":"pda/1","at":"2026-03-02T08:30:00+08:00"},
			{"category":"SR01","lon":%f,"lat":%f,"client_ref":"pda/2"},
			{"category":"SR01","client_ref":"pda/3"},
			{"category":"NOPE","lon":%f,"lat":%f,"client_ref":"pda/4"},
			{"category":"SR02","lon":%f,"lat":%f,"at":"yesterday"}]`, lon, lat, lon+0.0001, lat, lon, lat, lon, lat)
		var res struct {
			Accepted, Existing, Refused int
			Results                     []struct {
				Index                 int
				ID, Code, Cell, State string
				SimilarTo             string `json:"similar_to"`
				Existing              bool
				Error                 *web.Problem
			}
		}
		decode(t, f.must(t, request{method: "POST", path: "/api/v1/events:batch", as: "worker", json: body}, 200), &res)
		if res.Accepted != 2 || res.Refused != 3 || res.Results[1].SimilarTo != res.Results[0].ID || res.Results[0].Cell != et.XinanMicro {
			t.Errorf("batch = %+v", res)
		}
		for i, code := range map[int]string{2: "events.location.missing", 3: "events.category.unknown", 4: "events.at.format"} {
			if e := res.Results[i].Error; e == nil || e.Code != code || e.Detail == "" || len(e.Errors) != 1 {
				t.Errorf("result %d = %+v, want %s", i, e, code)
			}
		}
		decode(t, f.must(t, request{method: "POST", path: "/api/v1/events:batch", as: "worker", json: `{"reports":` + body + `}`}, 200), &res)
		if res.Existing != 2 || res.Accepted != 0 || !res.Results[0].Existing {
			t.Errorf("retry = %+v", res)
		}
		f.must(t, request{method: "POST", path: "/api/v1/events:batch", as: "worker", json: `[{"category": 5}]`}, 400)
		f.must(t, request{method: "POST", path: "/api/v1/events:batch", as: "worker", json: `"x"`}, 400)
		f.must(t, request{method: "POST", path: "/api/v1/events:batch", as: "worker", json: `[]`}, 422)
		f.must(t, request{method: "POST", path: "/api/v1/events:batch", as: "citizen", json: body}, 403)
	})
}

// TestMapAPI checks the command centre's map, heat and statistics answers
// against the contract.
func TestMapAPI(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		citizen := f.actor(t, "citizen")
		a := f.env.Report(t, citizen, et.ReportIn(t, f.env.Grid, "XF01", et.XinanMicro))
		f.env.Report(t, citizen, et.ReportIn(t, f.env.Grid, "SR01", et.XixiangCell))
		f.env.Act(t, f.actor(t, "dispatcher"), a.ID, events.Action{Kind: events.ActDispatch})

		var fc struct {
			Type     string
			Features []struct {
				Type     string
				Geometry struct {
					Type        string
					Coordinates []float64
				}
				Properties map[string]any
			}
		}
		w := f.must(t, request{path: "/api/v1/events/map?grid=" + et.Xinan, as: "dispatcher"}, 200)
		decode(t, w, &fc)
		if w.Header().Get("Content-Type") != "application/geo+json" || fc.Type != "FeatureCollection" || len(fc.Features) != 1 {
			t.Fatalf("map of 新安 = %s", w.Body)
		}
		ft := fc.Features[0]
		for _, k := range []string{"id", "code", "state", "category", "category_name", "cell", "street", "reported_at", "due_at", "overdue", "synthetic"} {
			if _, ok := ft.Properties[k]; !ok {
				t.Errorf("feature lacks %s: %v", k, ft.Properties)
			}
		}
		if ft.Geometry.Type != "Point" || ft.Geometry.Coordinates[0] != a.Lon || ft.Properties["street"] != et.Xinan {
			t.Errorf("feature = %+v", ft)
		}
		decode(t, f.must(t, request{path: "/api/v1/events/map?state=dispatched", as: "dispatcher"}, 200), &fc)
		if len(fc.Features) != 1 {
			t.Errorf("dispatched = %d features", len(fc.Features))
		}
		decode(t, f.must(t, request{path: "/api/v1/events/map", as: "worker"}, 200), &fc)
		if len(fc.Features) != 1 {
			t.Errorf("新安's worker sees %d events on the map, want 1", len(fc.Features))
		}
		f.must(t, request{path: "/api/v1/events/map", as: "citizen"}, 403)
		f.must(t, request{path: "/api/v1/events/map?since=yesterday", as: "dispatcher"}, 422)

		var heat struct{ Points [][3]float64 }
		decode(t, f.must(t, request{path: "/api/v1/events/heat?from=2026-03-01", as: "dispatcher"}, 200), &heat)
		if len(heat.Points) != 2 || heat.Points[0][2] != 1 || heat.Points[0][0] < 22 || heat.Points[0][1] < 113 {
			t.Errorf("heat = %+v, want two points [lat, lon, 1]", heat)
		}

		var st struct {
			Grid             string
			From, To         string
			Reported, Closed int
			ClosureRate      float64 `json:"closure_rate"`
			MeanHours        float64 `json:"mean_hours"`
			MedianHours      float64 `json:"median_hours"`
			Overdue          int
			TookMS           *float64 `json:"took_ms"`
			ByCategory       []struct {
				Code, Name                string
				Reported, Closed, Overdue int
			} `json:"by_category"`
		}
		decode(t, f.must(t, request{path: "/api/v1/events/stats?grid=440306&from=2026-03-01&to=2026-03-02", as: "dispatcher"}, 200), &st)
		if st.Grid != "440306" || st.From != "2026-03-01" || st.Reported != 2 || st.TookMS == nil || len(st.ByCategory) != 2 ||
			st.ByCategory[0].Code != "SR" || st.ByCategory[0].Name != "市容环境" {
			t.Errorf("stats = %+v", st)
		}
		f.must(t, request{path: "/api/v1/events/stats?grid=nowhere", as: "dispatcher"}, 422)
		f.must(t, request{path: "/api/v1/events/stats?from=2026-03-05&to=2026-03-01", as: "dispatcher"}, 422)
		f.must(t, request{path: "/api/v1/events/stats", as: "citizen"}, 403)
	})
}

// TestStream reads the live stream from a real HTTP server: a change
// arrives as an "event: change" with the map's properties, lon, lat and
// action; the handler ends when the client goes.
func TestStream(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	f := newFixture(t, d)
	srv := httptest.NewServer(f.srv)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func(who string) *http.Response {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/events/stream", nil)
		req.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: f.users[who].token})
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := open("dispatcher")
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	other := open("otherWorker") // 西乡's grid worker: must not see 新安's event
	defer other.Body.Close()
	broker := f.env.Service.Broker()
	for deadline := time.Now().Add(5 * time.Second); broker.Subscribers() < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the streams did not subscribe")
		}
	}
	ev := f.env.Report(t, f.actor(t, "citizen"), et.ReportIn(t, f.env.Grid, "XF01", et.XinanMicro))
	sc := bufio.NewScanner(res.Body)
	var event, data string
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "event: ") {
			event = strings.TrimPrefix(line, "event: ")
		}
		if strings.HasPrefix(line, "data: ") {
			data = strings.TrimPrefix(line, "data: ")
			break
		}
	}
	var ch map[string]any
	if err := json.Unmarshal([]byte(data), &ch); err != nil || event != "change" {
		t.Fatalf("event %q data %q: %v", event, data, err)
	}
	if ch["id"] != ev.ID || ch["action"] != "report" || ch["lon"] != ev.Lon || ch["lat"] != ev.Lat || ch["state"] != "reported" ||
		ch["category_name"] != "消防通道堵塞" {
		t.Errorf("change = %v", ch)
	}
	// The other worker's stream got nothing but its opening comment.
	f.env.Report(t, f.actor(t, "citizen"), et.ReportIn(t, f.env.Grid, "SR02", et.XixiangCell))
	osc := bufio.NewScanner(other.Body)
	for osc.Scan() {
		line := osc.Text()
		if strings.HasPrefix(line, "data: ") {
			if !strings.Contains(line, et.XixiangCell) {
				t.Errorf("西乡's worker got %s", line)
			}
			break
		}
	}
	cancel()
	for deadline := time.Now().Add(5 * time.Second); broker.Subscribers() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stream handlers did not end when their clients went")
		}
	}
	f.must(t, request{path: "/api/v1/events/stream", as: "citizen"}, 403)
}

// TestStreamShutdown: Shutdown ends open streams.
func TestStreamShutdown(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	srv := httptest.NewServer(f.srv)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/events/stream", nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: f.users["dispatcher"].token})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	for deadline := time.Now().Add(5 * time.Second); f.env.Service.Broker().Subscribers() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no subscriber")
		}
	}
	f.handlers.Shutdown()
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 512)
		for {
			if _, err := res.Body.Read(buf); err != nil {
				close(done)
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end after Shutdown")
	}
}

// TestCategoriesAndWorkersAPI: admins edit categories; dispatchers assign
// grid workers; workers check in.
func TestCategoriesAndWorkersAPI(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var c struct {
			Code    string
			SLA     int `json:"sla_hours"`
			Version int
		}
		body := `{"name":"占道经营","name_en":"Street vending","parent":"CG","department":"SZCG","sla_hours":6,"version":1}`
		f.must(t, request{method: "PUT", path: "/api/v1/events/categories/CG01", as: "dispatcher", json: body}, 403)
		decode(t, f.must(t, request{method: "PUT", path: "/api/v1/events/categories/CG01", as: "admin", json: body}, 200), &c)
		if c.SLA != 6 || c.Version != 2 {
			t.Errorf("saved = %+v", c)
		}
		f.must(t, request{method: "PUT", path: "/api/v1/events/categories/CG01", as: "admin", json: body}, 409)
		f.must(t, request{method: "POST", path: "/api/v1/events/categories", as: "admin",
			json: `{"code":"CG09","name":"测试","parent":"CG","department":"SZCG","sla_hours":3}`}, 201)

		worker := f.users["worker"].ID
		f.must(t, request{method: "PUT", path: "/api/v1/events/workers/" + worker + "/cells", as: "worker", json: `{"cells":["440306017"]}`}, 403)
		var cells struct{ Cells []string }
		decode(t, f.must(t, request{method: "PUT", path: "/api/v1/events/workers/" + worker + "/cells", as: "dispatcher",
			json: `{"cells":["440306017","440306017"]}`}, 200), &cells)
		if len(cells.Cells) != 1 {
			t.Errorf("cells = %v", cells)
		}
		f.must(t, request{method: "PUT", path: "/api/v1/events/workers/" + worker + "/cells", as: "dispatcher", json: `{"cells":["nowhere"]}`}, 422)
		decode(t, f.must(t, request{path: "/api/v1/events/workers/" + worker + "/cells", as: "worker"}, 200), &cells)
		lon, lat := et.PointIn(t, f.env.Grid, et.XinanMicro)
		var p struct {
			Cell   string
			Inside bool
		}
		decode(t, f.must(t, request{method: "POST", path: "/api/v1/events/patrols", as: "worker",
			json: fmt.Sprintf(`{"lon":%f,"lat":%f}`, lon, lat)}, 201), &p)
		if p.Cell != et.XinanMicro || !p.Inside {
			t.Errorf("check-in = %+v", p)
		}
		f.must(t, request{method: "POST", path: "/api/v1/events/patrols", as: "citizen", json: `{"lon":113.9,"lat":22.5}`}, 403)
	})
}
