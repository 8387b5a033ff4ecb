package eventsweb

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// maxBatchBody bounds the body of a batch: 5,000 reports of a few hundred
// bytes with room to spare.
const maxBatchBody = 32 << 20

// apiCategories lists the categories (public: reporters and Open311
// clients need them).
func (h *Handlers) apiCategories(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.Service.Categories(r.Context())
	if err != nil {
		return err
	}
	out := make([]apiCategory, 0, len(cs))
	for _, c := range cs {
		out = append(out, toAPICategory(c))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiSaveCategory creates (POST) or updates (PUT, with the version read)
// a category.
func (h *Handlers) apiSaveCategory(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	var in apiCategory
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	status := http.StatusCreated
	if code := r.PathValue("code"); code != "" {
		in.Code, status = code, http.StatusOK
		if in.Version == 0 {
			return errs.Field("version", "events.category.version", "请提供读取时的 version", "give the version you read")
		}
	} else {
		in.Version = 0
	}
	c, err := h.Service.SaveCategory(r.Context(), a, in.category())
	if err != nil {
		return err
	}
	web.WriteJSON(w, status, toAPICategory(c))
	return nil
}

// apiReport stores one report: 201 with the event (the event stored
// before, when the reporter sends a client_ref again).
func (h *Handlers) apiReport(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	var in apiReport
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	rep, err := in.report(events.SourceAPI)
	if err != nil {
		return err
	}
	ev, err := h.Service.Report(r.Context(), a, rep)
	if err != nil {
		return err
	}
	n, err := h.names(r.Context(), langOf(r), false)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, n.event(ev, h.Service.Now()))
	return nil
}

// batchResult is one report's outcome in a batch's answer.
type batchResult struct {
	Index     int          `json:"index"`
	ID        string       `json:"id,omitempty"`
	Code      string       `json:"code,omitempty"`
	Cell      string       `json:"cell,omitempty"`
	State     string       `json:"state,omitempty"`
	SimilarTo string       `json:"similar_to,omitempty"`
	Existing  bool         `json:"existing,omitempty"`
	Error     *web.Problem `json:"error,omitempty"`
}

// apiBatch stores a batch of reports in one transaction. Each report gets
// its result (the event, or the problem that refused it); the answer is
// 200 once every accepted event is durable.
func (h *Handlers) apiBatch(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBatchBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errs.E(errs.Invalid, "events.batch.too_large", "批量上报的请求体过大（上限 32 MB）", "the batch is too large (32 MB at most)")
	}
	if err != nil {
		return errs.Wrap(err, "read batch")
	}
	in, err := decodeReports(body)
	if err != nil {
		return err
	}
	reps := make([]events.Report, len(in))
	pre := make([]error, len(in))
	for i, x := range in {
		reps[i], pre[i] = x.report(events.SourceBatch)
	}
	valid, index := make([]events.Report, 0, len(in)), make([]int, 0, len(in))
	for i := range reps {
		if pre[i] == nil {
			valid, index = append(valid, reps[i]), append(index, i)
		}
	}
	results := make([]batchResult, len(in))
	for i := range results {
		results[i].Index = i
	}
	if len(valid) > 0 {
		res, err := h.Service.Batch(r.Context(), a, valid)
		if err != nil {
			return err
		}
		for j, x := range res {
			i := index[j]
			if x.Err != nil {
				pre[i] = x.Err
				continue
			}
			results[i] = batchResult{Index: i, ID: x.Event.ID, Code: x.Event.Code, Cell: x.Event.Cell, State: string(x.Event.State),
				SimilarTo: x.Event.SimilarTo, Existing: x.Existing}
		}
	} else if len(in) == 0 {
		return errs.Field("reports", "events.batch.size", "批量上报至少包含一条", "a batch holds at least one report")
	}
	accepted, existing, refused := 0, 0, 0
	for i, err := range pre {
		switch {
		case err != nil:
			results[i].Error = problem(r, err)
			refused++
		case results[i].Existing:
			existing++
		default:
			accepted++
		}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"accepted": accepted, "existing": existing, "refused": refused, "results": results})
	return nil
}

// problem is the problem details of a refused report.
func problem(r *http.Request, err error) *web.Problem {
	e := errs.As(err)
	if e == nil || e.Kind == errs.Internal {
		return &web.Problem{Type: "about:blank", Title: "Internal Server Error", Status: 500}
	}
	lang := langOf(r)
	p := &web.Problem{Type: "about:blank", Title: http.StatusText(web.Status(e)), Status: web.Status(e), Detail: e.Message(lang), Code: e.Code}
	if e.Field != "" {
		p.Errors = []web.FieldProblem{{Field: e.Field, Code: e.Code, Detail: e.Message(lang)}}
	}
	return p
}

