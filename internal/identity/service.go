package identity

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Notifier delivers messages to people; the notify module implements it.
type Notifier interface {
	// SendSMS queues a text message to a mainland mobile number.
	SendSMS(ctx context.Context, phone, purpose, body, accountID string) error
}

// Policy holds the security limits of the service. Start from
// DefaultPolicy; NewService fills zero fields with the defaults.
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
//
// Its methods are spread over files by concern: accounts.go (creating,
// reading, changing accounts), login.go (passwords, throttling, lockout),
// otp.go (phone one-time codes), sessions.go, audit.go and authz.go (who
// may see and administer what).
type Service struct {
	store  Store
	notify Notifier
	policy Policy
	now    func() time.Time
	log    *slog.Logger

	dummyOnce sync.Once
	dummyHash string // hash checked for unknown accounts, so they cost as much as known ones
}

// NewService returns a service on store that sends one-time codes through
// notify, enforcing policy. now may be nil for time.Now; log may be nil for
// slog.Default(). Zero fields of policy take their DefaultPolicy values.
func NewService(store Store, notify Notifier, policy Policy, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, notify: notify, policy: policy.withDefaults(), now: func() time.Time { return now().UTC() }, log: log}
}

// withDefaults fills zero fields of p from DefaultPolicy.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setD := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&p.MaxFailures, d.MaxFailures)
	setD(&p.LockoutFor, d.LockoutFor)
	set(&p.IPMaxFailures, d.IPMaxFailures)
	setD(&p.IPWindow, d.IPWindow)
	setD(&p.SessionTTL, d.SessionTTL)
	setD(&p.OTPTTL, d.OTPTTL)
	set(&p.OTPMaxAttempts, d.OTPMaxAttempts)
	setD(&p.OTPInterval, d.OTPInterval)
	set(&p.OTPPerHour, d.OTPPerHour)
	set(&p.OTPPerIPPerHour, d.OTPPerIPPerHour)
	set(&p.MinPasswordLength, d.MinPasswordLength)
	return p
}

// Policy returns the limits in force.
func (s *Service) Policy() Policy { return s.policy }
