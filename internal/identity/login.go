package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// chinaTime is the zone in which lock-out times are shown.
func chinaTime() *time.Location { return time.FixedZone("CST", 8*3600) }

// Limits on what a login form may carry.
const (
	maxLoginLength   = 64   // characters of an account name
	maxPasswordBytes = 1024 // bytes of a password (the policy allows 128 characters)
)

// Login checks a password for the account named by login (username,
// identity number, credit code or phone) and starts a session, returning
// the session's secret token.
//
// Failures are throttled per client address (IPMaxFailures per IPWindow,
// then errs.TooManyRequests) and per account: MaxFailures wrong passwords
// lock the account for LockoutFor, during which even the right password is
// refused with errs.TooManyRequests naming the time the lock ends. A wrong
// password and an unknown account get the same errs.Unauthenticated error
// and cost the same time. A disabled account gets errs.Forbidden, but only
// after the right password. Success resets the account's failure count.
func (s *Service) Login(ctx context.Context, login, password string, c Client) (*Account, *Session, string, error) {
	login = strings.TrimSpace(login)
	if login == "" {
		return nil, nil, "", errs.Field("login", "login.empty", "请填写账号", "enter your account name")
	}
	if password == "" {
		return nil, nil, "", errs.Field("password", "login.password_empty", "请填写密码", "enter your password")
	}
	if utf8.RuneCountInString(login) > maxLoginLength {
		return nil, nil, "", errs.Field("login", "login.too_long", fmt.Sprintf("账号过长（最多 %d 个字符）", maxLoginLength),
			fmt.Sprintf("the account name is too long (at most %d characters)", maxLoginLength))
	}
	if len(password) > maxPasswordBytes {
		// Hashing megabytes would let anybody burn the server's CPU; no
		// valid password is this long.
		return nil, nil, "", errBadLogin()
	}
	now := s.now()
	if err := s.checkIPThrottle(ctx, c, now); err != nil {
		s.auditFailure(ctx, EventLoginFailed, nil, login, c, "client address throttled")
		return nil, nil, "", err
	}
	a, err := s.findByLogin(ctx, login)
	if errs.Is(err, errs.NotFound) {
		s.checkDummy(password)
		s.hitIP(ctx, c, now)
		s.auditFailure(ctx, EventLoginFailed, nil, login, c, "unknown account")
		return nil, nil, "", errBadLogin()
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("login: %w", err)
	}
	if a.LockedUntil.After(now) {
		s.auditFailure(ctx, EventLoginFailed, a, login, c, "account locked")
		return nil, nil, "", errLocked(a.LockedUntil)
	}
	if !a.LockedUntil.IsZero() {
		// The lock has run out: the account starts again with a clean count.
		if err := s.store.ResetLoginFailures(ctx, a.ID); err != nil {
			return nil, nil, "", fmt.Errorf("login: %w", err)
		}
		a.FailedLogins, a.LockedUntil = 0, time.Time{}
	}
	ok, hash, err := s.checkAccountPassword(ctx, a, password)
	if err != nil {
		return nil, nil, "", err
	}
	if !ok {
		return nil, nil, "", s.loginFailed(ctx, a, login, c, now)
	}
	if a.Disabled {
		s.auditFailure(ctx, EventLoginFailed, a, login, c, "account disabled")
		return nil, nil, "", errDisabled()
	}
	s.rehashIfNeeded(ctx, a, hash, password, now)
	if a.FailedLogins > 0 {
		if err := s.store.ResetLoginFailures(ctx, a.ID); err != nil {
			return nil, nil, "", fmt.Errorf("login: %w", err)
		}
		a.FailedLogins = 0
	}
	sess, token, err := s.startSession(ctx, a, "pwd", c, now)
	if err != nil {
		return nil, nil, "", err
	}
	if err := s.audit(ctx, EventLogin, a, login, c, "pwd"); err != nil {
		return nil, nil, "", err
	}
	return a, sess, token, nil
}

