package eventsweb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// The command-centre map's API (see the events ↔ map contract): GeoJSON
// of the events, a live stream of their changes, a heat map and
// statistics. Staff only.

// mapProps are the properties of an event on the map, and (with lon, lat
// and action) of a change on the stream.
type mapProps struct {
	ID           string  `json:"id"`
	Code         string  `json:"code"`
	State        string  `json:"state"`
	Category     string  `json:"category"`
	CategoryName string  `json:"category_name"`
	Cell         string  `json:"cell"`
	CellName     string  `json:"cell_name"`
	Street       string  `json:"street"`
	StreetName   string  `json:"street_name"`
	ReportedAt   string  `json:"reported_at"`
	DueAt        string  `json:"due_at"`
	Overdue      bool    `json:"overdue"`
	Synthetic    bool    `json:"synthetic"`
	Lon          float64 `json:"lon,omitempty"`
	Lat          float64 `json:"lat,omitempty"`
	Action       string  `json:"action,omitempty"`
}

func (n *names) props(ev *events.Event, now time.Time) mapProps {
	return mapProps{ID: ev.ID, Code: ev.Code, State: string(ev.State), Category: ev.Category, CategoryName: n.category(ev.Category),
		Cell: ev.Cell, CellName: n.cell(ev.Cell), Street: ev.Street, StreetName: n.cell(ev.Street), ReportedAt: apiTime(ev.ReportedAt),
		DueAt: apiTime(ev.DueAt), Overdue: ev.OverdueAt(now), Synthetic: ev.Synthetic}
}

var errStaffOnly = errs.E(errs.Forbidden, "events.staff_only", "指挥中心地图仅供调度员、网格员和部门工作人员使用",
	"The command centre is for dispatchers, grid workers and department staff.")

// staff returns the caller as a staff actor who sees the command centre.
func staff(r *http.Request) (events.Actor, error) {
	a, err := actor(r)
	if err != nil {
		return a, err
	}
	if !a.IsStaffViewer() {
		return a, errStaffOnly
	}
	return a, nil
}

