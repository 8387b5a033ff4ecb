package casesweb

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// apiBlob is a stored upload.
type apiBlob struct {
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// apiUpload answers POST /api/v1/files: the body is the file itself (any
// Content-Type), or a multipart form with the file in the part "file".
// The file is stored if it is a PDF, JPEG or PNG document within the
// upload limit; its SHA-256 then names it in an application's materials.
func (h *Handlers) apiUpload(w http.ResponseWriter, r *http.Request) error {
	limit := h.Cases.MaxUploadBytes()
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	body := io.Reader(r.Body)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return errUpload(err, limit)
		}
		for {
			p, err := mr.NextPart()
			if err != nil {
				return errs.Field("file", "upload.missing", "请在表单字段 file 中上传文件", "send the file in the form field file")
			}
			if p.FormName() == "file" {
				body = p
				break
			}
		}
	}
	b, err := h.Files.Put(r.Context(), body, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, apiBlob{SHA256: b.SHA256, Size: b.Size, ContentType: b.ContentType})
	return nil
}

// apiSubmission is the body of POST /api/v1/applications.
type apiSubmission struct {
	ItemCode  string            `json:"item_code"`
	Channel   string            `json:"channel,omitempty"` // online (default) or mobile
	Form      map[string]string `json:"form"`
	Materials []apiMaterialIn   `json:"materials"`
	Principal *struct {
		Kind   string `json:"kind,omitempty"` // person (default) or enterprise (window clerks)
		Name   string `json:"name"`
		Number string `json:"number"`
	} `json:"principal,omitempty"`
	Delivery struct {
		Method    string `json:"method"` // pickup or post
		Hall      string `json:"hall,omitempty"`
		Recipient string `json:"recipient,omitempty"`
		Phone     string `json:"phone,omitempty"`
		Address   string `json:"address,omitempty"`
		Postcode  string `json:"postcode,omitempty"`
	} `json:"delivery"`
}

// apiMaterialIn supplies a material in a JSON body.
type apiMaterialIn struct {
	Material   string `json:"material"`
	Blob       string `json:"blob"` // SHA-256 from POST /api/v1/files
	FileName   string `json:"file_name,omitempty"`
	LicenceRef string `json:"licence_ref,omitempty"`
}

// jsonMaterials returns the material inputs of a JSON body.
func jsonMaterials(list []apiMaterialIn) []cases.MaterialInput {
	var out []cases.MaterialInput
	for _, m := range list {
		out = append(out, cases.MaterialInput{Material: m.Material, Blob: m.Blob, FileName: m.FileName, LicenceRef: m.LicenceRef})
	}
	return out
}

// apiSubmit answers POST /api/v1/applications.
func (h *Handlers) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	var in apiSubmission
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	sub := cases.Submission{ItemCode: in.ItemCode, Channel: cases.Channel(in.Channel), Form: in.Form,
		Materials: jsonMaterials(in.Materials),
		Delivery: cases.Delivery{Method: cases.DeliveryMethod(in.Delivery.Method), Hall: in.Delivery.Hall,
			Recipient: in.Delivery.Recipient, Phone: in.Delivery.Phone, Address: in.Delivery.Address, Postcode: in.Delivery.Postcode}}
	if in.Principal != nil {
		sub.Principal = &cases.Party{Kind: catalog.ApplicantKind(in.Principal.Kind), Name: in.Principal.Name, Number: in.Principal.Number}
	}
	actor := web.AccountFrom(r.Context())
	var v *cases.View
	var err error
	if sv, ok := h.Submitter.(ViewSubmitter); ok {
		if v, err = sv.SubmitView(r.Context(), actor, sub); err != nil {
			return err
		}
	} else {
		var app *cases.Application
		if app, err = h.Submitter.Submit(r.Context(), actor, sub); err != nil {
			return err
		}
		if v, err = h.Cases.Application(r.Context(), actor, app.Serial); err != nil {
			return err
		}
	}
	w.Header().Set("Location", "/api/v1/applications/"+v.App.Serial)
	web.WriteJSON(w, http.StatusCreated, h.toAPI(r, v))
	return nil
}

