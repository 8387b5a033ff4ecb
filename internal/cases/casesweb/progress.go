package casesweb

import (
	"net/http"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// progressData is the data of the public progress look-up.
type progressData struct {
	Serial   string
	Progress *cases.Progress
	Err      error
}

// progressPage shows the look-up form. It works without signing in.
func (h *Handlers) progressPage(w http.ResponseWriter, r *http.Request) error {
	return h.Renderer.Page(w, r, http.StatusOK, "cases/progress", progressData{Serial: r.URL.Query().Get("serial")})
}

// progressLookup answers the look-up form. The form is posted so that the
// identity characters stay out of addresses and logs.
func (h *Handlers) progressLookup(w http.ResponseWriter, r *http.Request) error {
	d := progressData{Serial: r.PostFormValue("serial")}
	p, err := h.Cases.Progress(r.Context(), web.ClientOf(r), d.Serial, r.PostFormValue("id4"))
	if err != nil {
		if e := web.Status(err); e == http.StatusInternalServerError {
			return err
		}
		d.Err = err
		return h.Renderer.Page(w, r, web.Status(err), "cases/progress", d)
	}
	d.Progress = p
	return h.Renderer.Page(w, r, http.StatusOK, "cases/progress", d)
}

// apiProgress is the JSON form of a Progress.
type apiProgress struct {
	Serial         string     `json:"serial"`
	ItemCode       string     `json:"item_code"`
	ItemName       string     `json:"item_name"`
	Department     string     `json:"department"`
	DepartmentName string     `json:"department_name"`
	State          string     `json:"state"`
	StateName      string     `json:"state_name"`
	Channel        string     `json:"channel"`
	SubmittedAt    time.Time  `json:"submitted_at"`
	AcceptedAt     *time.Time `json:"accepted_at,omitempty"`
	DueAt          *time.Time `json:"due_at,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	Delivery       string     `json:"delivery"`
	Shipment       string     `json:"shipment,omitempty"`
	Steps          []apiStep  `json:"steps"`
}

// apiStep is one step of a public timeline.
type apiStep struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	From   string    `json:"from"`
	To     string    `json:"to"`
}

// apiProgress answers GET /api/v1/progress?serial=…&id4=… (public).
func (h *Handlers) apiProgress(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := h.Cases.Progress(r.Context(), web.ClientOf(r), q.Get("serial"), q.Get("id4"))
	if err != nil {
		return err
	}
	lang := web.LangFrom(r.Context())
	out := apiProgress{Serial: p.Serial, ItemCode: p.ItemCode, ItemName: p.ItemName, Department: p.Department,
		DepartmentName: p.DepartmentName, State: string(p.State), StateName: label(cases.StateText(p.State), lang),
		Channel: string(p.Channel), SubmittedAt: p.SubmittedAt, AcceptedAt: opt(p.AcceptedAt), DueAt: opt(p.DueAt),
		DecidedAt: opt(p.DecidedAt), Delivery: string(p.Delivery), Shipment: string(p.Shipment), Steps: []apiStep{}}
	for _, s := range p.Steps {
		out.Steps = append(out.Steps, apiStep{At: s.At, Action: string(s.Action), From: string(s.From), To: string(s.To)})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// opt returns a pointer to t, or nil for the zero time.
func opt(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// label returns a domain label in lang.
func label(l cases.Label, lang string) string {
	if lang == "en" {
		return l.EN
	}
	return l.ZH
}
