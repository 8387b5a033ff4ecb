package casesweb

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// apiApplication is the JSON form of an application as the caller sees it.
// Identity numbers and credit codes are masked except for the handling
// department's caseworkers.
type apiApplication struct {
	Serial         string            `json:"serial"`
	ItemCode       string            `json:"item_code"`
	ItemName       string            `json:"item_name"`
	Department     string            `json:"department"`
	State          string            `json:"state"`
	StateName      string            `json:"state_name"`
	Channel        string            `json:"channel"`
	Representation string            `json:"representation"`
	Applicant      apiParty          `json:"applicant"`
	Agent          *apiParty         `json:"agent,omitempty"`
	FiledByName    string            `json:"filed_by_name"`
	Form           map[string]string `json:"form"`
	Materials      []apiMaterial     `json:"materials"`
	Corrections    []string          `json:"corrections,omitempty"`
	Delivery       apiDelivery       `json:"delivery"`
	AssigneeName   string            `json:"assignee_name,omitempty"`
	SubmittedAt    time.Time         `json:"submitted_at"`
	AcceptedAt     *time.Time        `json:"accepted_at,omitempty"`
	DueAt          *time.Time        `json:"due_at,omitempty"`
	DecidedAt      *time.Time        `json:"decided_at,omitempty"`
	ClosedAt       *time.Time        `json:"closed_at,omitempty"`
	Deadline       string            `json:"deadline,omitempty"`
	Version        int               `json:"version"`
	Role           string            `json:"role"`
	Actions        []string          `json:"actions"`
	Trace          []apiEvent        `json:"trace"`
}

// apiParty is an applicant or agent.
type apiParty struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Number string `json:"number"`
}

// apiMaterial is an attachment; download is set for those who may.
type apiMaterial struct {
	Index       int    `json:"index"`
	Material    string `json:"material"`
	Kind        string `json:"kind"`
	FileName    string `json:"file_name,omitempty"`
	Size        int64  `json:"size,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	SHA256      string `json:"sha256,omitempty"`
	Download    string `json:"download,omitempty"`
}

// apiDelivery is the delivery choice and the shipment.
type apiDelivery struct {
	Method     string     `json:"method"`
	Hall       string     `json:"hall,omitempty"`
	Recipient  string     `json:"recipient,omitempty"`
	Phone      string     `json:"phone,omitempty"`
	Address    string     `json:"address,omitempty"`
	Postcode   string     `json:"postcode,omitempty"`
	Courier    string     `json:"courier,omitempty"`
	TrackingNo string     `json:"tracking_no,omitempty"`
	Status     string     `json:"status,omitempty"`
	StatusAt   *time.Time `json:"status_at,omitempty"`
}

// apiEvent is one entry of the trace.
type apiEvent struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	Role      string    `json:"role"`
	Action    string    `json:"action"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason,omitempty"`
	Items     []string  `json:"items,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

// toAPI converts a view of an application for the API.
func (h *Handlers) toAPI(r *http.Request, v *cases.View) apiApplication {
	a, lang := v.App, web.LangFrom(r.Context())
	number := func(s string) string {
		if v.Role == cases.RoleCaseworker {
			return s
		}
		return MaskNumber(s)
	}
	out := apiApplication{Serial: a.Serial, ItemCode: a.ItemCode, ItemName: a.ItemName, Department: a.Department,
		State: string(a.State), StateName: label(cases.StateText(a.State), lang), Channel: string(a.Channel),
		Representation: string(a.Representation),
		Applicant:      apiParty{Kind: string(a.Applicant.Kind), Name: a.Applicant.Name, Number: number(a.Applicant.Number)},
		FiledByName:    a.FiledByName, Form: a.Form, Materials: []apiMaterial{}, Corrections: a.Corrections,
		AssigneeName: a.AssigneeName, SubmittedAt: a.SubmittedAt, AcceptedAt: opt(a.AcceptedAt), DueAt: opt(a.DueAt),
		DecidedAt: opt(a.DecidedAt), ClosedAt: opt(a.ClosedAt), Deadline: string(v.Deadline), Version: a.Version,
		Role: string(v.Role), Actions: []string{}, Trace: []apiEvent{}}
	if a.Representation == cases.ThroughAgent {
		out.Agent = &apiParty{Kind: string(a.Agent.Kind), Name: a.Agent.Name, Number: number(a.Agent.Number)}
	}
	for i, m := range a.Materials {
		am := apiMaterial{Index: i, Material: m.Material, Kind: string(m.Kind), FileName: m.FileName, Size: m.Size,
			ContentType: m.ContentType, SHA256: m.SHA256}
		if v.Download && m.SHA256 != "" {
			am.Download = "/applications/" + a.Serial + "/materials/" + strconv.Itoa(i)
		}
		out.Materials = append(out.Materials, am)
	}
	d := a.Delivery
	out.Delivery = apiDelivery{Method: string(d.Method), Hall: d.Hall, Recipient: d.Recipient, Phone: d.Phone,
		Address: d.Address, Postcode: d.Postcode, Courier: d.Courier, TrackingNo: d.TrackingNo, Status: string(d.Status), StatusAt: opt(d.StatusAt)}
	for _, x := range v.Allowed {
		if x != cases.ActSubmit {
			out.Actions = append(out.Actions, string(x))
		}
	}
	for _, e := range v.Trace {
		out.Trace = append(out.Trace, apiEvent{At: e.At, ActorName: e.ActorName, Role: string(e.Role), Action: string(e.Action),
			From: string(e.From), To: string(e.To), Reason: e.Reason, Items: e.Items, Detail: e.Detail})
	}
	return out
}
