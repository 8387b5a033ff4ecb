package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pengcheng-gov/pengcheng/internal/app/apptest"
	"github.com/pengcheng-gov/pengcheng/internal/demo"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// The actors of the grid event journey (demo logins) and what they write.
const (
	workerLogin     = "grid-xa"   // 周勇, the grid worker of 新安街道's micro-grids
	dispatcherLogin = "dispatch"  // 吴敏, the dispatcher
	policeLogin     = "ga-clerk"  // 刘建国, staff of the police (SZGA), who handle 治安隐患
	xinanStreet     = "440306017" // 新安街道
	gridCategory    = "ZA01"      // 治安隐患 › 出租屋治安隐患, routed to SZGA by the police beats
	gridDepartment  = "SZGA"
	gridDescription = "出租屋楼道堆放杂物并私拉电线，住户反映夜间有陌生人出入"
	gridResult      = "已上门检查：清理楼道杂物，拆除私拉电线，登记住户信息"
	gridVerifyNote  = "复查：楼道已清空，电线已拆除"
)

// gridJourney is what the actors of TestGridEventJourney share.
type gridJourney struct {
	t      *testing.T
	in     *apptest.Instance
	album  *album
	cell   *grid.Cell // the micro-grid where the worker stands
	comm   *grid.Cell // its community
	point  grid.Point // inside cell
	beat   string     // the police beat there
	names  map[string]string
	photo  string // the report's photo (a PNG file)
	result string // the handling's photo
	day    string // today in China time, YYYY-MM-DD
	id     string // the event, once reported
	code   string
}

// statsFigures are the numbers of GET /api/v1/events/stats that the
// journey checks.
type statsFigures struct {
	Reported   int64 `json:"reported"`
	Closed     int64 `json:"closed"`
	ByCategory []struct {
		Code     string `json:"code"`
		Reported int64  `json:"reported"`
		Closed   int64  `json:"closed"`
		Sub      []struct {
			Code     string `json:"code"`
			Reported int64  `json:"reported"`
			Closed   int64  `json:"closed"`
		} `json:"subcategories"`
	} `json:"by_category"`
}

// category returns the reported and closed of a category (or
// subcategory) code.
func (s statsFigures) category(code string) (int64, int64) {
	for _, c := range s.ByCategory {
		if c.Code == code {
			return c.Reported, c.Closed
		}
		for _, sc := range c.Sub {
			if sc.Code == code {
				return sc.Reported, sc.Closed
			}
		}
	}
	return 0, 0
}

// TestGridEventJourney: the grid worker of 新安街道, tried as a new user
// would on a phone, signs in, reports a security risk in rented housing
// with a photo where the phone says they stand; the dispatcher, whose
// command centre shows the event as it comes in, finds it in the queue and
// dispatches it to the police as suggested; the police's staff accept it
// and handle it with a result and a photo; the worker verifies and closes
// it on the phone. The event's page shows the full trace, the dashboard's
// figures for the community and the street count one more reported and
// closed, and the map, never reloaded, shows the event closed. Each step
// is screenshotted (the worker's at 375 px).
func TestGridEventJourney(t *testing.T) {
	start := time.Now()
	g := newGridJourney(t)
	booted := time.Since(start)
	root := browser(t)
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	type lapTime struct {
		name string
		took time.Duration
	}
	laps := []lapTime{{"boot (demo seed)", booted}}
	lap := func(name string, f func()) {
		t0 := time.Now()
		f()
		laps = append(laps, lapTime{name, time.Since(t0)})
	}

	d := newTab(t, root, "dispatcher "+dispatcherLogin, chinese, g.album)
	var comm0, street0 statsFigures
	var screen *tab
	lap("0 command centre before", func() { comm0, street0, screen = g.watch(d) })
	w := g.phoneTab(root, "grid worker "+workerLogin)
	lap("1 worker reports (phone)", func() { g.report(w) })
	lap("1b map shows it live", func() { g.onMap(screen, "reported", "grid-map-reported") })
	lap("2 dispatcher dispatches", func() { g.dispatch(d) })
	c := newTab(t, root, "police staff "+policeLogin, chinese, g.album)
	lap("3 police handle", func() { g.handle(c) })
	lap("4 worker verifies and closes (phone)", func() { g.verify(w) })
	lap("5 trace, statistics, map", func() {
		g.trace(w)
		g.statistics(d, comm0, street0)
		g.onMap(screen, "closed", "grid-map-closed")
		g.mapAPI(d)
	})
	for _, l := range laps {
		t.Logf("%-40s %6.1fs", l.name, l.took.Seconds())
	}
	t.Logf("%-40s %6.1fs; screenshots in %s", "total", time.Since(start).Seconds(), g.album.dir)
}

