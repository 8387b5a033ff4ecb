package sso

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Accounts is what the provider needs from the identity service
// (identity.Service implements it).
type Accounts interface {
	AccountByID(ctx context.Context, id string) (*identity.Account, error)
	AccountByIDNumber(ctx context.Context, idNumber string) (*identity.Account, error)
	CreateAccount(ctx context.Context, actor *identity.Account, n identity.NewAccount, c identity.Client) (*identity.Account, error)
	Record(ctx context.Context, e identity.AuthEvent) error
}

// Config holds the provider's lifetimes. The zero value is not valid:
// start from DefaultConfig.
type Config struct {
	AuthRequestTTL  time.Duration // time to sign in and consent; default 15m
	CodeTTL         time.Duration // validity of an authorization code; default 1m
	AccessTokenTTL  time.Duration // default 1h
	IDTokenTTL      time.Duration // default 1h
	RefreshTokenTTL time.Duration // idle lifetime of a refresh token; default 30 days
	KeyMaxAge       time.Duration // the signing key rotates when older; default 30 days
	// KeyRetention is how long a replaced key stays published; it must
	// exceed IDTokenTTL so every ID token it signed can still be checked.
	// Default 24h.
	KeyRetention time.Duration
	// FederationTTL is the time an upstream login may take; default 10m.
	FederationTTL time.Duration
}

// DefaultConfig returns the default lifetimes.
func DefaultConfig() Config {
	return Config{
		AuthRequestTTL:  15 * time.Minute,
		CodeTTL:         time.Minute,
		AccessTokenTTL:  time.Hour,
		IDTokenTTL:      time.Hour,
		RefreshTokenTTL: 30 * 24 * time.Hour,
		KeyMaxAge:       30 * 24 * time.Hour,
		KeyRetention:    24 * time.Hour,
		FederationTTL:   10 * time.Minute,
	}
}

// Validate reports a lifetime that does not make sense.
func (c Config) Validate() error {
	for name, d := range map[string]time.Duration{
		"auth request TTL": c.AuthRequestTTL, "code TTL": c.CodeTTL, "access token TTL": c.AccessTokenTTL,
		"ID token TTL": c.IDTokenTTL, "refresh token TTL": c.RefreshTokenTTL, "key max age": c.KeyMaxAge,
		"federation TTL": c.FederationTTL,
	} {
		if d <= 0 {
			return fmt.Errorf("sso config: %s must be positive", name)
		}
	}
	if c.KeyRetention <= c.IDTokenTTL {
		return fmt.Errorf("sso config: key retention %s must exceed the ID token lifetime %s", c.KeyRetention, c.IDTokenTTL)
	}
	return nil
}

// Service is the single sign-on service. It is safe for concurrent use
// once Start has returned.
type Service struct {
	store    Store
	accounts Accounts
	cfg      Config
	now      func() time.Time
	log      *slog.Logger
	sealer   *Sealer

	parsedKeys sync.Map // signing key id → *rsa.PrivateKey
}

// NewService returns a service on store. now may be nil for time.Now; log
// may be nil for slog.Default. Call Start before serving.
func NewService(store Store, accounts Accounts, cfg Config, now func() time.Time, log *slog.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, accounts: accounts, cfg: cfg, now: func() time.Time { return now().UTC() }, log: log}, nil
}

// Config returns the service's lifetimes.
func (s *Service) Config() Config { return s.cfg }

// Now returns the service's current time (UTC).
func (s *Service) Now() time.Time { return s.now() }

// sealKeyName names the shared secret that seals tokens and codes.
const sealKeyName = "op_crypto_key"

// Start loads (or, on the very first start, generates and stores) the key
// that seals tokens, and makes sure a fresh signing key exists. Every
// instance sharing the database ends up with the same keys.
func (s *Service) Start(ctx context.Context) error {
	raw, err := s.store.EnsureSecret(ctx, sealKeyName, ids.Token(32), s.now())
	if err != nil {
		return fmt.Errorf("load token sealing key: %w", err)
	}
	key, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(key) != 32 {
		return fmt.Errorf("load token sealing key: stored value is not 32 bytes of base64url")
	}
	s.sealer, err = NewSealer([32]byte(key))
	if err != nil {
		return err
	}
	if _, err := s.EnsureKeys(ctx); err != nil {
		return err
	}
	return nil
}

// Sealer returns the sealer of tokens and codes; nil before Start.
func (s *Service) Sealer() *Sealer { return s.sealer }

// Housekeeping rotates the signing key when it is older than KeyMaxAge,
// deletes retired keys past their retention and expired requests, tokens
// and federation states. Call it periodically (every few minutes); it is
// safe to run on several instances at once.
func (s *Service) Housekeeping(ctx context.Context) error {
	_, kerr := s.EnsureKeys(ctx)
	n, derr := s.store.DeleteExpired(ctx, s.now())
	if derr == nil && n > 0 {
		s.log.DebugContext(ctx, "sso: deleted expired rows", "rows", n)
	}
	return errors.Join(kerr, derr)
}

// Run calls Housekeeping every interval until ctx ends, logging failures.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Housekeeping(ctx); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "sso maintenance", "err", err)
			}
		}
	}
}

// requireAdmin checks that actor may administer the provider: nil is the
// system (command line), otherwise a platform administrator.
func requireAdmin(actor *identity.Account) error {
	if actor == nil || actor.HasRole(identity.PlatformAdmin) {
		return nil
	}
	return errs.E(errs.Forbidden, "sso.forbidden",
		"只有平台管理员可以管理统一身份认证的接入应用和上级认证平台",
		"only platform administrators may manage single sign-on clients and upstream issuers")
}

// record appends an audit event, logging (not failing) when it cannot.
func (s *Service) record(ctx context.Context, e identity.AuthEvent) {
	if e.At.IsZero() {
		e.At = s.now()
	}
	if err := s.accounts.Record(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "sso: record audit event", "kind", e.Kind, "err", err)
	}
}
