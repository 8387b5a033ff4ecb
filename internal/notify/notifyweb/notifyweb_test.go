package notifyweb_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifyweb"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

var ctx = context.Background()

const anonCSRF = "anonymous-csrf-token-for-notifyweb-tests-0123456"

// session is a signed-in fixture account.
type session struct {
	acct        *identity.Account
	token, csrf string
}

type fixture struct {
	srv      *web.Server
	svc      *notify.Service
	env      *identitytest.Env
	citizen  *session
	admin    *session
	failedID string
}

// refusing is an SMS gateway that refuses every message for good.
type refusing struct{}

func (refusing) Deliver(context.Context, *notify.Message) error {
	return notify.Permanent(errors.New("ESME_RINVDSTADR: invalid destination"))
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	env := identitytest.NewEnv(t, d)
	ptr := identitytest.Ptr[string]
	citizen := identitytest.Person(t, env.Service, &identitytest.PersonOpts{Name: ptr("张三丰"), Phone: ptr("13800138000")})
	roles := []identity.Role{identity.PlatformAdmin}
	admin := identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Username: ptr("platform-admin"), Name: ptr("平台管理员"),
		Roles: &roles})
	tpl, _ := notify.NewTemplates(notify.DefaultTemplates()...)
	svc, err := notify.New(notify.Config{Store: env.Messages, Templates: tpl, Now: env.Clock.Now, Log: slog.New(slog.DiscardHandler),
		Channels: map[string]notify.Channel{notify.Email: refusing{}}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(web.Options{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(),
		Sessions: env.Service, Templates: []web.TemplateSet{notifyweb.Templates()}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := notifyweb.New(notifyweb.Deps{Notify: svc, Renderer: srv.Renderer, Cookies: srv.Cookies})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	f := &fixture{srv: srv, svc: svc, env: env, citizen: login(t, env, citizen), admin: login(t, env, admin)}
	if err := svc.SendInApp(ctx, citizen.ID, "case.progress", "办件进度通知：护照签发", "您的护照签发办件已受理。"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SendSMS(ctx, "13800138000", notify.TemplateLoginCode, "【鹏城】您的登录验证码为 654321，5分钟内有效。", citizen.ID); err != nil {
		t.Fatal(err)
	}
	m, err := svc.Send(ctx, notify.Draft{Channel: notify.Email, Recipient: "nobody@example.cn", Purpose: "result", Subject: "结果", Body: "正文"})
	if err == nil || m.Status != notify.StatusFailed {
		t.Fatalf("the refused e-mail: %+v, %v", m, err)
	}
	f.failedID = m.ID
	return f
}

func login(t *testing.T, env *identitytest.Env, a *identity.Account) *session {
	t.Helper()
	_, s, token, err := env.Service.Login(ctx, a.Username, identitytest.Password, identity.Client{IP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	return &session{acct: a, token: token, csrf: s.CSRFToken}
}

func (f *fixture) do(t *testing.T, method, path string, as *session, form url.Values, accept string) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		if form == nil {
			form = url.Values{}
		}
		form.Set("_csrf", anonCSRF)
		if as != nil {
			form.Set("_csrf", as.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	if body != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	r.AddCookie(&http.Cookie{Name: web.CSRFCookieName, Value: anonCSRF})
	if as != nil {
		r.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: as.token})
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

func expect(t *testing.T, w *httptest.ResponseRecorder, status int, want, notWant []string) {
	t.Helper()
	if w.Code != status {
		t.Errorf("status %d, want %d; body:\n%s", w.Code, status, w.Body)
	}
	for _, s := range want {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	for _, s := range notWant {
		if strings.Contains(w.Body.String(), s) {
			t.Errorf("the page shows %q", s)
		}
	}
}

func TestInboxPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := f.do(t, http.MethodGet, "/inbox", nil, nil, "")
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
			t.Errorf("anonymous /inbox: %d to %q; want the login page", w.Code, w.Header().Get("Location"))
		}
		expect(t, f.do(t, http.MethodGet, "/inbox", f.citizen, nil, ""), http.StatusOK,
			[]string{"我的消息", "办件进度通知：护照签发", "您的护照签发办件已受理。", "短信（平台未接入短信网关", "654321", "2 条未读"},
			[]string{"nobody@example.cn"})
		expect(t, f.do(t, http.MethodGet, "/inbox", f.admin, nil, ""), http.StatusOK, []string{"暂无消息"}, []string{"护照签发"})
		expect(t, f.do(t, http.MethodGet, "/inbox/unread", f.citizen, nil, "application/json"), http.StatusOK, []string{`{"unread":2}`}, nil)
		expect(t, f.do(t, http.MethodGet, "/inbox/unread", f.citizen, nil, ""), http.StatusOK, []string{`id="inbox-unread"`, ">2<"}, nil)
		expect(t, f.do(t, http.MethodGet, "/inbox/unread", nil, nil, "application/json"), http.StatusOK, []string{`{"unread":0}`}, nil)

		list, _, _ := f.svc.Inbox(ctx, f.citizen.acct, false, 0, 10)
		w = f.do(t, http.MethodPost, "/inbox/read", f.citizen, url.Values{"id": {list[1].ID}}, "")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/inbox" {
			t.Errorf("mark read: %d to %q", w.Code, w.Header().Get("Location"))
		}
		expect(t, f.do(t, http.MethodGet, "/inbox/unread", f.citizen, nil, "application/json"), http.StatusOK, []string{`{"unread":1}`}, nil)
		expect(t, f.do(t, http.MethodPost, "/inbox/read", f.citizen, url.Values{}, ""), http.StatusUnprocessableEntity, []string{"请选择要标记为已读的消息"}, nil)
		// Another account's ids are ignored.
		f.do(t, http.MethodPost, "/inbox/read", f.admin, url.Values{"id": {list[0].ID}}, "")
		expect(t, f.do(t, http.MethodGet, "/inbox/unread", f.citizen, nil, "application/json"), http.StatusOK, []string{`{"unread":1}`}, nil)
		f.do(t, http.MethodPost, "/inbox/read", f.citizen, url.Values{"all": {"1"}}, "")
		expect(t, f.do(t, http.MethodGet, "/inbox?unread=1", f.citizen, nil, ""), http.StatusOK, []string{"暂无消息"}, nil)
	})
}

func TestOutboxPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		expect(t, f.do(t, http.MethodGet, "/admin/outbox", f.citizen, nil, ""), http.StatusForbidden, nil, []string{"13800138000"})
		expect(t, f.do(t, http.MethodGet, "/admin/outbox", f.admin, nil, ""), http.StatusOK,
			[]string{"消息发件箱", "13800138000", "【鹏城】您的登录验证码为 ******", "站内保留（未配置网关）", "nobody@example.cn",
				"发送失败", "ESME_RINVDSTADR"},
			[]string{"654321"})
		expect(t, f.do(t, http.MethodGet, "/admin/outbox?failing=1", f.admin, nil, ""), http.StatusOK,
			[]string{"nobody@example.cn"}, []string{"13800138000"})
		expect(t, f.do(t, http.MethodGet, "/admin/outbox?via=outbox", f.admin, nil, ""), http.StatusOK,
			[]string{"13800138000"}, []string{"nobody@example.cn"})

		path := "/admin/outbox/" + f.failedID
		expect(t, f.do(t, http.MethodGet, path, f.admin, nil, ""), http.StatusOK,
			[]string{"消息详情", "nobody@example.cn", `id="retry"`, "失败，不再重试", "ESME_RINVDSTADR: invalid destination"}, nil)
		expect(t, f.do(t, http.MethodGet, path, f.citizen, nil, ""), http.StatusForbidden, nil, []string{"nobody@example.cn"})
		expect(t, f.do(t, http.MethodGet, "/admin/outbox/nope", f.admin, nil, ""), http.StatusNotFound, nil, nil)

		expect(t, f.do(t, http.MethodPost, path+"/retry", f.citizen, nil, ""), http.StatusForbidden, nil, nil)
		w := f.do(t, http.MethodPost, path+"/retry", f.admin, nil, "")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != path {
			t.Fatalf("retry: %d to %q", w.Code, w.Header().Get("Location"))
		}
		if n, err := f.svc.DeliverDue(ctx); err != nil || n != 0 {
			t.Errorf("DeliverDue after the retry = %d, %v", n, err)
		}
		_, attempts, _ := f.svc.Message(ctx, f.admin.acct, f.failedID)
		if len(attempts) != 2 {
			t.Errorf("%d attempts after the retry, want 2", len(attempts))
		}
		sent, _, _ := f.svc.Messages(ctx, f.admin.acct, notify.MessageFilter{Status: notify.StatusSent, Limit: 1})
		expect(t, f.do(t, http.MethodGet, "/admin/outbox/"+sent[0].ID, f.admin, nil, ""), http.StatusOK, nil, []string{`id="retry"`})
		expect(t, f.do(t, http.MethodPost, "/admin/outbox/"+sent[0].ID+"/retry", f.admin, nil, ""), http.StatusConflict, nil, nil)
	})
}

func TestEveryTextHasBothLanguages(t *testing.T) {
	t.Parallel()
	r, err := web.NewRenderer(web.RendererOptions{Sets: []web.TemplateSet{notifyweb.Templates()}})
	if err != nil {
		t.Fatal(err)
	}
	if missing := r.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys without text: %v", missing)
	}
	for _, prefix := range []string{"notify.channel.", "notify.status.", "notify.via.", "notify.outcome."} {
		for _, v := range map[string][]string{
			"notify.channel.": {notify.SMS, notify.Email, notify.InApp},
			"notify.status.":  {notify.StatusPending, notify.StatusSent, notify.StatusFailed},
			"notify.via.":     {notify.ViaSMPP, notify.ViaSMTP, notify.ViaInbox, notify.ViaOutbox},
			"notify.outcome.": {notify.OutcomeSent, notify.OutcomeRetry, notify.OutcomeFailed, notify.OutcomeAbandoned},
		}[prefix] {
			for _, lang := range []string{"zh", "en"} {
				if got := r.T(lang, prefix+v); got == prefix+v || got == "" {
					t.Errorf("%s%s has no %s text", prefix, v, lang)
				}
			}
		}
	}
}