// newGridJourney boots the platform and chooses where the worker stands:
// the centroid of the first micro-grid of 新安街道 that contains it and
// lies in a police beat.
func newGridJourney(t *testing.T) *gridJourney {
	t.Helper()
	ctx := context.Background()
	g := &gridJourney{t: t, in: apptest.Start(t, apptest.Options{}), album: &album{dir: screenshotDir(t)}, names: map[string]string{}}
	ix, err := g.in.App.Grid.Index(ctx)
	if err != nil {
		t.Fatalf("grid index: %v", err)
	}
	for _, comm := range ix.Children(xinanStreet) {
		for _, m := range ix.Cells(grid.Microgrid, comm.Code) {
			p := m.Geometry.Centroid()
			loc := ix.Locate(p)
			if c := loc.Cell(); c != nil && c.Code == m.Code && loc.Zone("police") != nil {
				g.cell, g.comm, g.point, g.beat = m, comm, p, loc.Zone("police").Name
				break
			}
		}
		if g.cell != nil {
			break
		}
	}
	if g.cell == nil {
		t.Fatalf("no micro-grid of street %s contains its centroid inside a police beat", xinanStreet)
	}
	for _, login := range []string{workerLogin, dispatcherLogin, policeLogin} {
		a, err := g.in.App.Identity.AccountByLogin(ctx, login)
		if err != nil {
			t.Fatalf("demo account %s: %v", login, err)
		}
		g.names[login] = a.DisplayName
	}
	dir := t.TempDir()
	g.photo = writeFile(t, dir, "楼道.png", samplePNG(t))
	g.result = writeFile(t, dir, "整改后.png", plainPNG(t, 320, 240, color.RGBA{90, 160, 90, 255}))
	g.day = today()
	t.Logf("the worker stands at %.6f,%.6f in %s %s (%s), police beat %s", g.point.Lon(), g.point.Lat(), g.comm.Name, g.cell.Name, g.cell.Code, g.beat)
	return g
}

// today is the day in China time, as the statistics count days.
func today() string { return events.DayOf(time.Now()).String() }

// plainPNG returns a w×h PNG of one colour with a darker frame.
func plainPNG(t *testing.T, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if x < 12 || y < 12 || x >= w-12 || y >= h-12 {
				img.Set(x, y, color.RGBA{c.R / 2, c.G / 2, c.B / 2, 255})
			} else {
				img.Set(x, y, c)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// phoneTab opens a tab for who as a phone (375 px, touch) standing at the
// journey's point, with the location permission granted.
func (g *gridJourney) phoneTab(root context.Context, who string) *tab {
	g.t.Helper()
	b := newTab(g.t, root, who, chinese, g.album)
	b.do("become a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait,
		chromedp.EmulateMobile, chromedp.EmulateTouch))
	g.stand(b)
	return b
}

// stand grants the tab's browser context the location and puts the
// device at the journey's point.
func (g *gridJourney) stand(b *tab) {
	g.t.Helper()
	c := chromedp.FromContext(b.ctx)
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted,
		Origin: g.in.URL, BrowserContextID: c.BrowserContextID}); err != nil {
		g.t.Fatalf("%s: grant the location: %v", b.who, err)
	}
	lon, lat, acc := g.point.Lon(), g.point.Lat(), 10.0
	if _, err := chromedp.Call(b.ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
		Longitude: &lon, Latitude: &lat, Accuracy: &acc}); err != nil {
		g.t.Fatalf("%s: put the device at the point: %v", b.who, err)
	}
}

// logIn signs in on the login page the tab is at and returns the status
// of the page it lands on.
func (b *tab) logIn(login string) int64 {
	b.t.Helper()
	b.fill("#login", login)
	b.fill("#password", demo.Password)
	return b.load("log in as "+login, chromedp.Click(chromedp.CSS(`#password-form button[type="submit"]`)))
}

