package approvalweb

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// Times in the API are RFC 3339 in China time (+08:00).

// maxEvalBody bounds the body of a dry run (the input's own limit is
// smaller; this one stops reading).
const maxEvalBody = 64 << 10

var errBadJSON = errs.E(errs.Invalid, "json.syntax", "请求正文不是有效的 JSON", "the request body is not valid JSON")

// apiEval dry-runs the item's published rules on the input of the body,
// for the department's staff: {"outcome", "rules": [{"id", "result",
// "reason"}], "ruleset_version"}.
func (h *Handlers) apiEval(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	if a == nil {
		return web.ErrLoginRequired
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEvalBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errs.E(errs.Invalid, "json.too_large", "请求正文过大", "the request body is too large")
	case err != nil:
		return errs.Wrap(err, "read the request body")
	case !json.Valid(body):
		return errBadJSON
	}
	in, err := approval.ParseInput(body)
	if err != nil {
		return err
	}
	ev, err := h.Service.DryRun(r.Context(), a, false, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, approval.NewDryRunResult(ev))
	return nil
}

// apiRuleSet is the JSON form of a rule set version, without its source.
type apiRuleSet struct {
	Version     int    `json:"version"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	Note        string `json:"note"`
	CreatedBy   string `json:"created_by"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
	TestedAt    string `json:"tested_at,omitempty"`
	TestSummary string `json:"test_summary,omitempty"`
	PublishedBy string `json:"published_by,omitempty"`
	PublishedAt string `json:"published_at,omitempty"`
}

// stamp formats t for the API; the zero time is "".
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(cst).Format(time.RFC3339)
}

func toAPIRuleSet(rs *approval.RuleSet) apiRuleSet {
	return apiRuleSet{Version: rs.Version, Name: rs.Name, Status: string(rs.Status), Note: rs.Note,
		CreatedBy: rs.CreatedByName, CreatedAt: stamp(rs.CreatedAt), UpdatedAt: stamp(rs.UpdatedAt),
		TestedAt: stamp(rs.TestedAt), TestSummary: rs.TestSummary,
		PublishedBy: rs.PublishedByName, PublishedAt: stamp(rs.PublishedAt)}
}

// apiRuleSets lists an item's rule set versions, newest first, for its
// department's staff.
func (h *Handlers) apiRuleSets(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	if a == nil {
		return web.ErrLoginRequired
	}
	it, list, err := h.Service.RuleSets(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]apiRuleSet, len(list))
	for i, rs := range list {
		out[i] = toAPIRuleSet(rs)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"item": it.Code, "item_name": it.Name, "rulesets": out})
	return nil
}
