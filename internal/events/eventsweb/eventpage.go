package eventsweb

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// named is a code with its name.
type named struct{ Code, Name string }

// stepView is a step of the trace as the page shows it.
type stepView struct {
	Seq              int
	Action, Role     string
	Actor            string
	At               time.Time
	Note             string
	Department, Zone string
	Worker           string
	TargetEvent      string // merge: the other event's id
	TargetCell       string // escalate: the cell's name
	Photos           []string
	Lon, Lat         float64
	HasPlace         bool
}

// eventData is an event's page.
type eventData struct {
	Event        *events.Event
	Row          row
	Category     string
	Chain        []named
	Zones        []named // layer name, zone name
	RouteDept    string
	RouteZone    string
	AssigneeDept string
	AssigneeZone string
	Worker       string
	Handling     float64
	Similar      *events.Event
	Duplicate    *events.Event
	Steps        []stepView
	Allowed      map[string]bool
	Departments  []named
	Workers      []named
	Staff        bool
	Err          error
	Lang         string
}

func (h *Handlers) eventPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderEvent(w, r, http.StatusOK, r.PathValue("id"), nil)
}

// renderEvent draws the event's page, with err from a refused action.
func (h *Handlers) renderEvent(w http.ResponseWriter, r *http.Request, status int, id string, actErr error) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ev, steps, err := h.Service.Trace(ctx, a, id)
	if err != nil {
		return err
	}
	n, err := h.names(ctx, langOf(r), true)
	if err != nil {
		return err
	}
	d := eventData{Event: ev, Row: n.row(ev, h.Service.Now()), Category: n.categoryPath(ev.Category), RouteDept: n.dept(ev.RouteDept),
		AssigneeDept: n.dept(ev.AssigneeDept), Allowed: map[string]bool{}, Staff: a.IsStaffViewer(), Err: actErr, Lang: n.lang}
	d.RouteZone, d.AssigneeZone = h.zoneName(n, ev, ev.RouteZone), h.zoneName(n, ev, ev.AssigneeZone)
	for _, c := range ev.Chain {
		d.Chain = append(d.Chain, named{c, n.cell(c)})
	}
	for _, z := range ev.Zones {
		d.Zones = append(d.Zones, named{n.layer(z.Layer), n.zone(z.Layer, z.Code)})
	}
	if !ev.ClosedAt.IsZero() {
		d.Handling = ev.HandlingTime().Hours()
	}
	d.Worker = h.personName(ctx, ev.AssigneeWorker)
	d.Similar, d.Duplicate = h.related(ctx, a, ev.SimilarTo), h.related(ctx, a, ev.DuplicateOf)
	for _, st := range steps {
		d.Steps = append(d.Steps, h.stepView(ctx, n, ev, st))
	}
	slices.Reverse(d.Steps)
	for _, k := range h.Service.Allowed(ctx, a, ev) {
		d.Allowed[string(k)] = true
	}
	if d.Allowed[string(events.ActDispatch)] {
		for code := range n.depts {
			d.Departments = append(d.Departments, named{code, n.depts[code]})
		}
		slices.SortFunc(d.Departments, func(x, y named) int { return strings.Compare(x.Code, y.Code) })
		if ws, err := h.Service.Workers(ctx, a, ev.Cell); err == nil {
			for _, id := range ws {
				d.Workers = append(d.Workers, named{id, h.personName(ctx, id)})
			}
		}
	}
	return h.Renderer.Page(w, r, status, module+"/event", d)
}

// zoneName names the zone code of ev's routing or assignment: a zone of a
// layer, or a street.
func (h *Handlers) zoneName(n *names, ev *events.Event, code string) string {
	if code == "" {
		return ""
	}
	for _, z := range ev.Zones {
		if z.Code == code {
			return n.zone(z.Layer, code)
		}
	}
	return n.cell(code)
}

// related returns the event id if the actor may see it, else nil.
func (h *Handlers) related(ctx context.Context, a events.Actor, id string) *events.Event {
	if id == "" {
		return nil
	}
	ev, err := h.Service.Event(ctx, a, id)
	if err != nil {
		return nil
	}
	return ev
}

// personName names an account, or returns "" without one.
func (h *Handlers) personName(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	if h.Accounts != nil {
		if acc, err := h.Accounts.AccountByID(ctx, id); err == nil {
			return acc.DisplayName
		}
	}
	return id
}

func (h *Handlers) stepView(ctx context.Context, n *names, ev *events.Event, st *events.Step) stepView {
	v := stepView{Seq: st.Seq, Action: string(st.Action), Role: st.ActorRole, Actor: st.ActorName, At: st.At, Note: st.Note,
		Department: n.dept(st.Department), Zone: h.zoneName(n, ev, st.Zone), Worker: h.personName(ctx, st.Worker), Photos: st.Photos}
	switch st.Action {
	case events.ActMerge, events.ActClose:
		v.TargetEvent = st.Target
	case events.ActEscalate:
		v.TargetCell = n.cell(st.Target)
	case events.ActReport:
		v.Department, v.Zone = "", "" // the suggestion is shown with the facts
	}
	if st.Where != nil {
		v.Lon, v.Lat, v.HasPlace = st.Where.Lon, st.Where.Lat, true
	}
	return v
}

// act applies the action of one of the event page's forms.
func (h *Handlers) act(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	shas, err := h.uploads(w, r, "photos")
	if err != nil {
		return h.renderEvent(w, r, web.Status(err), id, err)
	}
	act := events.Action{Kind: events.ActionKind(r.FormValue("action")), Note: r.FormValue("note"),
		Department: r.FormValue("department"), Zone: r.FormValue("zone"), Worker: r.FormValue("worker"),
		Target: strings.TrimSpace(r.FormValue("target")), Photos: shas}
	if lon, lat, err := coords(r.FormValue("lon"), r.FormValue("lat")); err == nil {
		act.Where = &events.Point{Lon: lon, Lat: lat}
	}
	acts := []events.Action{act}
	if act.Kind == events.ActVerify && r.FormValue("and_close") != "" {
		acts = append(acts, events.Action{Kind: events.ActClose, Where: act.Where})
	}
	if _, err := h.Service.Act(r.Context(), a, id, acts...); err != nil {
		if e := errs.As(err); e != nil && e.Kind != errs.Internal && e.Kind != errs.NotFound {
			return h.renderEvent(w, r, web.Status(err), id, err)
		}
		return err
	}
	h.Cookies.SetFlash(w, "events.event.done")
	next := "/events/" + id
	if v := r.FormValue("next"); v != "" {
		next = web.SafeNext(v)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// photo serves a photo of an event the caller may see: one of the
// report's or of a step's.
func (h *Handlers) photo(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	ev, steps, err := h.Service.Trace(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	sha := r.PathValue("sha")
	found := slices.Contains(ev.Photos, sha)
	for _, st := range steps {
		found = found || slices.Contains(st.Photos, sha)
	}
	if !found || !files.ValidSHA256(sha) {
		return files.ErrNotFound
	}
	rc, b, err := h.Files.Open(r.Context(), sha)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", b.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	w.Header().Set("Content-Disposition", `inline; filename="`+ev.Code+"-"+sha[:8]+files.Extension(b.ContentType)+`"`)
	_, _ = io.Copy(w, rc)
	return nil
}