// apiMap answers a GeoJSON FeatureCollection of the events the caller
// sees, filtered by state, category, grid and since (newest first, at most
// limit, default 1,000).
func (h *Handlers) apiMap(w http.ResponseWriter, r *http.Request) error {
	a, err := staff(r)
	if err != nil {
		return err
	}
	f, err := filterOf(r, 1000)
	if err != nil {
		return err
	}
	p, err := h.Service.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	n, err := h.names(r.Context(), langOf(r), false)
	if err != nil {
		return err
	}
	now := h.Service.Now()
	type feature struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties mapProps       `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
		More     bool      `json:"more"`
	}{Type: "FeatureCollection", Features: make([]feature, 0, len(p.Events)), More: p.More}
	for _, ev := range p.Events {
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry: map[string]any{"type": "Point", "coordinates": [2]float64{ev.Lon, ev.Lat}}, Properties: n.props(ev, now)})
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return errs.Wrap(err, "encode map")
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(append(b, '\n'))
	return nil
}

// Stream timing: a heartbeat comment every 15 s; a stream ends after an
// hour (the client reconnects and reloads), so that no connection lives
// for ever.
var (
	heartbeat     = 15 * time.Second
	streamMaxLife = time.Hour
)

// apiStream sends every change of an event the caller sees as a
// server-sent event "change" whose data is the event's map properties
// with lon, lat and action, until the client goes (or the server shuts
// down). A client too slow to keep up is disconnected, so that it
// reconnects and reloads the map rather than miss changes silently.
func (h *Handlers) apiStream(w http.ResponseWriter, r *http.Request) error {
	a, err := staff(r)
	if err != nil {
		return err
	}
	visible, err := h.Service.Visibility(r.Context(), a)
	if err != nil {
		return err
	}
	n, err := h.names(r.Context(), langOf(r), false)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // the server's write timeout is for ordinary answers
	sub := h.Service.Broker().Subscribe(256)
	defer sub.Close()
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n: pengcheng events\n\n")
	if err := rc.Flush(); err != nil {
		return nil
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	end := time.NewTimer(streamMaxLife)
	defer end.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-h.done:
			return nil
		case <-end.C:
			return nil
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
		case c, ok := <-sub.C:
			if !ok || sub.Dropped() > 0 {
				return nil
			}
			if !visible(c.Event) {
				continue
			}
			p := n.props(c.Event, c.At)
			p.Lon, p.Lat, p.Action = c.Event.Lon, c.Event.Lat, string(c.Action)
			b, _ := json.Marshal(p)
			if _, err := fmt.Fprintf(w, "event: change\ndata: %s\n\n", b); err != nil {
				return nil
			}
			if len(sub.C) == 0 && rc.Flush() != nil {
				return nil
			}
		}
	}
}

// period reads grid, from and to (YYYY-MM-DD or RFC 3339, China days):
// to defaults to today, from to def days before to.
func (h *Handlers) period(r *http.Request, def int) (string, events.Day, events.Day, error) {
	q := r.URL.Query()
	day := func(name string) (events.Day, error) {
		t, err := timeParam(q.Get(name), name)
		if err != nil || t.IsZero() {
			return 0, err
		}
		return events.DayOf(t), nil
	}
	to, err := day("to")
	if err != nil {
		return "", 0, 0, err
	}
	if to == 0 {
		to = events.DayOf(h.Service.Now())
	}
	from, err := day("from")
	if err != nil {
		return "", 0, 0, err
	}
	if from == 0 {
		from = to.AddDays(-def)
	}
	return q.Get("grid"), from, to, nil
}

// apiHeat answers {"points": [[lat, lon, weight], …]}: the events reported
// in the micro-grids of grid from..to (all time without from), at their
// centroids.
func (h *Handlers) apiHeat(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	a, err := staff(r)
	if err != nil {
		return err
	}
	g, from, to, err := h.period(r, events.MaxStatsDays)
	if err != nil {
		return err
	}
	pts, err := h.Service.Heat(r.Context(), a, g, from, to)
	if err != nil {
		return err
	}
	out := make([][3]float64, len(pts))
	for i, p := range pts {
		out[i] = [3]float64{p.Lat, p.Lon, float64(p.Weight)}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"grid": g, "from": from.String(), "to": to.String(), "points": out,
		"took_ms": time.Since(start).Milliseconds()})
	return nil
}

// apiStatsCategory is one category's line of the statistics.
type apiStatsCategory struct {
	Code        string             `json:"code"`
	Name        string             `json:"name"`
	Parent      string             `json:"parent,omitempty"`
	Reported    int64              `json:"reported"`
	Closed      int64              `json:"closed"`
	Overdue     int64              `json:"overdue"`
	MeanHours   float64            `json:"mean_hours,omitempty"`
	MedianHours float64            `json:"median_hours,omitempty"`
	Sub         []apiStatsCategory `json:"subcategories,omitempty"`
}

// apiStats answers the statistics of grid from..to (default the last 30
// days): by_category has the top-level categories, each with its
// subcategories.
func (h *Handlers) apiStats(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	g, from, to, err := h.period(r, 29)
	if err != nil {
		return err
	}
	st, err := h.Service.Stats(r.Context(), a, g, from, to)
	if err != nil {
		return err
	}
	n, err := h.names(r.Context(), langOf(r), false)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"grid": st.Grid, "grid_name": st.GridName, "from": st.From.String(), "to": st.To.String(),
		"reported": st.Reported, "closed": st.Closed, "closure_rate": st.ClosureRate, "mean_hours": st.MeanHours,
		"median_hours": st.MedianHours, "overdue": st.Overdue, "by_category": rollUp(st.ByCategory, n),
		"took_ms": float64(st.Took.Microseconds()) / 1000})
	return nil
}

// rollUp groups categories' statistics under their top-level categories.
func rollUp(cs []events.CategoryStats, n *names) []apiStatsCategory {
	tops := map[string]*apiStatsCategory{}
	secs, hists := map[string]int64{}, map[string]*events.Histogram{}
	var order []string
	for _, c := range cs {
		top := c.Code
		if c.Parent != "" {
			top = c.Parent
		}
		t := tops[top]
		if t == nil {
			t = &apiStatsCategory{Code: top, Name: n.category(top)}
			tops[top] = t
			hists[top] = &events.Histogram{}
			order = append(order, top)
		}
		secs[top] += c.Seconds
		hists[top].Add(c.Hist)
		t.Reported += c.Reported
		t.Closed += c.Closed
		t.Overdue += c.Overdue
		if c.Parent != "" {
			t.Sub = append(t.Sub, apiStatsCategory{Code: c.Code, Name: n.category(c.Code), Parent: c.Parent, Reported: c.Reported,
				Closed: c.Closed, Overdue: c.Overdue, MeanHours: c.MeanHours, MedianHours: c.MedianHours})
		}
	}
	for code, t := range tops {
		if t.Closed > 0 {
			t.MeanHours = float64(secs[code]) / float64(t.Closed) / 3600
		}
		t.MedianHours = hists[code].Median() / 3600
	}
	pos := map[string]int{}
	for i, c := range n.cats {
		pos[c.Code] = i
	}
	slices.SortFunc(order, func(a, b string) int {
		if pos[a] != pos[b] {
			return pos[a] - pos[b]
		}
		return strings.Compare(a, b)
	})
	out := make([]apiStatsCategory, 0, len(order))
	for _, code := range order {
		out = append(out, *tops[code])
	}
	return out
}
