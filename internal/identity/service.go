package identity

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// errTODO marks methods whose implementation is being written.
var errTODO = errors.New("identity: not implemented yet")

// Notifier delivers messages to people; the notify module implements it.
type Notifier interface {
	// SendSMS queues a text message to a mainland mobile number.
	SendSMS(ctx context.Context, phone, purpose, body, accountID string) error
}

// Policy holds the security limits of the service. The zero value is not
// valid: start from DefaultPolicy.
type Policy struct {
	MaxFailures       int           // failed passwords before an account locks; default 5
	LockoutFor        time.Duration // how long a lockout lasts; default 15m
	IPMaxFailures     int           // failed logins per client address per IPWindow; default 20
	IPWindow          time.Duration // default 15m
	SessionTTL        time.Duration // idle lifetime of a session; default 12h
	OTPTTL            time.Duration // validity of a one-time code; default 5m
	OTPMaxAttempts    int           // wrong guesses before a code is burnt; default 5
	OTPInterval       time.Duration // minimum time between two codes to a phone; default 60s
	OTPPerHour        int           // codes per phone per hour; default 5
	OTPPerIPPerHour   int           // codes per client address per hour; default 20
	MinPasswordLength int           // default 8
}

// DefaultPolicy returns the default limits.
func DefaultPolicy() Policy {
	return Policy{
		MaxFailures: 5, LockoutFor: 15 * time.Minute,
		IPMaxFailures: 20, IPWindow: 15 * time.Minute,
		SessionTTL: 12 * time.Hour,
		OTPTTL:     5 * time.Minute, OTPMaxAttempts: 5, OTPInterval: time.Minute, OTPPerHour: 5, OTPPerIPPerHour: 20,
		MinPasswordLength: 8,
	}
}

// Client describes where a request comes from, for throttling and the audit log.
type Client struct {
	IP        string
	UserAgent string
}

// NewAccount is the input to CreateAccount.
type NewAccount struct {
	Kind        Kind
	Username    string // staff: chosen login name; persons and enterprises: derived from the number when empty
	DisplayName string
	IDNumber    string
	IDVerified  bool
	USCC        string
	Phone       string
	Email       string
	Department  string
	Roles       []Role
	Password    string // may be empty for phone-code-only or federated accounts
	Lang        string
}

// Service is the identity service. It is safe for concurrent use.
type Service struct {
	store  Store
	notify Notifier
	policy Policy
	now    func() time.Time
	log    *slog.Logger
}

// NewService returns a service on store. now may be nil for time.Now.
func NewService(store Store, notify Notifier, policy Policy, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, notify: notify, policy: policy, now: func() time.Time { return now().UTC() }, log: log}
}

// CreateAccount validates n and creates the account. actor is nil for the
// system (CLI, demo seed, federation); otherwise it must be a platform
// admin, or a department admin creating staff of their own department.
func (s *Service) CreateAccount(ctx context.Context, actor *Account, n NewAccount, c Client) (*Account, error) {
	return nil, errTODO
}

// Login checks a password for the account named by login (username,
// identity number, credit code or phone) and starts a session, returning
// the session's secret token. Failures are throttled per account and per
// client address; repeated failures lock the account.
func (s *Service) Login(ctx context.Context, login, password string, c Client) (*Account, *Session, string, error) {
	return nil, nil, "", errTODO
}

// SendLoginCode sends a one-time login code to the phone of a person account.
func (s *Service) SendLoginCode(ctx context.Context, phone string, c Client) error {
	return errTODO
}

// LoginWithCode checks a one-time code and starts a session.
func (s *Service) LoginWithCode(ctx context.Context, phone, code string, c Client) (*Account, *Session, string, error) {
	return nil, nil, "", errTODO
}

// StartSession starts a session for an already authenticated account
// (federated login). method is recorded on the session and in the audit log.
func (s *Service) StartSession(ctx context.Context, a *Account, method string, c Client) (*Session, string, error) {
	return nil, "", errTODO
}

// Authenticate returns the account and session for a session token, sliding
// the session's expiry. It returns errs.Unauthenticated for unknown or
// expired tokens and for disabled accounts.
func (s *Service) Authenticate(ctx context.Context, token string) (*Account, *Session, error) {
	return nil, nil, errTODO
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, sess *Session, c Client) error {
	return errTODO
}

// ChangePassword changes a's own password after checking the old one.
func (s *Service) ChangePassword(ctx context.Context, a *Account, oldPassword, newPassword string, c Client) error {
	return errTODO
}

// ResetPassword sets another account's password (administrators) and ends
// its sessions.
func (s *Service) ResetPassword(ctx context.Context, actor *Account, accountID, newPassword string, c Client) error {
	return errTODO
}

// Account returns the account with id if actor may see it: itself, a
// platform admin, or a department admin for staff of their department.
func (s *Service) Account(ctx context.Context, actor *Account, id string) (*Account, error) {
	return nil, errTODO
}

// AccountByID returns an account for the system (no authorisation check),
// e.g. for the OpenID Connect provider.
func (s *Service) AccountByID(ctx context.Context, id string) (*Account, error) {
	return nil, errTODO
}

// AccountByIDNumber returns the person account with a verified identity
// number, for the system (federation).
func (s *Service) AccountByIDNumber(ctx context.Context, idNumber string) (*Account, error) {
	return nil, errTODO
}

// Accounts lists the accounts actor may administer.
func (s *Service) Accounts(ctx context.Context, actor *Account, f AccountFilter) ([]*Account, int, error) {
	return nil, 0, errTODO
}

// UpdateAccount changes an account actor may administer.
func (s *Service) UpdateAccount(ctx context.Context, actor *Account, id string, u AccountUpdate, c Client) (*Account, error) {
	return nil, errTODO
}

// Events lists audit events actor may read.
func (s *Service) Events(ctx context.Context, actor *Account, f EventFilter) ([]*AuthEvent, int, error) {
	return nil, 0, errTODO
}

// Record appends an audit event (e.g. a token issued by the OpenID Connect
// provider).
func (s *Service) Record(ctx context.Context, e AuthEvent) error {
	return errTODO
}

// CountAccounts returns how many accounts exist (the demo seeds when zero).
func (s *Service) CountAccounts(ctx context.Context) (int, error) {
	return 0, errTODO
}
