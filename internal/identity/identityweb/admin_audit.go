package identityweb

import (
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// auditFilter is the filter form of the audit log.
type auditFilter struct {
	Kind, Account, Since, Until string
}

// auditData is the data of the audit log page.
type auditData struct {
	Filter auditFilter
	Kinds  []identity.EventKind
	Events eventTable
	Pager  web.Pager
	Err    error // a filter that could not be read
}

// auditPage lists the audit events the actor may read. An htmx request
// gets only the results block.
func (h *Handlers) auditPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := &auditData{
		Filter: auditFilter{Kind: q.Get("kind"), Account: strings.TrimSpace(q.Get("account")),
			Since: q.Get("since"), Until: q.Get("until")},
		Kinds:  eventKinds,
		Events: eventTable{Admin: true},
	}
	offset, limit := web.PageParams(r, pageSize)
	f, err := h.eventFilter(r, d.Filter)
	if err == nil {
		f.Offset, f.Limit = offset, limit
		var total int
		d.Events.Events, total, err = h.Identity.Events(r.Context(), web.AccountFrom(r.Context()), f)
		d.Pager = web.NewPager(r, total, offset, limit)
	}
	status := http.StatusOK
	if err != nil {
		if errs.KindOf(err) == errs.Internal || errs.KindOf(err) == errs.Forbidden {
			return err
		}
		d.Err, status = err, formStatus(err)
	}
	if r.Header.Get("HX-Request") == "true" {
		return h.Renderer.Fragment(w, r, "identity/admin_audit", "results", d)
	}
	return h.Renderer.Page(w, r, status, "identity/admin_audit", d)
}

// eventFilter turns the filter form into an EventFilter. The account may
// be given by id or by an exact login name that the actor can see.
func (h *Handlers) eventFilter(r *http.Request, af auditFilter) (identity.EventFilter, error) {
	var f identity.EventFilter
	var err error
	f.Kind = identity.EventKind(af.Kind)
	if f.Since, err = parseDay("since", af.Since); err != nil {
		return f, err
	}
	if f.Until, err = parseDay("until", af.Until); err != nil {
		return f, err
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // the whole day
	}
	if af.Account == "" {
		return f, nil
	}
	if ids.Valid(af.Account) {
		f.AccountID = af.Account
		return f, nil
	}
	list, _, err := h.Identity.Accounts(r.Context(), web.AccountFrom(r.Context()), identity.AccountFilter{Query: af.Account, Limit: 50})
	if err != nil {
		return f, err
	}
	for _, a := range list {
		if strings.EqualFold(a.Username, af.Account) || a.Phone == af.Account || strings.EqualFold(a.IDNumber, af.Account) {
			f.AccountID = a.ID
			return f, nil
		}
	}
	return f, errs.Field("account", "audit.account_unknown", "找不到该账号，请输入完整的用户名、手机号或账号 ID",
		"no such account; enter a full username, phone number or account id")
}
