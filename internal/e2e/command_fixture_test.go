package e2e

// A test fixture, not shipped: a stand-in for the events module's API
// (GET /api/v1/events/map, stream, heat, categories, stats and the
// /events/{id} page), answering in the shapes of the events ↔ map
// contract, so that the command centre's pages can be tried in a browser
// with events before (and independently of) the events module. It serves
// the real grid API and the real command-centre pages beside it.

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pengcheng-gov/pengcheng/internal/command/commandweb"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridsql"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridweb"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// fakeEvent is an event as the contract's map features describe it.
type fakeEvent struct {
	ID           string  `json:"id"`
	Code         string  `json:"code"`
	State        string  `json:"state"`
	Category     string  `json:"category"`
	CategoryName string  `json:"category_name"`
	Cell         string  `json:"cell"`
	Street       string  `json:"street"`
	ReportedAt   string  `json:"reported_at"`
	DueAt        string  `json:"due_at"`
	Overdue      bool    `json:"overdue"`
	Synthetic    bool    `json:"synthetic"`
	Lon          float64 `json:"lon,omitempty"`    // the stream's changes only
	Lat          float64 `json:"lat,omitempty"`    // the stream's changes only
	Action       string  `json:"action,omitempty"` // the stream's changes only
	lon, lat     float64
}

// fakeCategories are the fixture's categories: two top ones, one with a
// subcategory.
var fakeCategories = []map[string]any{
	{"code": "CG", "name": "城市管理", "parent": "", "department": "SZCG", "layer": "", "sla_hours": 48},
	{"code": "XF", "name": "消防隐患", "parent": "", "department": "SZXF", "layer": "fire", "sla_hours": 24},
	{"code": "XF01", "name": "消防通道堵塞", "parent": "XF", "department": "SZXF", "layer": "fire", "sla_hours": 12},
}

// eventsFixture is the stand-in events API with the command centre.
type eventsFixture struct {
	t      *testing.T
	URL    string
	Grid   *grid.Service
	Events []fakeEvent // what the map answers, before filtering

	mu      sync.Mutex
	fail    int                   // when set, every events API answers this status
	mapHits int                   // requests of the map API
	queries map[string]url.Values // the last query of each API, by path
	clients map[chan fakeEvent]bool
}

// fixtureToken is the session cookie that the fixture takes for its
// dispatcher.
const fixtureToken = "fixture-dispatcher"

type fixtureSessions struct{}

func (fixtureSessions) Authenticate(_ context.Context, token string) (*identity.Account, *identity.Session, error) {
	if token != fixtureToken {
		return nil, nil, errs.E(errs.Unauthenticated, "session.unknown", "会话无效", "unknown session")
	}
	a := &identity.Account{ID: "fx-dispatch", Kind: identity.Staff, Username: "dispatch", DisplayName: "吴敏（测试·调度员）",
		Department: "SZXF", Roles: []identity.Role{identity.Dispatcher}}
	return a, &identity.Session{ID: "fx", AccountID: a.ID, CSRFToken: "fx-csrf", ExpiresAt: time.Now().Add(time.Hour)}, nil
}

