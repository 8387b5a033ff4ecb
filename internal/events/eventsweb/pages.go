package eventsweb

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"short": func(s string, n int) string {
			if utf8.RuneCountInString(s) <= n {
				return s
			}
			return string([]rune(s)[:n]) + "…"
		},
		"has": func(m map[string]bool, k string) bool { return m[k] },
		"invalid": func(err error, field string) bool {
			e := errs.As(err)
			return e != nil && e.Field == field
		},
		"coord": func(f float64) string { return fmt.Sprintf("%.6f", f) },
		"list":  func(xs ...string) []string { return xs },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
}

// row is an event as lists show it.
type row struct {
	ID, Code            string
	Category            string // "parent › name"
	Where               string // the micro-grid's name
	State               string
	Description         string
	Reported, Due       time.Time
	Overdue, Synthetic  bool
	Similar, Merged     bool
	Assignee, RouteDept string
	Escalated           string
	AllowDispatchRoute  bool
}

func (n *names) row(ev *events.Event, now time.Time) row {
	return row{ID: ev.ID, Code: ev.Code, Category: n.categoryPath(ev.Category), Where: n.cell(ev.Cell), State: string(ev.State),
		Description: ev.Description, Reported: ev.ReportedAt, Due: ev.DueAt, Overdue: ev.OverdueAt(now) && ev.State.Open(),
		Synthetic: ev.Synthetic, Similar: ev.SimilarTo != "", Merged: ev.DuplicateOf != "", Assignee: n.dept(ev.AssigneeDept),
		RouteDept: n.dept(ev.RouteDept), Escalated: n.cell(ev.EscalatedTo)}
}

// section is a short list on the hub.
type section struct {
	Title string // message key
	View  string // the list's view
	Rows  []row
	More  bool
}

// views are the lists: their title and filter.
var views = map[string]struct {
	title string
	make  func(a events.Actor) (events.Filter, bool)
}{
	"queue": {"events.list.queue", func(a events.Actor) (events.Filter, bool) { return events.Filter{Queue: true}, a.IsDispatcher() }},
	"work":  {"events.list.work", workFilter},
	"verify": {"events.list.verify", func(a events.Actor) (events.Filter, bool) {
		return events.Filter{States: []events.State{events.Handled}}, true
	}},
	"mine": {"events.list.mine", func(a events.Actor) (events.Filter, bool) { return events.Filter{Reporter: a.ID}, true }},
	"all":  {"events.list.all", func(a events.Actor) (events.Filter, bool) { return events.Filter{}, a.IsStaffViewer() }},
	"overdue": {"events.list.overdue", func(a events.Actor) (events.Filter, bool) {
		return events.Filter{Overdue: true, States: []events.State{events.Reported, events.Dispatched, events.Accepted, events.Handled, events.Verified}}, a.IsStaffViewer()
	}},
}

// hubTitles are the titles of the lists on the hub.
var hubTitles = map[string]string{"queue": "events.hub.queue", "work": "events.hub.work", "verify": "events.hub.verify",
	"mine": "events.hub.mine", "overdue": "events.list.overdue"}

// workFilter is a department's (or an assigned grid worker's) work.
func workFilter(a events.Actor) (events.Filter, bool) {
	f := events.Filter{States: []events.State{events.Dispatched, events.Accepted}}
	switch {
	case a.IsHandler():
		f.Department = a.Department
	case a.IsGridWorker():
		f.Worker = a.ID
	default:
		return f, false
	}
	return f, true
}

// list returns up to limit rows of a view.
func (h *Handlers) list(ctx context.Context, a events.Actor, n *names, view string, offset, limit int) ([]row, bool, error) {
	v, ok := views[view]
	if !ok {
		return nil, false, errs.E(errs.NotFound, "events.view", "没有这个列表", "There is no such list.")
	}
	f, ok := v.make(a)
	if !ok {
		return nil, false, web.ErrNoPermission
	}
	f.Offset, f.Limit = offset, limit
	p, err := h.Service.List(ctx, a, f)
	if err != nil {
		return nil, false, err
	}
	now := h.Service.Now()
	rows := make([]row, len(p.Events))
	for i, ev := range p.Events {
		rows[i] = n.row(ev, now)
		rows[i].AllowDispatchRoute = view == "queue" && ev.RouteDept != ""
	}
	return rows, p.More, nil
}