// narrowShot saves a screenshot of a tab that is a phone already, and
// reports an error if the page scrolls sideways.
func (b *tab) narrowShot(name string) {
	b.t.Helper()
	sizes := run(b, "measure "+name, chromedp.Evaluate[[2]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if sizes[1] != phoneWidth {
		b.t.Errorf("%s: %s is shown %d px wide, want a %d px phone", b.who, name, sizes[1], phoneWidth)
	}
	if sizes[0] > sizes[1] {
		b.t.Errorf("%s: page %s is %d px wide in a %d px viewport: it scrolls sideways on a phone", b.who, name, sizes[0], sizes[1])
	}
	b.shot(name + "-375")
}

// fetchJSON fetches path from the tab's page (with its session) and
// decodes the answer into v; it fails unless the answer is 200.
func (b *tab) fetchJSON(path string, v any) {
	b.t.Helper()
	type answer struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	a := run(b, "fetch "+path, chromedp.Evaluate[answer](fmt.Sprintf(
		`fetch(%q, {headers: {Accept: "application/json"}}).then(r => r.text().then(t => ({status: r.status, body: t})))`, path),
		chromedp.EvalAwaitPromise))
	if a.Status != 200 {
		b.fail("fetch "+path, fmt.Errorf("HTTP %d: %.300s", a.Status, a.Body))
	}
	if err := json.Unmarshal([]byte(a.Body), v); err != nil {
		b.fail("decode "+path, err)
	}
}

// state returns the state the event's page shows in its heading.
func (b *tab) state() string {
	b.t.Helper()
	cls := b.attr("h1 .ev-state", "class")
	for _, f := range strings.Fields(cls) {
		if s, ok := strings.CutPrefix(f, "ev-state-"); ok {
			return s
		}
	}
	return ""
}

// wantState fails the step unless the event's page shows state.
func (b *tab) wantState(step, state string) {
	b.t.Helper()
	if got := b.state(); got != state {
		alert := ""
		if b.count("#act-error") > 0 {
			alert = "; the page says: " + b.text("#act-error")
		}
		b.fail(step, fmt.Errorf("the event is %q, want %q (at %s)%s", got, state, b.location(), alert))
	}
}

// statsPath is the statistics API's address for grid today.
func (g *gridJourney) statsPath(code string) string {
	return "/api/v1/events/stats?" + url.Values{"grid": {code}, "from": {g.day}, "to": {g.day}}.Encode()
}

// dashboard is the statistics page of the worker's community today.
func (g *gridJourney) dashboard() string {
	return "/command/stats?" + url.Values{"grid": {g.comm.Code}, "from": {g.day}, "to": {g.day}}.Encode()
}

// mapPath is the command centre filtered to the worker's street and the
// category, for the last 24 hours.
func (g *gridJourney) mapPath() string {
	return "/command?" + url.Values{"street": {xinanStreet}, "category": {gridCategory}, "period": {"24h"}}.Encode()
}

// watch: the dispatcher signs in to the dashboard of the worker's
// community for today and notes its figures (and the street's), then
// opens the command centre in a second tab, filtered to the street and
// the category, which stays open for the rest of the journey.
func (g *gridJourney) watch(d *tab) (comm, street statsFigures, screen *tab) {
	g.t.Helper()
	d.open("open the login page", g.in.URL+"/login?next="+url.QueryEscape(g.dashboard()))
	if st := d.logIn(dispatcherLogin); st != 200 {
		d.fail("log in", fmt.Errorf("the dashboard answered %d", st))
	}
	d.statsShown(200, "")
	d.fetchJSON(g.statsPath(g.comm.Code), &comm)
	d.fetchJSON(g.statsPath(xinanStreet), &street)
	d.figureShown("stat-reported", comm.Reported)
	d.shot("grid-stats-before")

	ctx, cancel := chromedp.NewContext(d.ctx) // a second tab in the dispatcher's browser context
	g.t.Cleanup(cancel)
	// The first run opens the tab and binds its life to ctx (not a step's).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(desktopWidth, desktopHeight)); err != nil {
		g.t.Fatalf("dispatcher: open a second tab: %v", err)
	}
	screen = &tab{t: g.t, ctx: ctx, who: "dispatcher's command centre", album: g.album}
	screen.open("open the command centre", g.in.URL+g.mapPath())
	screen.gridShown()
	screen.markersShown(-1)
	screen.shot("grid-map-before")
	return comm, street, screen
}

// report: the worker opens the portal on the phone, signs in from the
// header, goes to 网格事件 and reports a security risk with a photo at
// the phone's location.
func (g *gridJourney) report(w *tab) {
	g.t.Helper()
	w.open("open the portal", g.in.URL+"/")
	w.follow("tap 登录", `.header-tools a[href^="/login"]`)
	if st := w.logIn(workerLogin); st != 200 {
		w.fail("log in", fmt.Errorf("landed on a page with status %d", st))
	}
	w.follow("tap 网格事件 in the navigation", `.main-nav a[href="/events"]`)
	if w.count("#patrol") != 1 {
		g.t.Errorf("%s: the events page offers no patrol check-in to a grid worker", w.who)
	}
	w.narrowShot("grid-worker-hub")
	w.follow("tap 上报事件", "#report-link")
	w.do("choose the category", chromedp.SetValue(chromedp.CSS("#category"), gridCategory))
	w.fill("#description", gridDescription)
	w.do("tap 使用当前位置", chromedp.Click(chromedp.CSS("[data-geolocate]")))
	w.poll("wait for the phone's location and its grid cell",
		fmt.Sprintf(`document.getElementById("lon").value !== "" && document.getElementById("report-where").textContent.includes(%q)`, g.cell.Name))
	w.mapCentred()
	lon, lat := w.value("#lon"), w.value("#lat")
	if lon != fmt.Sprintf("%.6f", g.point.Lon()) || lat != fmt.Sprintf("%.6f", g.point.Lat()) {
		g.t.Errorf("%s: the form holds %s,%s, want the phone's %.6f,%.6f", w.who, lon, lat, g.point.Lon(), g.point.Lat())
	}
	if where := w.text("#report-where"); !strings.Contains(where, g.comm.Name) {
		g.t.Errorf("%s: the page places the point in %q, want %s › %s", w.who, where, g.comm.Name, g.cell.Name)
	}
	w.do("choose a photo", chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{g.photo}))
	w.narrowShot("grid-report-form")
	w.follow("tap 提交", "#report-submit")

	loc := w.location()
	id, ok := strings.CutPrefix(loc, g.in.URL+"/events/")
	if !ok || strings.Contains(id, "/") {
		msg := ""
		if w.count("#report-error") > 0 {
			msg = "; the page says: " + w.text("#report-error")
		}
		w.fail("submit the report", fmt.Errorf("at %s, want the event's page%s", loc, msg))
	}
	g.id, g.code = id, w.text("h1 .mono")
	w.wantState("report", "reported")
	if chain := w.text("#ev-chain"); !strings.HasSuffix(chain, g.comm.Name+" › "+g.cell.Name) {
		g.t.Errorf("%s: the event is placed in %q, want … %s › %s", w.who, chain, g.comm.Name, g.cell.Name)
	}
	if f := w.text(".flash"); !strings.Contains(f, "已上报") {
		g.t.Errorf("%s: notice %q after reporting", w.who, f)
	}
	w.photosShown("the report's photo", "#facts .ev-photos img", 1)
	w.narrowShot("grid-reported")
	g.t.Logf("reported %s (%s)", g.code, g.id)
}