// newEventsFixture seeds the demo grid on a fresh SQLite database and
// serves the command centre, the grid API and the fake events API.
func newEventsFixture(t *testing.T) *eventsFixture {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	svc := grid.NewService(gridsql.New(dbtest.Open(t, db.SQLite)), nil, log)
	src, err := os.ReadFile("../demo/data/baoan.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := grid.SeedDemo(ctx, svc, src); err != nil {
		t.Fatalf("seed the demo grid: %v", err)
	}
	srv, err := web.NewServer(web.Options{Log: log, Registry: prometheus.NewRegistry(), Sessions: fixtureSessions{},
		Templates: []web.TemplateSet{commandweb.Templates()}})
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gridweb.New(gridweb.Deps{Service: svc, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	gw.Routes(srv.Mux)
	cw, err := commandweb.New(commandweb.Deps{Grid: svc, Renderer: srv.Renderer, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	cw.Routes(srv.Mux)
	fx := &eventsFixture{t: t, Grid: svc, queries: map[string]url.Values{}, clients: map[chan fakeEvent]bool{}}
	fx.Events = fx.makeEvents(ctx, 42)
	fx.routes(srv.Mux)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	fx.URL = ts.URL
	return fx
}

// makeEvents places n events at micro-grids spread over the district:
// states in turn, every fifth overdue, categories in turn.
func (fx *eventsFixture) makeEvents(ctx context.Context, n int) []fakeEvent {
	ix, err := fx.Grid.Index(ctx)
	if err != nil {
		fx.t.Fatal(err)
	}
	micro := ix.Cells(grid.Microgrid, "")
	now := time.Now().UTC()
	var out []fakeEvent
	for i := range n {
		c := micro[i*len(micro)/n]
		lon, lat := inside(c)
		cat := fakeCategories[i%len(fakeCategories)]
		out = append(out, fakeEvent{
			ID: fmt.Sprintf("E%03d", i+1), Code: fmt.Sprintf("SJ2026%04d", i+1), State: commandweb.States[i%len(commandweb.States)],
			Category: cat["code"].(string), CategoryName: cat["name"].(string), Cell: c.Code, Street: ix.Chain(c.Code)[1].Code,
			ReportedAt: now.Add(-time.Duration(i) * time.Hour).Format(time.RFC3339), DueAt: now.Add(48*time.Hour + time.Duration(i)*time.Minute).Format(time.RFC3339),
			Overdue: i%5 == 0, Synthetic: true, lon: lon, lat: lat,
		})
	}
	return out
}

// inside returns a point of the cell: the mean of its outer ring's
// corners (the demo's cells are nearly convex).
func inside(c *grid.Cell) (lon, lat float64) {
	ring := c.Geometry[0][0]
	for _, p := range ring[:len(ring)-1] {
		lon += p[0]
		lat += p[1]
	}
	k := float64(len(ring) - 1)
	return lon / k, lat / k
}

func (fx *eventsFixture) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/events/map", fx.guard(fx.mapAPI))
	mux.HandleFunc("GET /api/v1/events/stream", fx.guard(fx.stream))
	mux.HandleFunc("GET /api/v1/events/heat", fx.guard(fx.heat))
	mux.HandleFunc("GET /api/v1/events/categories", fx.guard(func(w http.ResponseWriter, r *http.Request) {
		web.WriteJSON(w, http.StatusOK, fakeCategories)
	}))
	mux.HandleFunc("GET /api/v1/events/stats", fx.guard(fx.stats))
	mux.HandleFunc("GET /events/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>事件</title><h1 id="event-id">%s</h1>`, html.EscapeString(r.PathValue("id")))
	})
}

// guard records the request's query and answers the failure status when
// one is set.
func (fx *eventsFixture) guard(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fx.mu.Lock()
		fx.queries[r.URL.Path] = r.URL.Query()
		fail := fx.fail
		fx.mu.Unlock()
		if fail != 0 {
			web.WriteError(w, r, fmt.Errorf("the fixture fails with %d", fail))
			return
		}
		h(w, r)
	}
}

// setFail makes the events API answer status (0: answer normally).
func (fx *eventsFixture) setFail(status int) {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	fx.fail = status
}

// query returns the last query the API at path received.
func (fx *eventsFixture) query(path string) url.Values {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return fx.queries[path]
}

// isIn reports whether category code is want or below it.
func isIn(code, want string) bool {
	for _, c := range fakeCategories {
		if c["code"] == code && c["parent"] == want {
			return true
		}
	}
	return code == want
}

// shown returns the events the map answers for q, newest first.
func (fx *eventsFixture) shown(q url.Values) []fakeEvent {
	limit, _ := strconv.Atoi(q.Get("limit"))
	var out []fakeEvent
	for _, e := range fx.Events {
		if (q.Get("state") == "" || e.State == q.Get("state")) && (q.Get("category") == "" || isIn(e.Category, q.Get("category"))) &&
			(q.Get("grid") == "" || e.Street == q.Get("grid") || e.Cell == q.Get("grid")) && (limit == 0 || len(out) < limit) {
			out = append(out, e)
		}
	}
	return out
}

func (fx *eventsFixture) mapAPI(w http.ResponseWriter, r *http.Request) {
	fx.mu.Lock()
	fx.mapHits++
	fx.mu.Unlock()
	type feature struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties fakeEvent      `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, e := range fx.shown(r.URL.Query()) {
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry: map[string]any{"type": "Point", "coordinates": []float64{e.lon, e.lat}}, Properties: e})
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_ = json.NewEncoder(w).Encode(fc)
}

// stream sends each pushed change as a server-sent event until the
// client goes.
func (fx *eventsFixture) stream(w http.ResponseWriter, r *http.Request) {
	ch := make(chan fakeEvent, 8)
	fx.mu.Lock()
	fx.clients[ch] = true
	fx.mu.Unlock()
	defer func() {
		fx.mu.Lock()
		delete(fx.clients, ch)
		fx.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	fmt.Fprint(w, "retry: 300\n: hello\n\n") // reconnect quickly after hangUp
	_ = rc.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case e := <-ch:
			if e.ID == "" {
				return // hangUp
			}
			b, _ := json.Marshal(e)
			fmt.Fprintf(w, "event: change\ndata: %s\n\n", b)
			_ = rc.Flush()
		}
	}
}

// hangUp ends every stream, as a restart or a proxy's timeout would.
func (fx *eventsFixture) hangUp() { fx.push(fakeEvent{}, "") }

// hits returns how many times the map API was asked.
func (fx *eventsFixture) hits() int {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return fx.mapHits
}

// listeners returns how many pages listen to the stream.
func (fx *eventsFixture) listeners() int {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return len(fx.clients)
}

// push sends a change of e (at its place) to every listening page.
func (fx *eventsFixture) push(e fakeEvent, action string) {
	e.Lon, e.Lat, e.Action = e.lon, e.lat, action
	fx.mu.Lock()
	defer fx.mu.Unlock()
	for ch := range fx.clients {
		ch <- e
	}
}

func (fx *eventsFixture) heat(w http.ResponseWriter, r *http.Request) {
	pts := [][3]float64{}
	for i, e := range fx.shown(url.Values{"grid": {r.URL.Query().Get("grid")}}) {
		pts = append(pts, [3]float64{e.lat, e.lon, float64(1 + i%4)})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"points": pts})
}

// fakeStats are the statistics the fixture answers for any node.
var fakeStats = map[string]any{
	"reported": 16400, "closed": 16308, "closure_rate": 0.9944, "mean_hours": 2.04, "median_hours": 1.5, "overdue": 92,
	"by_category": []map[string]any{
		{"code": "CG", "name": "城市管理", "reported": 9000, "closed": 8990, "overdue": 30},
		{"code": "XF", "name": "消防隐患", "reported": 4400, "closed": 4380, "overdue": 40},
		{"code": "AQ", "name": "安全生产", "reported": 3000, "closed": 2938, "overdue": 22},
	},
	"took_ms": 7,
}

func (fx *eventsFixture) stats(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{"grid": r.URL.Query().Get("grid"), "from": r.URL.Query().Get("from"), "to": r.URL.Query().Get("to")}
	for k, v := range fakeStats {
		out[k] = v
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// countState returns how many of events are in state (or overdue, for
// "overdue").
func countState(events []fakeEvent, state string) int {
	n := 0
	for _, e := range events {
		if e.State == state || state == "overdue" && e.Overdue {
			n++
		}
	}
	return n
}

// waitListening waits until a page listens to the stream.
func (fx *eventsFixture) waitListening(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(stepTimeout); fx.listeners() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no page listens to the event stream")
		}
	}
}

// live pushes changes and checks the map follows: a new event appears and
// flashes, a closed one turns grey.
func (b *tab) live(fx *eventsFixture) {
	b.t.Helper()
	fx.waitListening(b.t)
	b.poll("wait for the live line", `document.getElementById("command-live").textContent === "实时更新中"`)
	n := len(fx.Events)
	fresh := fx.Events[1]
	fresh.ID, fresh.Code, fresh.State, fresh.Overdue = "E-LIVE", "SJ-LIVE", "reported", false
	fx.push(fresh, "report")
	b.poll("wait for the new event", `document.getElementById("command-map").dataset.lastChange === "E-LIVE"`)
	if got := b.count("#command-map path.event-marker"); got != n+1 {
		b.t.Errorf("after a report: %d markers, want %d", got, n+1)
	}
	if b.count("#command-map path.ev-fresh") != 1 {
		b.t.Error("the new event's marker does not flash")
	}
	closed := fx.Events[0] // reported and overdue
	closed.State = "closed"
	fx.push(closed, "close")
	b.poll("wait for the closed event", `document.getElementById("command-map").dataset.lastChange === "E001"`)
	if got, want := b.count("#command-map path.ev-closed"), countState(fx.Events, "closed")+1; got != want {
		b.t.Errorf("after a closure: %d closed markers, want %d", got, want)
	}
	if got := b.count("#command-map path.event-marker"); got != n+1 {
		b.t.Errorf("after a closure: %d markers, want %d", got, n+1)
	}
	// The stream breaks; the page reconnects and reads the map again,
	// which (the fixture having no memory of the pushes) has n events.
	hits := fx.hits()
	fx.hangUp()
	for deadline := time.Now().Add(stepTimeout); fx.hits() == hits; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.t.Fatal("the page did not read the map again after the stream broke")
		}
	}
	b.poll("wait for the map read again", fmt.Sprintf(`document.getElementById("command-map").dataset.markers === "%d"`, n))
	fx.waitListening(b.t)
}

// choose sets a filter and waits for the map to show what the fixture
// answers for the filters so far.
func (b *tab) choose(fx *eventsFixture, sel, value string, q url.Values) {
	b.t.Helper()
	b.set(sel, value)
	want := len(fx.shown(q))
	b.poll("wait for the map filtered by "+sel+"="+value, fmt.Sprintf(
		`(m => m.dataset.events === "ready" && m.dataset.markers === "%d")(document.getElementById("command-map"))`, want))
	got := fx.query("/api/v1/events/map")
	for k := range q {
		if k != "limit" && got.Get(k) != q.Get(k) {
			b.t.Errorf("map query %v: %s should be %q", got, k, q.Get(k))
		}
	}
}

// filters narrows the map by state, street and category (the category
// takes its subcategories), checks changes outside the filters leave the
// map, and clears the filters.
func (b *tab) filters(fx *eventsFixture) {
	b.t.Helper()
	q := url.Values{"state": {"dispatched"}}
	b.choose(fx, "#f-state", "dispatched", q)
	if loc := b.location(); !strings.Contains(loc, "state=dispatched") {
		b.t.Errorf("address %s does not keep the filter", loc)
	}
	shown := fx.shown(q)
	other := fx.Events[0]
	other.ID = "E-OTHER"
	fx.push(other, "report")
	b.poll("wait for a change outside the filter", `document.getElementById("command-map").dataset.lastChange === "E-OTHER"`)
	moved := shown[0]
	moved.State = "accepted"
	fx.push(moved, "accept")
	b.poll("wait for an event to leave the filter", fmt.Sprintf(`document.getElementById("command-map").dataset.lastChange === %q`, moved.ID))
	if got := b.count("#command-map path.event-marker"); got != len(shown)-1 {
		b.t.Errorf("dispatched filter after two changes: %d markers, want %d", got, len(shown)-1)
	}
	q.Set("grid", fx.Events[3].Street)
	b.choose(fx, "#f-street", fx.Events[3].Street, q)
	q.Del("grid")
	b.choose(fx, "#f-street", "", q)
	q.Set("category", "XF")
	b.choose(fx, "#f-category", "XF", q)
	b.shot("command-filtered")
	q = url.Values{}
	b.choose(fx, "#f-state", "", url.Values{"category": {"XF"}})
	b.choose(fx, "#f-category", "", q)
}

// heat switches the heat map on.
func (b *tab) heat(fx *eventsFixture) {
	b.t.Helper()
	b.do("switch the heat map on", chromedp.Click(chromedp.CSS("#layer-heat")))
	b.poll("wait for the heat map", fmt.Sprintf(`document.getElementById("command-map").dataset.heat === "%d"`, len(fx.shown(url.Values{}))))
	if b.count("canvas.leaflet-heatmap-layer") != 1 {
		b.t.Error("no heat-map canvas")
	}
	if from := fx.query("/api/v1/events/heat").Get("from"); len(from) != len("2006-01-02") {
		b.t.Errorf("heat query from=%q, want a day", from)
	}
	b.shot("command-heat")
	b.do("switch the heat map off", chromedp.Click(chromedp.CSS("#layer-heat")))
}