// hubData is the events home page.
type hubData struct {
	Sections []section
	Worker   bool
	Staff    bool
	Cells    int
	Patrols  []patrolRow
}

type patrolRow struct {
	At     time.Time
	Where  string
	Inside bool
}

// hubPage shows what the signed-in person can do, with the first events of
// each of their lists.
func (h *Handlers) hubPage(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	n, err := h.names(r.Context(), langOf(r), true)
	if err != nil {
		return err
	}
	d := hubData{Worker: a.IsGridWorker(), Staff: a.IsStaffViewer()}
	var wanted []string
	switch {
	case a.IsDispatcher():
		wanted = []string{"queue", "overdue"}
	case a.IsHandler():
		wanted = []string{"work"}
	}
	if a.IsGridWorker() {
		wanted = append(wanted, "work", "verify")
	}
	wanted = append(wanted, "mine")
	for _, v := range wanted {
		rows, more, err := h.list(r.Context(), a, n, v, 0, 5)
		if err != nil {
			return err
		}
		title := hubTitles[v]
		if v == "work" && !a.IsHandler() {
			title = "events.hub.assigned"
		}
		d.Sections = append(d.Sections, section{Title: title, View: v, Rows: rows, More: more})
	}
	if d.Worker {
		cells, err := h.Service.WorkerCells(r.Context(), a, a.ID)
		if err != nil {
			return err
		}
		d.Cells = len(cells)
		ps, err := h.Service.Patrols(r.Context(), a, a.ID, 7)
		if err != nil {
			return err
		}
		for i, p := range ps {
			if i == 3 {
				break
			}
			d.Patrols = append(d.Patrols, patrolRow{At: p.At, Where: n.cell(p.Cell), Inside: p.Inside})
		}
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/hub", d)
}

// listData is a list page.
type listData struct {
	Title string
	View  string
	Rows  []row
	Page  int
	Prev  string
	Next  string
}

const listSize = 30

// listPage shows one of the lists, a page at a time.
func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	n, err := h.names(r.Context(), langOf(r), true)
	if err != nil {
		return err
	}
	view := r.PathValue("view")
	offset, limit := web.PageParams(r, listSize)
	rows, more, err := h.list(r.Context(), a, n, view, offset, limit)
	if err != nil {
		return err
	}
	d := listData{Title: views[view].title, View: view, Rows: rows, Page: offset/limit + 1}
	if d.Page > 1 {
		d.Prev = fmt.Sprintf("/events/list/%s?page=%d", view, d.Page-1)
	}
	if more {
		d.Next = fmt.Sprintf("/events/list/%s?page=%d", view, d.Page+1)
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/list", d)
}

// checkIn records a patrol check-in from the hub's form.
func (h *Handlers) checkIn(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	lon, lat, err := coords(r.PostFormValue("lon"), r.PostFormValue("lat"))
	if err != nil {
		h.Cookies.SetFlash(w, "events.patrol.no_place")
		http.Redirect(w, r, "/events", http.StatusSeeOther)
		return nil
	}
	if _, err := h.Service.CheckIn(r.Context(), a, lon, lat, ""); err != nil {
		return err
	}
	h.Cookies.SetFlash(w, "events.patrol.done")
	http.Redirect(w, r, "/events", http.StatusSeeOther)
	return nil
}

// coords parses a form's longitude and latitude.
func coords(lonS, latS string) (float64, float64, error) {
	var lon, lat float64
	_, err1 := fmt.Sscan(strings.TrimSpace(lonS), &lon)
	_, err2 := fmt.Sscan(strings.TrimSpace(latS), &lat)
	if err1 != nil || err2 != nil {
		return 0, 0, errs.Field("location", "events.location.missing", "请提供事件位置：在地图上点选，或使用定位",
			"give the location: tap the map or use your location")
	}
	return lon, lat, nil
}
