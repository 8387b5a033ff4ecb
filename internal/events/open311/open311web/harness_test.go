package open311web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventstest"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311/open311sql"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311/open311web"
	"github.com/pengcheng-gov/pengcheng/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// baseURL is the platform's URL in the tests.
const baseURL = "https://gov.example.cn"

// fixture is the Open311 endpoint on the real events service (demo grid,
// departments, a cast of accounts) over one database, with one client's
// key.
type fixture struct {
	env    *eventstest.Env
	svc    *open311.Service
	srv    http.Handler
	key    string // a valid api_key
	keyID  string
	public bool
}

func newFixture(t *testing.T, d *db.DB, public bool) *fixture {
	t.Helper()
	ctx := context.Background()
	env := eventstest.NewEnv(t, d, events.Config{})
	quiet := slog.New(slog.DiscardHandler)
	svc, err := open311.NewService(open311.Deps{Store: open311sql.New(d), Events: env.Service,
		Grid: eventstest.StaticGrid{Ix: env.Grid}, Departments: catalog.NewService(catalogsql.New(d), env.Clock.Now, quiet),
		PublicReads: public, Now: env.Clock.Now, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	k, secret, err := svc.Keys().Add(ctx, events.SystemActor("test"), "宝安通 App")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(web.Options{Log: quiet, Registry: prometheus.NewRegistry(), Sessions: env.Identity.Service,
		CSRFExempt: open311web.CSRFExempt()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := open311web.New(open311web.Deps{Service: svc, Files: env.Files, BaseURL: baseURL + "/", Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	return &fixture{env: env, svc: svc, srv: srv, key: secret, keyID: k.ID, public: public}
}

// response is an answer of the endpoint.
type response struct {
	status int
	ctype  string
	body   []byte
}

func (f *fixture) do(t *testing.T, req *http.Request) response {
	t.Helper()
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return response{status: rec.Code, ctype: rec.Header().Get("Content-Type"), body: rec.Body.Bytes()}
}

// get requests path (with its query) from the endpoint.
func (f *fixture) get(t *testing.T, path string) response {
	t.Helper()
	return f.do(t, httptest.NewRequest(http.MethodGet, "/open311/v2/"+path, nil))
}

// post sends a form, as the spec's example request does.
func (f *fixture) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	return f.do(t, newPost("/open311/v2/"+path, form))
}

// postMultipart sends a form with photos in "media".
func (f *fixture) postMultipart(t *testing.T, path string, form url.Values, photos ...[]byte) response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, p := range photos {
		w, err := mw.CreateFormFile("media", fmt.Sprintf("photo%d.png", i))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/open311/v2/"+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return f.do(t, req)
}

func newGet(path string) *http.Request { return httptest.NewRequest(http.MethodGet, path, nil) }

// newGetEN asks for answers in English.
func newGetEN(path string) *http.Request {
	r := newGet(path)
	r.Header.Set("Accept-Language", "en")
	return r
}

func newPost(path string, form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return r
}

// fixtureForm reads a POST body of testdata, filling in $API_KEY, $LAT
// and $LONG.
func fixtureForm(t *testing.T, name, key string, lat, long float64) url.Values {
	t.Helper()
	raw := strings.TrimSpace(string(readFixture(t, name)))
	raw = strings.NewReplacer("$API_KEY", url.QueryEscape(key), "$LAT", fmt.Sprint(lat), "$LONG", fmt.Sprint(long)).Replace(raw)
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// node is an XML element.
type node struct {
	Name     string
	Text     string
	Children []*node
}

// child returns the first child named name, or nil.
func (n *node) child(name string) *node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// text returns the text of the first child named name.
func (n *node) text(name string) string {
	if c := n.child(name); c != nil {
		return c.Text
	}
	return ""
}

// all returns the children named name.
func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// parseXML parses a document, checking the declaration the spec asks for.
func parseXML(t *testing.T, b []byte) *node {
	t.Helper()
	if !bytes.HasPrefix(bytes.ToLower(b), []byte(`<?xml version="1.0" encoding="utf-8"?>`)) {
		t.Fatalf("no XML declaration with encoding UTF-8: %.80s", b)
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("XML: %v\n%s", err, b)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{Name: tk.Name.Local}
			if tk.Name.Space != "" || len(tk.Attr) > 0 {
				t.Fatalf("element %s has a namespace or attributes; the spec's XML has neither", tk.Name.Local)
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += strings.TrimSpace(string(tk))
			}
		}
	}
	if root == nil {
		t.Fatalf("empty XML document")
	}
	return root
}

// xmlPaths returns the element paths of a document (root/child/…).
func xmlPaths(n *node, prefix string, into map[string]bool) map[string]bool {
	if into == nil {
		into = map[string]bool{}
	}
	p := prefix + n.Name
	into[p] = true
	for _, c := range n.Children {
		xmlPaths(c, p+"/", into)
	}
	return into
}

// jsonKinds returns the paths of a JSON value with the kind of value at
// each ([] for array elements).
func jsonKinds(v any, prefix string, into map[string]map[string]bool) map[string]map[string]bool {
	if into == nil {
		into = map[string]map[string]bool{}
	}
	kind := "null"
	switch x := v.(type) {
	case map[string]any:
		kind = "object"
		for k, c := range x {
			jsonKinds(c, prefix+"."+k, into)
		}
	case []any:
		kind = "array"
		for _, c := range x {
			jsonKinds(c, prefix+"[]", into)
		}
	case string:
		kind = "string"
	case json.Number:
		kind = "number"
	case bool:
		kind = "bool"
	}
	if into[prefix] == nil {
		into[prefix] = map[string]bool{}
	}
	into[prefix][kind] = true
	return into
}

func parseJSON(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("JSON: %v\n%s", err, b)
	}
	return v
}

// sameXMLShape checks that a response has exactly the elements of the
// spec-shaped example in testdata: no foreign tags, none missing.
func sameXMLShape(t *testing.T, example string, got *node) {
	t.Helper()
	want := xmlPaths(parseXML(t, readFixture(t, example)), "", nil)
	have := xmlPaths(got, "", nil)
	if d := diff(want, have); d != "" {
		t.Errorf("XML elements differ from %s:\n%s", example, d)
	}
}

// sameJSONShape checks that a response has exactly the members of the
// example, each of the example's kind (null standing for an empty value
// of any kind).
func sameJSONShape(t *testing.T, example string, got any) {
	t.Helper()
	want := jsonKinds(parseJSON(t, readFixture(t, example)), "", nil)
	have := jsonKinds(got, "", nil)
	wk, hk := map[string]bool{}, map[string]bool{}
	for p := range want {
		wk[p] = true
	}
	for p := range have {
		hk[p] = true
	}
	if d := diff(wk, hk); d != "" {
		t.Errorf("JSON members differ from %s:\n%s", example, d)
	}
	for p, kinds := range have {
		for k := range kinds {
			if k != "null" && !want[p][k] && !want[p]["null"] {
				t.Errorf("%s: %s is a %s, the example has %v", example, p, k, keys(want[p]))
			}
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// diff lists what is in one set and not the other.
func diff(want, have map[string]bool) string {
	var lines []string
	for p := range want {
		if !have[p] {
			lines = append(lines, "  missing "+p)
		}
	}
	for p := range have {
		if !want[p] {
			lines = append(lines, "  extra   "+p)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// wantError checks a response is the spec's error document with status.
func wantError(t *testing.T, r response, f string, status int, contains string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var desc string
	if f == "xml" {
		root := parseXML(t, r.body)
		sameXMLShape(t, "errors.xml", root)
		e := root.child("error")
		if e.text("code") != fmt.Sprint(status) {
			t.Errorf("error code %q, want %d", e.text("code"), status)
		}
		desc = e.text("description")
	} else {
		v := parseJSON(t, r.body)
		sameJSONShape(t, "errors.json", v)
		e := v.([]any)[0].(map[string]any)
		if e["code"].(json.Number).String() != fmt.Sprint(status) {
			t.Errorf("error code %v, want %d", e["code"], status)
		}
		desc = e["description"].(string)
	}
	if !strings.Contains(desc, contains) {
		t.Errorf("error description %q does not mention %q", desc, contains)
	}
}

// contentType is the spec's header for each format.
var contentType = map[string]string{"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
