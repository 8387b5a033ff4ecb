package exchangeweb

import (
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// logFilter is the filter form of the access log page.
type logFilter struct {
	Department, Dataset string
}

// logData is the data of the administrators' access log page.
type logData struct {
	Filter    logFilter
	Datasets  []*exchange.Dataset
	Entries   []*exchange.Entry
	Pager     web.Pager
	CanVerify bool
	Verify    *exchange.VerifyReport
}

// logData loads one page of the log the viewer may read.
func (h *Handlers) logData(r *http.Request) (*logData, error) {
	a := web.AccountFrom(r.Context())
	q := r.URL.Query()
	d := &logData{Filter: logFilter{Department: strings.ToUpper(strings.TrimSpace(q.Get("department"))), Dataset: q.Get("dataset")},
		Datasets: h.Service.Datasets(), CanVerify: a.HasRole(identity.PlatformAdmin)}
	offset, limit := web.PageParams(r, pageSize)
	list, total, err := h.Service.AccessLog(r.Context(), a, exchange.EntryFilter{Department: d.Filter.Department,
		Dataset: d.Filter.Dataset, Offset: offset, Limit: limit})
	if err != nil {
		return nil, err
	}
	d.Entries, d.Pager = list, web.NewPager(r, total, offset, limit)
	return d, nil
}

// logPage lists the access log: every read for platform administrators,
// their department's reads for department administrators.
func (h *Handlers) logPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.logData(r)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/log", d)
}

// verifyLog recomputes the log's hash chain and shows the outcome above
// the log.
func (h *Handlers) verifyLog(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.Service.VerifyLogFor(r.Context(), web.AccountFrom(r.Context()))
	if err != nil {
		return err
	}
	if !rep.OK {
		h.Log.WarnContext(r.Context(), "access log verification failed", "first_broken", rep.FirstBroken, "reason", rep.ReasonEN)
	}
	d, err := h.logData(r)
	if err != nil {
		return err
	}
	d.Verify = &rep
	return h.Renderer.Page(w, r, http.StatusOK, module+"/log", d)
}