// findByLogin finds the account named by what a user typed: an identity
// number or credit code (upper-cased), a phone (normalised), or a
// username (lower-cased).
func (s *Service) findByLogin(ctx context.Context, login string) (*Account, error) {
	var candidates []string
	upper, lower := strings.ToUpper(login), strings.ToLower(login)
	if idChars(login) {
		candidates = []string{upper}
	} else if p, err := ValidatePhone(login); err == nil {
		candidates = []string{p}
	} else if len(login) == 18 && strings.Trim(upper, usccChars) == "" {
		// A credit code, or an 18-letter username that looks like one.
		candidates = []string{upper, lower}
	} else {
		candidates = []string{lower}
	}
	var err error
	for _, c := range candidates {
		var a *Account
		if a, err = s.store.FindAccountByLogin(ctx, c); err == nil {
			return a, nil
		}
		if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	return nil, err
}

// checkAccountPassword checks pw against a's stored hash, or against the
// dummy hash when a has no password, so both cost the same. It returns the
// stored hash.
func (s *Service) checkAccountPassword(ctx context.Context, a *Account, pw string) (bool, string, error) {
	hash, err := s.store.PasswordHash(ctx, a.ID)
	if err != nil {
		return false, "", fmt.Errorf("login: %w", err)
	}
	if hash == "" {
		s.checkDummy(pw)
		return false, "", nil
	}
	ok, err := CheckPassword(hash, pw)
	if errors.Is(err, ErrBadHash) {
		s.log.ErrorContext(ctx, "stored password hash is malformed", "account", a.ID)
		s.checkDummy(pw)
		return false, "", nil
	}
	return ok, hash, err
}

// checkDummy spends the time of one password check.
func (s *Service) checkDummy(pw string) {
	s.dummyOnce.Do(func() {
		h, err := HashPassword("pengcheng-dummy-password-0")
		if err != nil {
			panic(fmt.Sprintf("identity: hash dummy password: %v", err))
		}
		s.dummyHash = h
	})
	_, _ = CheckPassword(s.dummyHash, pw)
}

// rehashIfNeeded replaces a hash made with outdated parameters after a
// successful login; failure to do so is only logged.
func (s *Service) rehashIfNeeded(ctx context.Context, a *Account, hash, pw string, now time.Time) {
	if !NeedsRehash(hash) {
		return
	}
	h, err := HashPassword(pw)
	if err == nil {
		err = s.store.SetPasswordHash(ctx, a.ID, h, now)
	}
	if err != nil {
		s.log.WarnContext(ctx, "rehash password", "account", a.ID, "err", err)
	}
}

// loginFailed counts a wrong password against the account and the client
// address, locking the account when the count reaches MaxFailures, and
// returns the error to show.
func (s *Service) loginFailed(ctx context.Context, a *Account, login string, c Client, now time.Time) error {
	s.hitIP(ctx, c, now)
	n, until, err := s.store.RecordLoginFailure(ctx, a.ID, s.policy.MaxFailures, now.Add(s.policy.LockoutFor))
	if err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	s.auditFailure(ctx, EventLoginFailed, a, login, c, fmt.Sprintf("wrong password (%d of %d)", n, s.policy.MaxFailures))
	if until.After(now) {
		s.auditFailure(ctx, EventLockout, a, login, c, "locked until "+until.Format(time.RFC3339))
		return errLocked(until)
	}
	return errBadLogin()
}

// ipKey is the throttle counter of failed logins from a client address.
func ipKey(ip string) string { return "login:ip:" + ip }

// checkIPThrottle refuses clients with too many recent failures.
func (s *Service) checkIPThrottle(ctx context.Context, c Client, now time.Time) error {
	if c.IP == "" {
		return nil
	}
	n, err := s.store.Count(ctx, ipKey(c.IP), s.policy.IPWindow, now)
	if err != nil {
		return fmt.Errorf("check login throttle: %w", err)
	}
	if n >= s.policy.IPMaxFailures {
		mins := int(s.policy.IPWindow.Round(time.Minute) / time.Minute)
		return errs.E(errs.TooManyRequests, "login.ip_throttled",
			fmt.Sprintf("登录失败次数过多，请%d分钟后再试", mins),
			fmt.Sprintf("too many failed sign-ins from your address; try again in %d minutes", mins))
	}
	return nil
}

// hitIP counts a failure against the client address; errors are logged.
func (s *Service) hitIP(ctx context.Context, c Client, now time.Time) {
	if c.IP == "" {
		return
	}
	if _, err := s.store.Hit(ctx, ipKey(c.IP), s.policy.IPWindow, now); err != nil {
		s.log.ErrorContext(ctx, "count login failure", "ip", c.IP, "err", err)
	}
}

func errBadLogin() error {
	return errs.E(errs.Unauthenticated, "login.failed", "账号或密码错误", "wrong account name or password")
}

func errLocked(until time.Time) error {
	t := until.In(chinaTime()).Format("15:04")
	return errs.E(errs.TooManyRequests, "login.locked",
		"账户已锁定，请于 "+t+" 后再试",
		"the account is locked after too many wrong passwords; try again after "+t+" (China time)")
}
