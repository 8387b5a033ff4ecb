package ssosql

import (
	"context"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

// FindConsent implements sso.ConsentStore.
func (s *Store) FindConsent(ctx context.Context, accountID, clientID string) (*sso.Consent, error) {
	c := sso.Consent{AccountID: accountID, ClientID: clientID}
	var scopes string
	err := s.db.QueryRow(ctx, `SELECT scopes, granted_at FROM sso_consents WHERE account_id = ? AND client_id = ?`,
		accountID, clientID).Scan(&scopes, &c.GrantedAt)
	if err != nil {
		return nil, fmt.Errorf("find consent: %w", notFound(err, "授权同意记录"))
	}
	c.Scopes, c.GrantedAt = split[string](scopes), c.GrantedAt.UTC()
	return &c, nil
}

// FindConsents implements sso.ConsentStore.
func (s *Store) FindConsents(ctx context.Context, accountID string) ([]*sso.Consent, error) {
	rows, err := s.db.Query(ctx, `SELECT client_id, scopes, granted_at FROM sso_consents WHERE account_id = ?
		ORDER BY granted_at DESC, client_id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("find consents: %w", err)
	}
	defer rows.Close()
	var out []*sso.Consent
	for rows.Next() {
		c := &sso.Consent{AccountID: accountID}
		var scopes string
		if err := rows.Scan(&c.ClientID, &scopes, &c.GrantedAt); err != nil {
			return nil, fmt.Errorf("scan consent: %w", err)
		}
		c.Scopes, c.GrantedAt = split[string](scopes), c.GrantedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveConsent implements sso.ConsentStore.
func (s *Store) SaveConsent(ctx context.Context, c *sso.Consent) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sso_consents (account_id, client_id, scopes, granted_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, client_id) DO UPDATE SET scopes = excluded.scopes, granted_at = excluded.granted_at`,
		c.AccountID, c.ClientID, list(c.Scopes), c.GrantedAt.UTC())
	if err != nil {
		return fmt.Errorf("save consent: %w", err)
	}
	return nil
}

// DeleteConsent implements sso.ConsentStore.
func (s *Store) DeleteConsent(ctx context.Context, accountID, clientID string) error {
	res, err := s.db.Exec(ctx, `DELETE FROM sso_consents WHERE account_id = ? AND client_id = ?`, accountID, clientID)
	if err := mustAffect(res, err, "授权同意记录"); err != nil {
		return fmt.Errorf("delete consent: %w", err)
	}
	return nil
}

const providerColumns = `id, name, issuer, client_id, client_secret, scopes, id_number_claim, enabled, created_at, updated_at`

func scanProvider(row interface{ Scan(...any) error }) (*sso.FederationProvider, error) {
	var p sso.FederationProvider
	var scopes string
	if err := row.Scan(&p.ID, &p.Name, &p.Issuer, &p.ClientID, &p.ClientSecret, &scopes, &p.IDNumberClaim,
		&p.Enabled, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	p.Scopes, p.CreatedAt, p.UpdatedAt = split[string](scopes), p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

// CreateFederationProvider implements sso.FederationStore.
func (s *Store) CreateFederationProvider(ctx context.Context, p *sso.FederationProvider) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sso_federation_providers (`+providerColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Name, p.Issuer, p.ClientID, p.ClientSecret, list(p.Scopes),
		p.IDNumberClaim, p.Enabled, p.CreatedAt.UTC(), p.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert federation provider: %w", conflict(err, "上级认证平台"))
	}
	return nil
}

// UpdateFederationProvider implements sso.FederationStore.
func (s *Store) UpdateFederationProvider(ctx context.Context, p *sso.FederationProvider) error {
	res, err := s.db.Exec(ctx, `UPDATE sso_federation_providers SET name = ?, issuer = ?, client_id = ?,
		client_secret = ?, scopes = ?, id_number_claim = ?, enabled = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.Issuer, p.ClientID, p.ClientSecret, list(p.Scopes), p.IDNumberClaim, p.Enabled, p.UpdatedAt.UTC(), p.ID)
	if err := mustAffect(res, err, "上级认证平台"); err != nil {
		return fmt.Errorf("update federation provider %s: %w", p.ID, err)
	}
	return nil
}

// FindFederationProvider implements sso.FederationStore.
func (s *Store) FindFederationProvider(ctx context.Context, id string) (*sso.FederationProvider, error) {
	p, err := scanProvider(s.db.QueryRow(ctx, `SELECT `+providerColumns+` FROM sso_federation_providers WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find federation provider %s: %w", id, notFound(err, "上级认证平台"))
	}
	return p, nil
}

// FindFederationProviders implements sso.FederationStore.
func (s *Store) FindFederationProviders(ctx context.Context) ([]*sso.FederationProvider, error) {
	rows, err := s.db.Query(ctx, `SELECT `+providerColumns+` FROM sso_federation_providers ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("find federation providers: %w", err)
	}
	defer rows.Close()
	var out []*sso.FederationProvider
	for rows.Next() {
		p, err := scanProvider(rows)
		if err != nil {
			return nil, fmt.Errorf("scan federation provider: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreateFederatedIdentity implements sso.FederationStore.
func (s *Store) CreateFederatedIdentity(ctx context.Context, f *sso.FederatedIdentity) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sso_federated_identities (provider_id, subject, account_id, created_at, last_login_at)
		VALUES (?, ?, ?, ?, ?)`, f.ProviderID, f.Subject, f.AccountID, f.CreatedAt.UTC(), f.LastLoginAt.UTC())
	if err != nil {
		return fmt.Errorf("insert federated identity: %w", conflict(err, "关联身份"))
	}
	return nil
}

// FindFederatedIdentity implements sso.FederationStore.
func (s *Store) FindFederatedIdentity(ctx context.Context, providerID, subject string) (*sso.FederatedIdentity, error) {
	f := sso.FederatedIdentity{ProviderID: providerID, Subject: subject}
	err := s.db.QueryRow(ctx, `SELECT account_id, created_at, last_login_at FROM sso_federated_identities
		WHERE provider_id = ? AND subject = ?`, providerID, subject).Scan(&f.AccountID, &f.CreatedAt, &f.LastLoginAt)
	if err != nil {
		return nil, fmt.Errorf("find federated identity: %w", notFound(err, "关联身份"))
	}
	f.CreatedAt, f.LastLoginAt = f.CreatedAt.UTC(), f.LastLoginAt.UTC()
	return &f, nil
}

// TouchFederatedIdentity implements sso.FederationStore.
func (s *Store) TouchFederatedIdentity(ctx context.Context, providerID, subject string, at time.Time) error {
	res, err := s.db.Exec(ctx, `UPDATE sso_federated_identities SET last_login_at = ? WHERE provider_id = ? AND subject = ?`,
		at.UTC(), providerID, subject)
	if err := mustAffect(res, err, "关联身份"); err != nil {
		return fmt.Errorf("touch federated identity: %w", err)
	}
	return nil
}

// CreateFederationState implements sso.FederationStore.
func (s *Store) CreateFederationState(ctx context.Context, st *sso.FederationState) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sso_federation_states (state_hash, provider_id, nonce, code_verifier, next,
		created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, st.StateHash, st.ProviderID, st.Nonce, st.CodeVerifier,
		st.Next, st.CreatedAt.UTC(), st.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("insert federation state: %w", conflict(err, "登录状态"))
	}
	return nil
}

// ConsumeFederationState implements sso.FederationStore.
func (s *Store) ConsumeFederationState(ctx context.Context, stateHash string, now time.Time) (*sso.FederationState, error) {
	var st sso.FederationState
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `DELETE FROM sso_federation_states WHERE state_hash = ? AND expires_at > ?
			RETURNING state_hash, provider_id, nonce, code_verifier, next, created_at, expires_at`, stateHash, now.UTC()).Scan(
			&st.StateHash, &st.ProviderID, &st.Nonce, &st.CodeVerifier, &st.Next, &st.CreatedAt, &st.ExpiresAt)
	})
	if err != nil {
		return nil, fmt.Errorf("consume federation state: %w", notFound(err, "登录状态"))
	}
	st.CreatedAt, st.ExpiresAt = st.CreatedAt.UTC(), st.ExpiresAt.UTC()
	return &st, nil
}
