package approvalweb

import (
	"encoding/json"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// decisionData is the data of a decision's page.
type decisionData struct {
	Decision *approval.Decision
	Item     *catalog.Item
	// Input is the recorded input, indented.
	Input string
	// Replay is the result of replaying it, when asked.
	Replay    *approval.Replay
	ReplayErr error
}

// decisionData loads the decision of the request's path.
func (h *Handlers) decisionData(r *http.Request) (*decisionData, error) {
	dec, it, err := h.Service.Decision(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	in, err := json.MarshalIndent(dec.Input, "", "  ")
	if err != nil {
		return nil, err
	}
	return &decisionData{Decision: dec, Item: it, Input: string(in)}, nil
}

// decisionPage shows a decision: its input, the record versions it read,
// each rule's result, the time taken, and a button to replay it.
func (h *Handlers) decisionPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.decisionData(r)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/decision", d)
}

// replay evaluates the decision again from what it recorded and shows
// whether the outcome is the same.
func (h *Handlers) replay(w http.ResponseWriter, r *http.Request) error {
	d, err := h.decisionData(r)
	if err != nil {
		return err
	}
	d.Replay, err = h.Service.Replay(r.Context(), web.AccountFrom(r.Context()), false, d.Decision.ID)
	if err != nil {
		if !shown(err) {
			return err
		}
		d.ReplayErr = err
		return h.Renderer.Page(w, r, formStatus(err), module+"/decision", d)
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/decision", d)
}
