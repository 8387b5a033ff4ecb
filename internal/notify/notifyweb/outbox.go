package notifyweb

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// outboxFilter is the filter form of the outbox.
type outboxFilter struct {
	Channel, Status, Via, Recipient string
	Failing                         bool
}

// outboxRow is one message as the outbox shows it.
type outboxRow struct {
	*notify.Message
	Shown string // the body, with one-time codes masked unless shown on purpose
}

// outboxData is the data of the outbox page.
type outboxData struct {
	Filter   outboxFilter
	Channels []string
	Statuses []string
	Vias     []string
	Messages []outboxRow
	Pager    web.Pager
}

// outboxPage lists the messages for platform admins, newest first.
func (h *Handlers) outboxPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := &outboxData{
		Filter: outboxFilter{Channel: q.Get("channel"), Status: q.Get("status"), Via: q.Get("via"),
			Recipient: strings.TrimSpace(q.Get("recipient")), Failing: q.Get("failing") == "1"},
		Channels: []string{notify.SMS, notify.Email, notify.InApp},
		Statuses: []string{notify.StatusPending, notify.StatusSent, notify.StatusFailed},
		Vias:     []string{notify.ViaSMPP, notify.ViaSMTP, notify.ViaInbox, notify.ViaOutbox},
	}
	offset, limit := web.PageParams(r, pageSize)
	list, total, err := h.Notify.Messages(r.Context(), web.AccountFrom(r.Context()), notify.MessageFilter{
		Channel: d.Filter.Channel, Status: d.Filter.Status, Via: d.Filter.Via, Recipient: d.Filter.Recipient,
		Failing: d.Filter.Failing, Offset: offset, Limit: limit,
	})
	if err != nil {
		return err
	}
	for _, m := range list {
		d.Messages = append(d.Messages, h.row(m))
	}
	d.Pager = web.NewPager(r, total, offset, limit)
	return h.Renderer.Page(w, r, http.StatusOK, "notify/admin_outbox", d)
}

func (h *Handlers) row(m *notify.Message) outboxRow {
	row := outboxRow{Message: m, Shown: m.Body}
	if !h.ShowCodes {
		row.Shown = maskCodes(m.Purpose, m.Body)
	}
	return row
}

// messageData is the data of one message's page.
type messageData struct {
	Message  outboxRow
	Attempts []*notify.Attempt
	CanRetry bool
}

// messagePage shows one message with its parts, receipts and attempts.
func (h *Handlers) messagePage(w http.ResponseWriter, r *http.Request) error {
	m, attempts, err := h.Notify.Message(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	d := &messageData{Message: h.row(m), Attempts: attempts, CanRetry: m.Status != notify.StatusSent}
	return h.Renderer.Page(w, r, http.StatusOK, "notify/admin_message", d)
}

// retry makes a message due now and returns to its page.
func (h *Handlers) retry(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := h.Notify.Retry(r.Context(), web.AccountFrom(r.Context()), id); err != nil {
		return err
	}
	h.Cookies.SetFlash(w, "notify.outbox.retry_queued")
	http.Redirect(w, r, "/admin/outbox/"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}
