package casesweb

import (
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// consoleRow is one application in the console's queue.
type consoleRow struct {
	*cases.Application
	Deadline cases.DeadlineStatus
}

// consoleData is the data of the console's queue.
type consoleData struct {
	Rows      []consoleRow
	Pager     web.Pager
	Filter    cases.QueueFilter
	DeptName  string
	States    []cases.State
	Deadlines []cases.DeadlineStatus
	Err       error
}

// consolePage shows the department's queue with filters.
func (h *Handlers) consolePage(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	q := r.URL.Query()
	offset, limit := web.PageParams(r, pageSize)
	f := cases.QueueFilter{State: cases.State(q.Get("state")), ItemCode: strings.TrimSpace(q.Get("item")),
		Deadline: cases.DeadlineStatus(q.Get("deadline")), Mine: q.Get("mine") == "1", Offset: offset, Limit: limit}
	d := consoleData{Filter: f, DeptName: h.deptName(r, actor.Department),
		States:    []cases.State{cases.Submitted, cases.Accepted, cases.UnderReview, cases.Approved, cases.Correction, cases.Rejected, cases.Delivered, cases.Closed, cases.NotAccepted, cases.Withdrawn},
		Deadlines: []cases.DeadlineStatus{cases.Overdue, cases.DueSoon}}
	list, total, err := h.Cases.Queue(r.Context(), actor, f)
	status := http.StatusOK
	if err != nil {
		if !shown(err) {
			return err
		}
		d.Err, status = err, web.Status(err)
	}
	for _, a := range list {
		d.Rows = append(d.Rows, consoleRow{Application: a, Deadline: h.Cases.Deadline(a)})
	}
	d.Pager = web.NewPager(r, total, offset, limit)
	return h.Renderer.Page(w, r, status, "cases/console", d)
}

// consoleCasePage shows an application with the department's actions.
func (h *Handlers) consoleCasePage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.consoleData(r)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "cases/console_case", d)
}

func (h *Handlers) consoleData(r *http.Request) (*caseData, error) {
	d, err := h.caseData(r)
	if err != nil {
		return nil, err
	}
	if d.Role == cases.RoleCaseworker {
		if d.Colleagues, err = h.Cases.Colleagues(r.Context(), web.AccountFrom(r.Context())); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// consoleAct takes an action from the console.
func (h *Handlers) consoleAct(w http.ResponseWriter, r *http.Request) error {
	serial, action := r.PathValue("serial"), cases.Action(r.PathValue("action"))
	in := cases.ActionInput{Action: action, Version: version(r), Reason: r.PostFormValue("reason"),
		Items: actionItems(r), Assignee: r.PostFormValue("assignee"), TrackingNo: r.PostFormValue("tracking_no"),
		Status: cases.ShipmentStatus(r.PostFormValue("status"))}
	if _, err := h.Cases.Act(r.Context(), web.AccountFrom(r.Context()), serial, in); err != nil {
		if !shown(err) {
			return err
		}
		d, derr := h.consoleData(r)
		if derr != nil {
			return derr
		}
		d.Err, d.Form = err, string(action)
		return h.Renderer.Page(w, r, web.Status(err), "cases/console_case", d)
	}
	h.Cookies.SetFlash(w, "cases.flash.done")
	return redirect(w, r, "/console/applications/"+serial)
}

// actionItems reads a correction checklist: the ticked materials to
// upload again ("fix") and free lines ("items", one per line).
func actionItems(r *http.Request) []string {
	var out []string
	for _, m := range r.PostForm["fix"] {
		out = append(out, "请重新提交「"+m+"」")
	}
	return append(out, r.PostForm["items"]...)
}
