package identity

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// maxLoginInAudit bounds the typed login name kept in the audit log.
const maxLoginInAudit = 64

// audit appends an event about account a (nil when the login named no
// known account).
func (s *Service) audit(ctx context.Context, kind EventKind, a *Account, login string, c Client, detail string) error {
	e := &AuthEvent{ID: ids.New(), At: s.now(), Kind: kind, Login: truncate(login, maxLoginInAudit),
		IP: c.IP, UserAgent: truncate(c.UserAgent, 512), Detail: detail}
	if a != nil {
		e.AccountID, e.Department = a.ID, a.Department
	}
	if err := s.store.AppendEvent(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", kind, err)
	}
	return nil
}

// auditFailure records an event on a path that already fails; a failure to
// record it is logged, and the caller returns its own error.
func (s *Service) auditFailure(ctx context.Context, kind EventKind, a *Account, login string, c Client, detail string) {
	if err := s.audit(ctx, kind, a, login, c, detail); err != nil {
		s.log.ErrorContext(ctx, "audit log write failed", "kind", kind, "err", err)
	}
}

// Record appends an audit event (e.g. a token issued by the OpenID Connect
// provider). The id and time are filled in when empty; the kind is
// required.
func (s *Service) Record(ctx context.Context, e AuthEvent) error {
	if e.Kind == "" {
		return errs.E(errs.Invalid, "audit.kind", "审计事件缺少类型", "the audit event has no kind")
	}
	if e.ID == "" {
		e.ID = ids.New()
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	e.At = e.At.UTC()
	e.Login, e.UserAgent = truncate(e.Login, maxLoginInAudit), truncate(e.UserAgent, 512)
	if err := s.store.AppendEvent(ctx, &e); err != nil {
		return fmt.Errorf("record audit event: %w", err)
	}
	return nil
}

// Events lists the audit events actor may read: all of them for a platform
// admin, those of their department for a department admin, and their own
// for anybody else (f is narrowed accordingly). It returns one page, newest
// first, and the total number of matches.
func (s *Service) Events(ctx context.Context, actor *Account, f EventFilter) ([]*AuthEvent, int, error) {
	switch {
	case !active(actor):
		return nil, 0, errUnauthenticated()
	case isPlatformAdmin(actor):
	case isDeptAdmin(actor):
		f.Department = actor.Department
	default:
		f.AccountID = actor.ID
	}
	f.Offset, f.Limit = page(f.Offset, f.Limit)
	list, total, err := s.store.FindEvents(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("find audit events: %w", err)
	}
	return list, total, nil
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
