// Package identity is Pengcheng's unified identity (统一身份认证): one account
// for citizens (natural persons, identified by resident identity number),
// enterprises (identified by unified social credit code) and staff (who
// belong to a department and hold roles); password and phone one-time-code
// login; server-side sessions; login throttling and lockout; and the
// authentication audit log.
//
// The package holds domain types and the [Service]; it does no SQL and no
// HTTP. Storage is the [Store] interface (implemented in identitysql), and
// the web pages and API live in identityweb.
package identity

import (
	"context"
	"slices"
	"time"
)

// Kind is the kind of an account.
type Kind string

// The kinds of account.
const (
	Person     Kind = "person"     // a natural person (自然人), by resident identity number
	Enterprise Kind = "enterprise" // a legal person (法人), by unified social credit code
	Staff      Kind = "staff"      // a civil servant, in a department
)

// Role is a permission set held by a staff account.
type Role string

// The roles. PlatformAdmin may administer everything; DeptAdmin administers
// the accounts of their own department only.
const (
	PlatformAdmin Role = "platform_admin" // 平台管理员
	DeptAdmin     Role = "dept_admin"     // 部门管理员
	Caseworker    Role = "caseworker"     // 窗口/审批人员
	GridWorker    Role = "grid_worker"    // 网格员
	Dispatcher    Role = "dispatcher"     // 调度员
)

// Roles lists every role in display order.
var Roles = []Role{PlatformAdmin, DeptAdmin, Caseworker, GridWorker, Dispatcher}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { return slices.Contains(Roles, r) }

// Account is a user of the platform.
type Account struct {
	ID           string
	Kind         Kind
	Username     string // login name: the identity number for persons, the credit code for enterprises
	DisplayName  string
	IDNumber     string // persons: resident identity number (GB 11643)
	IDVerified   bool   // the identity number was verified (by the demo seed, a registry or a trusted issuer)
	USCC         string // enterprises: unified social credit code (GB 32100)
	Phone        string // mainland mobile number, 11 digits; optional
	Email        string
	Department   string // staff: department code
	Roles        []Role // staff only
	Disabled     bool
	FailedLogins int
	LockedUntil  time.Time // zero when not locked
	PasswordSet  bool
	Lang         string // preferred UI language, "zh" or "en"
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// HasRole reports whether a holds role r.
func (a *Account) HasRole(r Role) bool { return a != nil && slices.Contains(a.Roles, r) }

// IsStaff reports whether a is a staff account.
func (a *Account) IsStaff() bool { return a != nil && a.Kind == Staff }

// Session is a login session. The secret token is only known to the client;
// the store keeps its hash.
type Session struct {
	ID         string
	AccountID  string
	CSRFToken  string // per-session token that state-changing forms must carry
	Method     string // "pwd", "otp" or "fed:<provider>"
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// EventKind is the kind of an authentication audit event.
type EventKind string

// The audit event kinds.
const (
	EventLogin          EventKind = "login"
	EventLoginFailed    EventKind = "login_failed"
	EventLockout        EventKind = "lockout"
	EventLogout         EventKind = "logout"
	EventPasswordChange EventKind = "password_change"
	EventPasswordReset  EventKind = "password_reset"
	EventOTPSent        EventKind = "otp_sent"
	EventTokenIssued    EventKind = "token_issued"
	EventAccountCreated EventKind = "account_created"
	EventAccountChanged EventKind = "account_changed"
	EventFederatedLink  EventKind = "federated_link"
)

// AuthEvent is one entry of the authentication audit log.
type AuthEvent struct {
	ID         string
	At         time.Time
	Kind       EventKind
	AccountID  string // empty when the login named no known account
	Department string // the account's department, for department admins' views
	Login      string // the identifier that was typed, for failures
	IP         string
	UserAgent  string
	ClientID   string // OIDC client, for token events
	Detail     string
}

// AccountFilter selects accounts. Zero fields do not filter.
type AccountFilter struct {
	Kind       Kind
	Department string
	Role       Role
	Query      string // matches username, display name, phone (substring)
	Offset     int
	Limit      int // defaults to 50, at most 500
}

// EventFilter selects audit events. Zero fields do not filter.
type EventFilter struct {
	Kind       EventKind
	AccountID  string
	Department string
	Since      time.Time
	Until      time.Time
	Offset     int
	Limit      int // defaults to 50, at most 500
}

// AccountUpdate changes an account; nil fields stay as they are.
type AccountUpdate struct {
	DisplayName *string
	Phone       *string
	Email       *string
	Department  *string
	Roles       *[]Role
	Disabled    *bool
	Lang        *string
	IDVerified  *bool
}

// Store persists accounts, sessions, audit events, throttle counters and
// one-time codes. Methods return errs.NotFound when a thing does not exist
// and errs.Conflict when a unique field (username, identity number, credit
// code, phone) is taken.
type Store interface {
	CreateAccount(ctx context.Context, a *Account, passwordHash string) error
	FindAccountByID(ctx context.Context, id string) (*Account, error)
	// FindAccountByLogin finds an account by username, identity number,
	// credit code or phone.
	FindAccountByLogin(ctx context.Context, login string) (*Account, error)
	FindAccountByIDNumber(ctx context.Context, idNumber string) (*Account, error)
	FindAccounts(ctx context.Context, f AccountFilter) ([]*Account, int, error)
	UpdateAccount(ctx context.Context, id string, u AccountUpdate, now time.Time) (*Account, error)
	PasswordHash(ctx context.Context, id string) (string, error)
	SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error
	// RecordLoginFailure increments the failure count and, when it reaches
	// max, sets the lock time to lockUntil; it returns the new count and
	// the lock time it set (zero when the count is still below max).
	RecordLoginFailure(ctx context.Context, id string, max int, lockUntil time.Time) (int, time.Time, error)
	// ResetLoginFailures sets the failure count to zero and clears the lock.
	ResetLoginFailures(ctx context.Context, id string) error
	CountAccounts(ctx context.Context) (int, error)

	CreateSession(ctx context.Context, s *Session, tokenHash string) error
	// FindSession returns the unexpired session with the token hash.
	FindSession(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) error
	DeleteSession(ctx context.Context, id string) error
	DeleteAccountSessions(ctx context.Context, accountID string) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	AppendEvent(ctx context.Context, e *AuthEvent) error
	FindEvents(ctx context.Context, f EventFilter) ([]*AuthEvent, int, error)

	// Hit adds one to the fixed-window counter key, starting a new window
	// when the current one is older than window, and returns the count.
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
	// Count returns the counter's value within its current window.
	Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
	ResetCounter(ctx context.Context, key string) error
	// DeleteStaleCounters removes the counters whose window started before
	// before, and returns how many it removed.
	DeleteStaleCounters(ctx context.Context, before time.Time) (int, error)

	CreateOTP(ctx context.Context, id, phone, codeHash string, created, expires time.Time) error
	// ConsumeOTP marks the newest unexpired, unused code for phone used if
	// codeHash matches; otherwise it counts an attempt. It returns whether
	// the code matched.
	ConsumeOTP(ctx context.Context, phone, codeHash string, now time.Time, maxAttempts int) (bool, error)
	// DeleteExpiredOTPs removes the codes that expired at or before now,
	// and returns how many it removed.
	DeleteExpiredOTPs(ctx context.Context, now time.Time) (int, error)
}
