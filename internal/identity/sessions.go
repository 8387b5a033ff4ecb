package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// touchEvery is how stale a session's last-seen time may get before
// Authenticate writes it again; it saves a write per request.
const touchEvery = time.Minute

// startSession creates a session for a and returns it with its secret.
func (s *Service) startSession(ctx context.Context, a *Account, method string, c Client, now time.Time) (*Session, string, error) {
	token := ids.Token(32)
	sess := &Session{
		ID: ids.New(), AccountID: a.ID, CSRFToken: ids.Token(24), Method: method,
		IP: c.IP, UserAgent: truncate(c.UserAgent, 512),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.policy.SessionTTL),
	}
	if err := s.store.CreateSession(ctx, sess, ids.Hash(token)); err != nil {
		return nil, "", fmt.Errorf("create session: %w", err)
	}
	return sess, token, nil
}

// StartSession starts a session for an already authenticated account
// (federated login). method is recorded on the session and in the audit
// log. It returns errs.Forbidden for a disabled account.
func (s *Service) StartSession(ctx context.Context, a *Account, method string, c Client) (*Session, string, error) {
	if a == nil || a.ID == "" {
		return nil, "", errUnauthenticated()
	}
	cur, err := s.store.FindAccountByID(ctx, a.ID)
	if err != nil {
		return nil, "", fmt.Errorf("start session: %w", err)
	}
	if cur.Disabled {
		s.auditFailure(ctx, EventLoginFailed, cur, cur.Username, c, "disabled; "+method)
		return nil, "", errDisabled()
	}
	now := s.now()
	sess, token, err := s.startSession(ctx, cur, method, c, now)
	if err != nil {
		return nil, "", err
	}
	if err := s.audit(ctx, EventLogin, cur, cur.Username, c, method); err != nil {
		return nil, "", err
	}
	return sess, token, nil
}

// Authenticate returns the account and session for a session token,
// sliding the session's expiry by the policy's SessionTTL (written at most
// once a minute). It returns errs.Unauthenticated for unknown or expired
// tokens and for disabled accounts.
func (s *Service) Authenticate(ctx context.Context, token string) (*Account, *Session, error) {
	token = strings.TrimSpace(token)
	expired := errs.E(errs.Unauthenticated, "session.invalid", "登录已失效，请重新登录", "your session has ended; please sign in again")
	if token == "" {
		return nil, nil, expired
	}
	now := s.now()
	sess, err := s.store.FindSession(ctx, ids.Hash(token), now)
	if errs.Is(err, errs.NotFound) {
		return nil, nil, expired
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find session: %w", err)
	}
	a, err := s.store.FindAccountByID(ctx, sess.AccountID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil, expired
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find session account: %w", err)
	}
	if a.Disabled {
		return nil, nil, errs.E(errs.Unauthenticated, "session.disabled", "该账户已停用，请联系管理员",
			"this account has been disabled; please contact an administrator")
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		exp := now.Add(s.policy.SessionTTL)
		err := s.store.TouchSession(ctx, sess.ID, now, exp)
		if errs.Is(err, errs.NotFound) { // ended meanwhile
			return nil, nil, expired
		}
		if err != nil {
			return nil, nil, fmt.Errorf("touch session: %w", err)
		}
		sess.LastSeenAt, sess.ExpiresAt = now, exp
	}
	return a, sess, nil
}

// Logout ends a session. Ending a session that has already ended is not
// an error.
func (s *Service) Logout(ctx context.Context, sess *Session, c Client) error {
	if sess == nil {
		return nil
	}
	if err := s.store.DeleteSession(ctx, sess.ID); err != nil && !errs.Is(err, errs.NotFound) {
		return fmt.Errorf("end session: %w", err)
	}
	a, err := s.store.FindAccountByID(ctx, sess.AccountID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return fmt.Errorf("logout: %w", err)
	}
	login := ""
	if a != nil {
		login = a.Username
	}
	return s.audit(ctx, EventLogout, a, login, c, sess.Method)
}

// Housekeeping removes what has run out: expired sessions and one-time
// codes, and throttle counters whose window has long passed. The app runs
// it periodically.
func (s *Service) Housekeeping(ctx context.Context) error {
	now := s.now()
	sessions, err := s.store.DeleteExpiredSessions(ctx, now)
	if err != nil {
		return fmt.Errorf("identity housekeeping: sessions: %w", err)
	}
	codes, err := s.store.DeleteExpiredOTPs(ctx, now)
	if err != nil {
		return fmt.Errorf("identity housekeeping: one-time codes: %w", err)
	}
	p := s.policy
	longest := max(p.IPWindow, p.LockoutFor, p.OTPInterval, time.Hour)
	counters, err := s.store.DeleteStaleCounters(ctx, now.Add(-longest))
	if err != nil {
		return fmt.Errorf("identity housekeeping: counters: %w", err)
	}
	s.log.DebugContext(ctx, "identity housekeeping", "sessions", sessions, "codes", codes, "counters", counters)
	return nil
}

func errDisabled() error {
	return errs.E(errs.Forbidden, "login.disabled", "该账户已停用，请联系管理员", "this account has been disabled; please contact an administrator")
}
