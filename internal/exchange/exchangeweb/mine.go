package exchangeweb

import (
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// mineData is the data of 我的数据使用记录.
type mineData struct {
	Kind    exchange.SubjectKind
	Subject string // masked
	Entries []*exchange.Entry
	Pager   web.Pager
}

// minePage lists who used the signed-in person's or enterprise's data,
// newest first. The subject is always the account's own.
func (h *Handlers) minePage(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	kind, subject, err := exchange.Subject(a)
	if err != nil {
		return err
	}
	offset, limit := web.PageParams(r, pageSize)
	list, total, err := h.Service.MyAccessLog(r.Context(), a, offset, limit)
	if err != nil {
		return err
	}
	d := &mineData{Kind: kind, Subject: mask(subject), Entries: list, Pager: web.NewPager(r, total, offset, limit)}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/mine", d)
}
