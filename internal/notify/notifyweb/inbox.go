package notifyweb

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// pageSize is the number of rows per page.
const pageSize = 30

// inboxData is the data of the inbox page.
type inboxData struct {
	Unread   bool // only unread messages are listed
	Count    int  // unread messages in all
	Messages []*notify.Message
	Pager    web.Pager
}

// inboxPage lists the signed-in account's inbox, newest first.
func (h *Handlers) inboxPage(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	d := &inboxData{Unread: r.URL.Query().Get("unread") == "1"}
	offset, limit := web.PageParams(r, pageSize)
	list, total, err := h.Notify.Inbox(r.Context(), actor, d.Unread, offset, limit)
	if err != nil {
		return err
	}
	if d.Count, err = h.Notify.UnreadCount(r.Context(), actor); err != nil {
		return err
	}
	d.Messages, d.Pager = list, web.NewPager(r, total, offset, limit)
	return h.Renderer.Page(w, r, http.StatusOK, "notify/inbox", d)
}

// markRead marks the posted message ids (field id, repeatable) read, or
// every message when the field all is set, and returns to the inbox.
func (h *Handlers) markRead(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "notify.form", "表单无法读取", "the form could not be read")
	}
	ids := r.PostForm["id"]
	if len(ids) == 0 && r.PostForm.Get("all") == "" {
		return errs.Field("id", "notify.read_none", "请选择要标记为已读的消息", "choose the messages to mark read")
	}
	if r.PostForm.Get("all") != "" {
		ids = nil
	}
	if _, err := h.Notify.MarkRead(r.Context(), web.AccountFrom(r.Context()), ids...); err != nil {
		return err
	}
	h.Cookies.SetFlash(w, "notify.inbox.marked")
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
	return nil
}

// unreadBadge answers the number of unread messages of the signed-in
// account: as JSON {"unread": N} when asked for JSON, otherwise as a small
// HTML fragment for the header (empty when there are none or nobody is
// signed in), e.g. for htmx: hx-get="/inbox/unread" hx-trigger="load".
func (h *Handlers) unreadBadge(w http.ResponseWriter, r *http.Request) error {
	n, err := h.Notify.UnreadCount(r.Context(), web.AccountFrom(r.Context()))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if r.Header.Get("Accept") == "application/json" {
		w.Header().Set("Content-Type", "application/json")
		_, err := fmt.Fprintf(w, `{"unread":%d}`, n)
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if n == 0 {
		return nil
	}
	label := h.Renderer.T(web.LangFrom(r.Context()), "notify.inbox.unread_badge")
	_, err = fmt.Fprintf(w, `<span class="badge badge-red" id="inbox-unread" aria-label="%s">%d</span>`, template.HTMLEscapeString(fmt.Sprintf(label, n)), n)
	return err
}
