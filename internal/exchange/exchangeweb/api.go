package exchangeweb

import (
	"net/http"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// Times in the API are RFC 3339 in China time (+08:00); dates are
// YYYY-MM-DD.

// apiField is the JSON form of a schema field.
type apiField struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	LabelEN  string   `json:"label_en"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Values   []string `json:"values,omitempty"`
	Length   int      `json:"length,omitempty"`
	MaxLen   int      `json:"max_length,omitempty"`
}

// apiDataset is the JSON form of a dataset.
type apiDataset struct {
	Name         string     `json:"name"`
	Title        string     `json:"title"`
	TitleEN      string     `json:"title_en"`
	Owner        string     `json:"owner"`
	Subject      string     `json:"subject"`
	SubjectField string     `json:"subject_field"`
	KeyField     string     `json:"key_field"`
	Note         string     `json:"note"`
	Fields       []apiField `json:"fields"`
}

func toAPIDataset(d *exchange.Dataset) apiDataset {
	out := apiDataset{Name: d.Name, Title: d.Title, TitleEN: d.TitleEN, Owner: d.Owner, Subject: string(d.Subject),
		SubjectField: d.SubjectField, KeyField: d.KeyField, Note: d.Note, Fields: []apiField{}}
	for _, f := range d.Fields {
		out.Fields = append(out.Fields, apiField{Name: f.Name, Label: f.Label, LabelEN: f.LabelEN, Type: string(f.Type),
			Required: f.Required, Values: f.Values, Length: f.Len, MaxLen: f.MaxLen})
	}
	return out
}

// apiDatasets lists the datasets and their schemas (public: schemas are
// not personal data).
func (h *Handlers) apiDatasets(w http.ResponseWriter, r *http.Request) error {
	out := []apiDataset{}
	for _, d := range h.Service.Datasets() {
		out = append(out, toAPIDataset(d))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"datasets": out})
	return nil
}

// apiPolicy is the JSON form of a policy.
type apiPolicy struct {
	ID         string   `json:"id"`
	Department string   `json:"department"`
	Dataset    string   `json:"dataset"`
	Fields     []string `json:"fields"`
	Purpose    string   `json:"purpose"`
	LegalBasis string   `json:"legal_basis"`
	ValidFrom  string   `json:"valid_from"`
	ValidUntil string   `json:"valid_until,omitempty"` // the last day, inclusive
}

func toAPIPolicy(p *exchange.Policy) apiPolicy {
	out := apiPolicy{ID: p.ID, Department: p.Department, Dataset: p.Dataset, Fields: p.Fields, Purpose: p.Purpose,
		LegalBasis: p.LegalBasis, ValidFrom: p.ValidFrom.In(cst).Format(time.DateOnly)}
	if !p.ValidUntil.IsZero() {
		out.ValidUntil = p.LastDay().In(cst).Format(time.DateOnly)
	}
	return out
}

var errNoDepartment = errs.E(errs.Forbidden, "exchange.no_department",
	"只有部门的工作人员和系统有共享授权", "Only departments' staff and systems have data-sharing policies.")

// apiPolicies lists the policies in force for the caller's department:
// what it may read, for which purposes, on which legal basis.
func (h *Handlers) apiPolicies(w http.ResponseWriter, r *http.Request, c caller) error {
	dept := c.department()
	if dept == "" {
		return errNoDepartment
	}
	ps, err := h.Service.DepartmentPolicies(r.Context(), dept)
	if err != nil {
		return err
	}
	out := []apiPolicy{}
	for _, p := range ps {
		out = append(out, toAPIPolicy(p))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"department": dept, "policies": out})
	return nil
}

// apiQueryRequest is the body of POST /api/v1/exchange/query.
type apiQueryRequest struct {
	Dataset    string   `json:"dataset"`
	Subject    string   `json:"subject"`
	Key        string   `json:"key"`
	Fields     []string `json:"fields"`
	Purpose    string   `json:"purpose"`
	LegalBasis string   `json:"legal_basis"`
	Reference  string   `json:"reference"`
}

// apiRecord is the JSON form of a record as a read returns it.
type apiRecord struct {
	ID        string            `json:"id"`
	Version   int               `json:"version"`
	Hash      string            `json:"hash"`
	UpdatedAt time.Time         `json:"updated_at"`
	Demo      bool              `json:"demo"`
	Fields    map[string]string `json:"fields"`
}

// apiResult is the response of a query.
type apiResult struct {
	Dataset  string      `json:"dataset"`
	Subject  string      `json:"subject"`
	Fields   []string    `json:"fields"`
	Records  []apiRecord `json:"records"`
	PolicyID string      `json:"policy_id"`
	LogSeq   int64       `json:"log_seq"`
}

func toAPIResult(res *exchange.Result) apiResult {
	out := apiResult{Dataset: res.Dataset, Subject: res.Subject, Fields: res.Fields, Records: []apiRecord{},
		PolicyID: res.PolicyID, LogSeq: res.LogSeq}
	for _, rec := range res.Records {
		out.Records = append(out.Records, apiRecord{ID: rec.ID, Version: rec.Version, Hash: rec.Hash,
			UpdatedAt: rec.UpdatedAt.In(cst), Demo: rec.Demo, Fields: rec.Fields})
	}
	return out
}

// apiQuery reads one subject's records with the caller's department's
// policies. Nothing found is a 200 with no records; the read is logged
// either way.
func (h *Handlers) apiQuery(w http.ResponseWriter, r *http.Request, c caller) error {
	actor, err := c.actor()
	if err != nil {
		return err
	}
	var in apiQueryRequest
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	res, err := h.Service.Read(r.Context(), exchange.Request{Actor: actor, Dataset: in.Dataset, Subject: in.Subject,
		Key: in.Key, Fields: in.Fields, Purpose: in.Purpose, LegalBasis: in.LegalBasis, Reference: in.Reference})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toAPIResult(res))
	return nil
}

// apiEntry is the JSON form of an access log entry.
type apiEntry struct {
	Seq            int64                `json:"seq"`
	At             time.Time            `json:"at"`
	ActorKind      string               `json:"actor_kind"`
	ActorName      string               `json:"actor_name"`
	Department     string               `json:"department"`
	DepartmentName string               `json:"department_name"`
	Dataset        string               `json:"dataset"`
	Fields         []string             `json:"fields"`
	Records        []exchange.RecordRef `json:"records"`
	Purpose        string               `json:"purpose"`
	LegalBasis     string               `json:"legal_basis"`
	Reference      string               `json:"reference,omitempty"`
	Hash           string               `json:"hash"`
}

func toAPIEntry(e *exchange.Entry) apiEntry {
	return apiEntry{Seq: e.Seq, At: e.At.In(cst), ActorKind: string(e.ActorKind), ActorName: e.ActorName,
		Department: e.Department, DepartmentName: e.DepartmentName, Dataset: e.Dataset, Fields: e.Fields,
		Records: e.Records, Purpose: e.Purpose, LegalBasis: e.LegalBasis, Reference: e.Reference, Hash: e.Hash}
}

// apiPageSize is how many entries a page of the API holds.
const apiPageSize = 50

// apiMine returns one page (?page=N) of the reads of the caller's own
// data: a person's or an enterprise's, never anyone else's.
func (h *Handlers) apiMine(w http.ResponseWriter, r *http.Request, c caller) error {
	if c.account == nil {
		return errs.E(errs.Forbidden, "exchange.no_subject",
			"只有个人和企业账号有数据使用记录", "Only personal and enterprise accounts have records of the use of their data.")
	}
	offset, limit := web.PageParams(r, apiPageSize)
	list, total, err := h.Service.MyAccessLog(r.Context(), c.account, offset, limit)
	if err != nil {
		return err
	}
	out := []apiEntry{}
	for _, e := range list {
		out = append(out, toAPIEntry(e))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"total": total, "page": offset/limit + 1, "entries": out})
	return nil
}