// mapCentred checks that the report page's map has moved to the pin,
// which marks the phone's location.
func (b *tab) mapCentred() {
	b.t.Helper()
	const offset = `(() => {
		const m = document.getElementById("report-map").getBoundingClientRect();
		// The pin is the map's only circle: the only path drawn with arcs.
		const p = Array.from(document.querySelectorAll("#report-map path")).find(p => /a/i.test(p.getAttribute("d") || ""));
		if (!p) return -1;
		const r = p.getBoundingClientRect();
		return Math.round(Math.hypot(r.x + r.width / 2 - (m.x + m.width / 2), r.y + r.height / 2 - (m.y + m.height / 2)));
	})()`
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(d => d >= 0 && d <= 2)(`+offset+`)`, chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.t.Errorf("%s: the report page's map did not move to the phone's location: the pin is %d px from its centre",
			b.who, run(b, "measure the pin", chromedp.Evaluate[int](offset)))
		b.shot("report-map-not-centred")
	}
}

// photosShown waits for the images matching sel to load and checks there
// are want of them.
func (b *tab) photosShown(what, sel string, want int) {
	b.t.Helper()
	if n := b.count(sel); n != want {
		b.fail("look at "+what, fmt.Errorf("%d images match %s, want %d", n, sel, want))
	}
	b.do("scroll to "+what, chromedp.ScrollIntoView(chromedp.CSS(sel)))
	b.poll("load "+what, fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).every(i => i.complete && i.naturalWidth > 0)`, sel))
}