// apiList answers GET /api/v1/applications?scope=mine|department&state=&item=&deadline=&offset=&limit=:
// by default the caller's own applications (applied for or filed); with
// scope=department, a caseworker's department queue.
func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	offset, limit, err := paging(r)
	if err != nil {
		return err
	}
	actor := web.AccountFrom(r.Context())
	var list []*cases.Application
	var total int
	switch q.Get("scope") {
	case "", "mine":
		f := cases.Filter{ItemCode: q.Get("item"), Offset: offset, Limit: limit}
		if s := q.Get("state"); s != "" {
			f.States = []cases.State{cases.State(s)}
		}
		list, total, err = h.Cases.MyApplications(r.Context(), actor, f)
	case "department":
		list, total, err = h.Cases.Queue(r.Context(), actor, cases.QueueFilter{State: cases.State(q.Get("state")),
			ItemCode: q.Get("item"), Deadline: cases.DeadlineStatus(q.Get("deadline")), Mine: q.Get("mine") == "1",
			Offset: offset, Limit: limit})
	default:
		return errs.Field("scope", "api.scope", "scope 应为 mine 或 department", "scope is mine or department")
	}
	if err != nil {
		return err
	}
	out := apiList{Items: []apiSummary{}, Total: total, Offset: offset, Limit: limit}
	for _, a := range list {
		out.Items = append(out.Items, apiSummary{Serial: a.Serial, ItemCode: a.ItemCode, ItemName: a.ItemName,
			Department: a.Department, State: string(a.State), Channel: string(a.Channel), SubmittedAt: a.SubmittedAt,
			DueAt: opt(a.DueAt), Deadline: string(h.Cases.Deadline(a)), Version: a.Version})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// paging reads ?offset= and ?limit= (default 50, at most 500).
func paging(r *http.Request) (offset, limit int, err error) {
	q := r.URL.Query()
	read := func(name string, def, most int) (int, error) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > most {
			return 0, errs.Field(name, "paging."+name, fmt.Sprintf("%s 应为 0 到 %d 之间的整数", name, most),
				fmt.Sprintf("%s must be a whole number from 0 to %d", name, most))
		}
		return n, nil
	}
	if offset, err = read("offset", 0, 1<<30); err != nil {
		return 0, 0, err
	}
	if limit, err = read("limit", 50, 500); err != nil {
		return 0, 0, err
	}
	return offset, max(limit, 1), nil
}

// apiApplication answers GET /api/v1/applications/{serial}.
func (h *Handlers) apiApplication(w http.ResponseWriter, r *http.Request) error {
	v, err := h.Cases.Application(r.Context(), web.AccountFrom(r.Context()), r.PathValue("serial"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h.toAPI(r, v))
	return nil
}

// apiAction is the body of POST /api/v1/applications/{serial}/actions/{action}.
type apiAction struct {
	Version    int      `json:"version,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	Items      []string `json:"items,omitempty"`
	Assignee   string   `json:"assignee,omitempty"`
	TrackingNo string   `json:"tracking_no,omitempty"`
	Status     string   `json:"status,omitempty"`
	// For resubmit: the corrected form (all fields) and replaced materials.
	Form      map[string]string `json:"form,omitempty"`
	Materials []apiMaterialIn   `json:"materials,omitempty"`
}

// apiAct answers POST /api/v1/applications/{serial}/actions/{action}.
func (h *Handlers) apiAct(w http.ResponseWriter, r *http.Request) error {
	in := apiAction{}
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	actor := web.AccountFrom(r.Context())
	serial, action := r.PathValue("serial"), cases.Action(r.PathValue("action"))
	var err error
	if action == cases.ActResubmit {
		_, err = h.Submitter.Resubmit(r.Context(), actor, serial, cases.Amendment{Form: in.Form, Materials: jsonMaterials(in.Materials), Version: in.Version})
	} else {
		_, err = h.Cases.Act(r.Context(), actor, serial, cases.ActionInput{Action: action, Version: in.Version, Reason: in.Reason,
			Items: in.Items, Assignee: in.Assignee, TrackingNo: in.TrackingNo, Status: cases.ShipmentStatus(in.Status)})
	}
	if err != nil {
		return err
	}
	v, err := h.Cases.Application(r.Context(), actor, serial)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h.toAPI(r, v))
	return nil
}

// apiList is one page of applications.
type apiList struct {
	Items  []apiSummary `json:"items"`
	Total  int          `json:"total"`
	Offset int          `json:"offset"`
	Limit  int          `json:"limit"`
}

// apiSummary is an application in a list.
type apiSummary struct {
	Serial      string     `json:"serial"`
	ItemCode    string     `json:"item_code"`
	ItemName    string     `json:"item_name"`
	Department  string     `json:"department"`
	State       string     `json:"state"`
	Channel     string     `json:"channel"`
	SubmittedAt time.Time  `json:"submitted_at"`
	DueAt       *time.Time `json:"due_at,omitempty"`
	Deadline    string     `json:"deadline,omitempty"`
	Version     int        `json:"version"`
}