// filterOf reads a listing's filters from the query.
func filterOf(r *http.Request, defLimit int) (events.Filter, error) {
	q := r.URL.Query()
	f := events.Filter{Category: q.Get("category"), Grid: q.Get("grid"), Department: q.Get("department"),
		Worker: q.Get("worker"), Synthetic: q.Get("synthetic"), Queue: q.Get("queue") == "1" || q.Get("queue") == "true",
		Overdue: q.Get("overdue") == "1" || q.Get("overdue") == "true", Limit: defLimit}
	for _, s := range strings.Split(q.Get("state"), ",") {
		switch s = strings.TrimSpace(s); s {
		case "":
		case "overdue":
			f.Overdue = true
		case "open":
			f.States = append(f.States, events.Reported, events.Dispatched, events.Accepted, events.Handled, events.Verified)
		default:
			f.States = append(f.States, events.State(s))
		}
	}
	var err error
	if f.Since, err = timeParam(q.Get("since"), "since"); err != nil {
		return f, err
	}
	if f.Until, err = timeParam(q.Get("until"), "until"); err != nil {
		return f, err
	}
	for name, dst := range map[string]*int{"limit": &f.Limit, "offset": &f.Offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return f, errs.Field(name, "events.param", name+" 应为非负整数", name+" must be a non-negative integer")
			}
			*dst = n
		}
	}
	if f.Limit == 0 {
		f.Limit = defLimit
	}
	return f, nil
}

// timeParam parses an RFC 3339 time or a day (YYYY-MM-DD, China time).
func timeParam(s, name string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := events.ParseDay(s); err == nil {
		return d.Time(), nil
	}
	return time.Time{}, errs.Field(name, "events.time", name+" 应为 RFC 3339 时间或 YYYY-MM-DD 日期",
		name+" must be an RFC 3339 time or a YYYY-MM-DD day")
}

// apiList lists the events the caller may see: {"events": [...], "more"}.
func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	f, err := filterOf(r, 50)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("mine") == "1" {
		f.Reporter = a.ID
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
	out := make([]apiEvent, len(p.Events))
	for i, ev := range p.Events {
		out[i] = n.event(ev, now)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"events": out, "more": p.More})
	return nil
}

// apiEvent returns one event with its trace and the actions the caller
// may take.
func (h *Handlers) apiEvent(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	ev, steps, err := h.Service.Trace(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := h.names(r.Context(), langOf(r), false)
	if err != nil {
		return err
	}
	out := n.event(ev, h.Service.Now())
	for _, st := range steps {
		out.Trace = append(out.Trace, toAPIStep(st))
	}
	out.Allowed = []string{}
	for _, k := range h.Service.Allowed(r.Context(), a, ev) {
		out.Allowed = append(out.Allowed, string(k))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiAct applies one action ({"action": …}) or several ({"actions": [...]})
// and returns the event.
func (h *Handlers) apiAct(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	var in apiAction
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	ev, err := h.Service.Act(r.Context(), a, r.PathValue("id"), in.actions()...)
	if err != nil {
		return err
	}
	n, err := h.names(r.Context(), langOf(r), false)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, n.event(ev, h.Service.Now()))
	return nil
}

// apiCheckIn records a grid worker's patrol check-in.
func (h *Handlers) apiCheckIn(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	var in struct {
		Lon *float64 `json:"lon"`
		Lat *float64 `json:"lat"`
		CRS string   `json:"crs"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Lon == nil || in.Lat == nil {
		return errs.Field("location", "events.location.missing", "请提供位置（lon、lat）", "give the location (lon, lat)")
	}
	crs, err := grid.ParseCRS(strings.ToLower(in.CRS))
	if err != nil {
		return err
	}
	p, err := h.Service.CheckIn(r.Context(), a, *in.Lon, *in.Lat, crs)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"id": p.ID, "cell": p.Cell, "inside": p.Inside, "lon": p.Lon, "lat": p.Lat,
		"at": apiTime(p.At)})
	return nil
}

// apiWorkerCells lists a grid worker's cells.
func (h *Handlers) apiWorkerCells(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	cells, err := h.Service.WorkerCells(r.Context(), a, r.PathValue("account"))
	if err != nil {
		return err
	}
	if cells == nil {
		cells = []string{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"account": r.PathValue("account"), "cells": cells})
	return nil
}

// apiAssignCells replaces a grid worker's cells: {"cells": [...]}.
func (h *Handlers) apiAssignCells(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	var in struct {
		Cells []string `json:"cells"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	cells, err := h.Service.AssignCells(r.Context(), a, r.PathValue("account"), in.Cells)
	if err != nil {
		return err
	}
	if cells == nil {
		cells = []string{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"account": r.PathValue("account"), "cells": cells})
	return nil
}
