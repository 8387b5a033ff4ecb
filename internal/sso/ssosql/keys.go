package ssosql

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

// CreateSigningKey implements sso.KeyStore.
func (s *Store) CreateSigningKey(ctx context.Context, k *sso.SigningKey) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sso_signing_keys (id, generation, algorithm, private_key, created_at, retired_at)
		VALUES (?, ?, ?, ?, ?, ?)`, k.ID, k.Generation, k.Algorithm, k.PrivateKeyPEM, k.CreatedAt.UTC(), nullTime(k.RetiredAt))
	if err != nil {
		return fmt.Errorf("insert signing key: %w", conflict(err, "签名密钥"))
	}
	return nil
}

// FindSigningKeys implements sso.KeyStore.
func (s *Store) FindSigningKeys(ctx context.Context) ([]*sso.SigningKey, error) {
	rows, err := s.db.Query(ctx, `SELECT id, generation, algorithm, private_key, created_at, retired_at
		FROM sso_signing_keys ORDER BY generation DESC`)
	if err != nil {
		return nil, fmt.Errorf("find signing keys: %w", err)
	}
	defer rows.Close()
	var out []*sso.SigningKey
	for rows.Next() {
		var k sso.SigningKey
		var retired sql.NullTime
		if err := rows.Scan(&k.ID, &k.Generation, &k.Algorithm, &k.PrivateKeyPEM, &k.CreatedAt, &retired); err != nil {
			return nil, fmt.Errorf("scan signing key: %w", err)
		}
		k.CreatedAt, k.RetiredAt = k.CreatedAt.UTC(), timeOf(retired)
		out = append(out, &k)
	}
	return out, rows.Err()
}

// RetireSigningKeys implements sso.KeyStore.
func (s *Store) RetireSigningKeys(ctx context.Context, belowGeneration int, at time.Time) error {
	if _, err := s.db.Exec(ctx, `UPDATE sso_signing_keys SET retired_at = ? WHERE generation < ? AND retired_at IS NULL`,
		at.UTC(), belowGeneration); err != nil {
		return fmt.Errorf("retire signing keys: %w", err)
	}
	return nil
}

// DeleteSigningKey implements sso.KeyStore.
func (s *Store) DeleteSigningKey(ctx context.Context, id string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM sso_signing_keys WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete signing key: %w", err)
	}
	return nil
}

// EnsureSecret implements sso.KeyStore.
func (s *Store) EnsureSecret(ctx context.Context, name, value string, now time.Time) (string, error) {
	if _, err := s.db.Exec(ctx, `INSERT INTO sso_secrets (name, value, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, value, now.UTC()); err != nil {
		return "", fmt.Errorf("ensure secret %s: %w", name, err)
	}
	var v string
	if err := s.db.QueryRow(ctx, `SELECT value FROM sso_secrets WHERE name = ?`, name).Scan(&v); err != nil {
		return "", fmt.Errorf("read secret %s: %w", name, err)
	}
	return v, nil
}
