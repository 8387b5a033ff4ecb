package identitytest

import (
	"context"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitysql"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
)

// Start is the time the clocks of NewEnv start at.
var Start = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// Env is an identity service on a test database, with the real notify
// service (and its outbox) as notifier and a movable clock.
type Env struct {
	DB       *db.DB
	Store    *identitysql.Store
	Service  *identity.Service
	Notify   *notify.Service
	Messages *notifysql.Store
	Clock    *Clock
}

// NewEnv builds an Env on d (migrated, e.g. from dbtest) with the default
// policy, creating departments DeptA and DeptB.
func NewEnv(t testing.TB, d *db.DB) *Env {
	return NewEnvPolicy(t, d, identity.DefaultPolicy())
}

// NewEnvPolicy is NewEnv with a policy.
func NewEnvPolicy(t testing.TB, d *db.DB, p identity.Policy) *Env {
	t.Helper()
	CreateDepartments(t, d)
	clock := NewClock(Start)
	log := slog.New(slog.DiscardHandler)
	msgs := notifysql.New(d)
	ns := notify.NewService(msgs, nil, clock.Now, log)
	st := identitysql.New(d)
	return &Env{DB: d, Store: st, Service: identity.NewService(st, ns, p, clock.Now, log), Notify: ns, Messages: msgs, Clock: clock}
}

var codePattern = regexp.MustCompile(`\d{6}`)

// LastCode returns the one-time code in the newest login-code message sent
// to phone, or "" when none was sent.
func (e *Env) LastCode(t testing.TB, phone string) string {
	t.Helper()
	list, _, err := e.Messages.FindMessages(context.Background(),
		notify.MessageFilter{Recipient: phone, Purpose: identity.PurposeLoginCode, Limit: 1})
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	if len(list) == 0 {
		return ""
	}
	return codePattern.FindString(list[0].Body)
}

// CodesSent returns how many login-code messages were sent to phone.
func (e *Env) CodesSent(t testing.TB, phone string) int {
	t.Helper()
	_, n, err := e.Messages.FindMessages(context.Background(),
		notify.MessageFilter{Recipient: phone, Purpose: identity.PurposeLoginCode})
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	return n
}