// onMap: the command centre's tab, never reloaded since the journey
// began, draws the event in state, changed live; its popup names the
// event and links to its page.
func (g *gridJourney) onMap(screen *tab, state, shot string) {
	g.t.Helper()
	if _, err := chromedp.Call(screen.ctx, page.BringToFront, cdp.Empty{}); err != nil {
		screen.fail("look at the command centre", err)
	}
	// A closed popup fades out for a while: the one just opened is the
	// last in the page.
	find := fmt.Sprintf(`(() => {
		for (const p of document.querySelectorAll("#command-map path.event-marker")) {
			p.dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true, view: window}));
			const codes = document.querySelectorAll(".leaflet-popup .ev-popup .mono");
			if (codes.length && codes[codes.length - 1].textContent === %q) return p.getAttribute("class");
		}
		return "";
	})()`, g.code)
	var cls string
	deadline := time.Now().Add(15 * time.Second)
	for {
		cls = run(screen, "look for the event's marker", chromedp.Evaluate[string](find))
		if strings.Contains(cls, "ev-"+state) || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	switch {
	case cls == "":
		screen.fail("find "+g.code+" on the map", fmt.Errorf("no marker of the %s markers opens a popup naming it (live: %q)",
			screen.attr("#command-map", "data-markers"), screen.text("#command-live")))
	case !strings.Contains(cls, "ev-"+state) || !strings.Contains(cls, "ev-fresh"):
		screen.fail("see "+g.code+" "+state+" on the map", fmt.Errorf("its marker has classes %q, want ev-%s from a live change", cls, state))
	}
	screen.do("let the other popups fade out", chromedp.Sleep(500*time.Millisecond))
	if href := screen.attr(".leaflet-popup a.event-link", "href"); href != "/events/"+g.id {
		g.t.Errorf("%s: the popup links to %q, want /events/%s", screen.who, href, g.id)
	}
	screen.shot(shot)
}

// dispatch: the dispatcher finds the event at the top of the queue with
// the suggested department, opens it and dispatches it as suggested.
func (g *gridJourney) dispatch(d *tab) {
	g.t.Helper()
	d.open("open 网格事件", g.in.URL+"/events")
	link := fmt.Sprintf(`a.ev-card-link[href="/events/%s"]`, g.id)
	if d.count("#section-queue "+link) != 1 {
		d.fail("find the event in the queue", fmt.Errorf("%s is not among the first events of the queue on /events", g.code))
	}
	d.open("open the queue", g.in.URL+"/events/list/queue")
	card := fmt.Sprintf(`li.ev-card:has(%s)`, link)
	if d.count(card+" .ev-quick button") != 1 {
		g.t.Errorf("%s: the queue offers no one-tap dispatch for %s", d.who, g.code)
	}
	if meta := d.text(card + " .ev-card-meta"); !strings.Contains(meta, "公安") || !strings.Contains(meta, g.cell.Name) {
		g.t.Errorf("%s: the queue shows %q for %s, want its micro-grid and the police as suggested", d.who, meta, g.code)
	}
	d.shot("grid-queue")
	d.follow("open the event", card+" "+link)
	d.wantState("open the event", "reported")
	if route := d.text("#ev-route"); !strings.Contains(route, "公安") || !strings.Contains(route, g.beat) {
		g.t.Errorf("%s: suggested route %q, want the police (%s) and beat %s", d.who, route, gridDepartment, g.beat)
	}
	if dept := d.value("#d-department"); dept != gridDepartment {
		g.t.Errorf("%s: the dispatch form proposes %q, want %s", d.who, dept, gridDepartment)
	}
	d.shot("grid-dispatch")
	d.follow("dispatch", `#form-dispatch button[type="submit"]`)
	d.wantState("dispatch", "dispatched")
	if a := d.text("#ev-assignee"); !strings.Contains(a, "公安") {
		g.t.Errorf("%s: assigned to %q after dispatch, want the police", d.who, a)
	}
}

// handle: the police's staff find the event in their work, accept it and
// handle it with a result and a photo, where they stand.
func (g *gridJourney) handle(c *tab) {
	g.t.Helper()
	g.stand(c)
	c.open("open the login page", g.in.URL+"/login?next=%2Fevents")
	if st := c.logIn(policeLogin); st != 200 {
		c.fail("log in", fmt.Errorf("landed on a page with status %d", st))
	}
	link := fmt.Sprintf(`#section-work a.ev-card-link[href="/events/%s"]`, g.id)
	if c.count(link) != 1 {
		c.fail("find the event in the department's work", fmt.Errorf("%s is not in 待办理 on /events", g.code))
	}
	c.shot("grid-police-work")
	c.follow("open the event", link)
	c.wantState("open the event", "dispatched")
	c.follow("accept", `#form-accept button[type="submit"]`)
	c.wantState("accept", "accepted")
	c.fill("#h-note", gridResult)
	c.do("choose the result's photo", chromedp.SetUploadFiles(chromedp.CSS("#h-photos"), []string{g.result}))
	c.shot("grid-handle")
	c.follow("handle", `#form-handle button[type="submit"]`)
	c.wantState("handle", "handled")
	c.photosShown("the result's photo", ".ev-step-handle .ev-photos img", 1)
	c.shot("grid-handled")
}

// verify: the worker, on the phone, finds the handled event among those
// to verify, verifies it on the spot and closes it.
func (g *gridJourney) verify(w *tab) {
	g.t.Helper()
	w.open("open 网格事件", g.in.URL+"/events")
	link := fmt.Sprintf(`#section-verify a.ev-card-link[href="/events/%s"]`, g.id)
	if w.count(link) != 1 {
		w.fail("find the event to verify", fmt.Errorf("%s is not in 待核查 on /events", g.code))
	}
	w.follow("open the event", link)
	w.wantState("open the event", "handled")
	if !run(w, "look at 核查后办结", chromedp.Evaluate[bool](`document.querySelector('#form-verify input[name="and_close"]').checked`)) {
		g.t.Errorf("%s: the verification form does not close the event by default", w.who)
	}
	w.fill("#v-note", gridVerifyNote)
	w.narrowShot("grid-verify")
	w.follow("verify and close", `#form-verify button[type="submit"]`)
	w.wantState("verify and close", "closed")
	w.narrowShot("grid-closed")
}

// traceStep is a step the event's trace must show: who, with what.
type traceStep struct {
	action, login, role, with string
}

// trace: the event's page shows every step, newest first, with who and
// when (today), the result's note and photo, and where the worker
// verified.
func (g *gridJourney) trace(w *tab) {
	g.t.Helper()
	want := []traceStep{
		{"close", workerLogin, "网格员", ""},
		{"verify", workerLogin, "网格员", gridVerifyNote},
		{"handle", policeLogin, "承办部门", gridResult},
		{"accept", policeLogin, "承办部门", ""},
		{"dispatch", dispatcherLogin, "调度员", "公安"},
		{"report", workerLogin, "", ""},
	}
	type step struct {
		Class, Head, Body string
	}
	steps := run(w, "read the trace", chromedp.Evaluate[[]step](`Array.from(document.querySelectorAll("#trace li.ev-step")).map(li => ({
		Class: li.className, Head: li.querySelector(".ev-step-head").innerText, Body: li.innerText}))`))
	if len(steps) != len(want) {
		w.fail("read the trace", fmt.Errorf("%d steps, want %d: %+v", len(steps), len(want), steps))
	}
	for i, s := range want {
		got := steps[i]
		switch {
		case !strings.Contains(got.Class, "ev-step-"+s.action):
			g.t.Errorf("trace step %d is %q, want %s", i+1, got.Class, s.action)
		case !strings.Contains(got.Body, g.names[s.login]) || !strings.Contains(got.Body, s.role) || !strings.Contains(got.Body, s.with):
			g.t.Errorf("trace step %s: %q, want %s (%s) and %q", s.action, got.Body, g.names[s.login], s.role, s.with)
		case !strings.Contains(got.Head, g.day+" "):
			g.t.Errorf("trace step %s: %q does not say when (today, %s)", s.action, got.Head, g.day)
		}
	}
	if v := steps[1].Body; !strings.Contains(v, fmt.Sprintf("%.6f, %.6f", g.point.Lon(), g.point.Lat())) {
		g.t.Errorf("the verification step %q does not say where the worker stood", v)
	}
	if w.count("#actions form") != 0 {
		g.t.Errorf("%s: the closed event still offers %d actions", w.who, w.count("#actions form"))
	}
}

// statistics: the dashboard of the community shows one more reported and
// closed event today than before the journey; the API agrees, for the
// street and the category too.
func (g *gridJourney) statistics(d *tab, comm0, street0 statsFigures) {
	g.t.Helper()
	if today() != g.day {
		g.t.Logf("the day changed (China time) during the journey: statistics not compared")
		return
	}
	d.open("open the dashboard again", g.in.URL+g.dashboard())
	d.statsShown(200, "")
	var comm, street statsFigures
	d.fetchJSON(g.statsPath(g.comm.Code), &comm)
	d.fetchJSON(g.statsPath(xinanStreet), &street)
	for _, c := range []struct {
		what          string
		before, after statsFigures
	}{{g.comm.Name + " " + g.comm.Code, comm0, comm}, {"新安街道 " + xinanStreet, street0, street}} {
		if c.after.Reported-c.before.Reported != 1 || c.after.Closed-c.before.Closed != 1 {
			g.t.Errorf("statistics of %s today: reported %d → %d, closed %d → %d; want one more of each",
				c.what, c.before.Reported, c.after.Reported, c.before.Closed, c.after.Closed)
		}
		r0, c0 := c.before.category(gridCategory)
		r1, c1 := c.after.category(gridCategory)
		if r1-r0 != 1 || c1-c0 != 1 {
			g.t.Errorf("statistics of %s today for %s: reported %d → %d, closed %d → %d; want one more of each",
				c.what, gridCategory, r0, r1, c0, c1)
		}
	}
	d.figureShown("stat-reported", comm.Reported)
	d.figureShown("stat-closed", comm.Closed)
	g.t.Logf("today in %s: reported %d → %d, closed %d → %d", g.comm.Name, comm0.Reported, comm.Reported, comm0.Closed, comm.Closed)
	d.shot("grid-stats-after")
}

// figureShown checks that the dashboard's figure id shows n.
func (b *tab) figureShown(id string, n int64) {
	b.t.Helper()
	if shown := strings.ReplaceAll(b.text("#"+id), ",", ""); shown != strconv.FormatInt(n, 10) {
		b.t.Errorf("%s: the dashboard's %s shows %q, the API %d", b.who, id, shown, n)
	}
}

// mapAPI: the map's API has the event, closed, where the worker reported
// it.
func (g *gridJourney) mapAPI(d *tab) {
	g.t.Helper()
	var fc struct {
		Features []struct {
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				ID, Code, State, Cell string
			} `json:"properties"`
		} `json:"features"`
	}
	d.fetchJSON("/api/v1/events/map?"+url.Values{"grid": {g.cell.Code}, "category": {gridCategory}}.Encode(), &fc)
	for _, f := range fc.Features {
		if f.Properties.ID != g.id {
			continue
		}
		c := f.Geometry.Coordinates
		if f.Properties.State != "closed" || f.Properties.Cell != g.cell.Code ||
			math.Abs(c[0]-g.point.Lon()) > 1e-6 || math.Abs(c[1]-g.point.Lat()) > 1e-6 {
			g.t.Errorf("the map API has %s as %+v at %v, want closed in %s at %v", g.code, f.Properties, c, g.cell.Code, g.point)
		}
		return
	}
	g.t.Errorf("the map API's %d events of %s in %s do not include %s", len(fc.Features), gridCategory, g.cell.Code, g.code)
}
