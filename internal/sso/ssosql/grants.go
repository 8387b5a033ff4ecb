package ssosql

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

const authRequestColumns = `id, client_id, redirect_uri, scopes, state, nonce, response_type, response_mode, prompt,
	max_age, login_hint, hint_subject, ui_locales, code_challenge, code_challenge_method, account_id, auth_time, amr,
	created_at, expires_at`

func scanAuthRequest(row interface{ Scan(...any) error }) (*sso.AuthRequest, error) {
	var a sso.AuthRequest
	var scopes, prompt, locales, amr string
	var maxAge sql.NullInt64
	var account sql.NullString
	var authTime sql.NullTime
	if err := row.Scan(&a.ID, &a.ClientID, &a.RedirectURI, &scopes, &a.State, &a.Nonce, &a.ResponseType,
		&a.ResponseMode, &prompt, &maxAge, &a.LoginHint, &a.HintSubject, &locales, &a.CodeChallenge,
		&a.CodeChallengeMethod, &account, &authTime, &amr, &a.CreatedAt, &a.ExpiresAt); err != nil {
		return nil, err
	}
	a.Scopes, a.Prompt, a.UILocales, a.AMR = split[string](scopes), split[string](prompt), split[string](locales), split[string](amr)
	a.MaxAge = -1
	if maxAge.Valid {
		a.MaxAge = int(maxAge.Int64)
	}
	a.AccountID, a.AuthTime = account.String, timeOf(authTime)
	a.CreatedAt, a.ExpiresAt = a.CreatedAt.UTC(), a.ExpiresAt.UTC()
	return &a, nil
}

// CreateAuthRequest implements sso.GrantStore.
func (s *Store) CreateAuthRequest(ctx context.Context, a *sso.AuthRequest) error {
	maxAge := sql.NullInt64{Int64: int64(a.MaxAge), Valid: a.MaxAge >= 0}
	_, err := s.db.Exec(ctx, `INSERT INTO sso_auth_requests (id, client_id, redirect_uri, scopes, state, nonce,
		response_type, response_mode, prompt, max_age, login_hint, hint_subject, ui_locales, code_challenge,
		code_challenge_method, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.ClientID, a.RedirectURI, list(a.Scopes), a.State, a.Nonce, a.ResponseType, a.ResponseMode,
		list(a.Prompt), maxAge, a.LoginHint, a.HintSubject, list(a.UILocales), a.CodeChallenge,
		a.CodeChallengeMethod, a.CreatedAt.UTC(), a.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("insert auth request: %w", conflict(err, "登录请求"))
	}
	return nil
}

// FindAuthRequest implements sso.GrantStore.
func (s *Store) FindAuthRequest(ctx context.Context, id string, now time.Time) (*sso.AuthRequest, error) {
	a, err := scanAuthRequest(s.db.QueryRow(ctx, `SELECT `+authRequestColumns+` FROM sso_auth_requests
		WHERE id = ? AND expires_at > ?`, id, now.UTC()))
	if err != nil {
		return nil, fmt.Errorf("find auth request %s: %w", id, notFound(err, "登录请求"))
	}
	return a, nil
}

// CompleteAuthRequest implements sso.GrantStore.
func (s *Store) CompleteAuthRequest(ctx context.Context, id, accountID string, authTime time.Time, amr []string) error {
	res, err := s.db.Exec(ctx, `UPDATE sso_auth_requests SET account_id = ?, auth_time = ?, amr = ?
		WHERE id = ? AND code_hash IS NULL`, accountID, authTime.UTC(), list(amr), id)
	if err := mustAffect(res, err, "登录请求"); err != nil {
		return fmt.Errorf("complete auth request %s: %w", id, err)
	}
	return nil
}

// SetAuthCode implements sso.GrantStore.
func (s *Store) SetAuthCode(ctx context.Context, id, codeHash string, expires time.Time) error {
	res, err := s.db.Exec(ctx, `UPDATE sso_auth_requests SET code_hash = ?,
		expires_at = CASE WHEN expires_at < ? THEN expires_at ELSE ? END
		WHERE id = ? AND account_id IS NOT NULL AND code_hash IS NULL`, codeHash, expires.UTC(), expires.UTC(), id)
	if err := mustAffect(res, conflict(err, "授权码"), "登录请求"); err != nil {
		return fmt.Errorf("set auth code %s: %w", id, err)
	}
	return nil
}

// RedeemAuthCode implements sso.GrantStore.
func (s *Store) RedeemAuthCode(ctx context.Context, codeHash string, now time.Time) (*sso.AuthRequest, error) {
	// A statement that writes runs on the writer, hence the transaction.
	var a *sso.AuthRequest
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		var err error
		a, err = scanAuthRequest(tx.QueryRow(ctx, `UPDATE sso_auth_requests SET code_used_at = ?
			WHERE code_hash = ? AND code_used_at IS NULL AND expires_at > ? RETURNING `+authRequestColumns,
			now.UTC(), codeHash, now.UTC()))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("redeem auth code: %w", notFound(err, "授权码"))
	}
	return a, nil
}

// DeleteAuthRequest implements sso.GrantStore; deleting a request that is
// gone is not an error.
func (s *Store) DeleteAuthRequest(ctx context.Context, id string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM sso_auth_requests WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete auth request %s: %w", id, err)
	}
	return nil
}

const accessTokenColumns = `id, grant_id, client_id, account_id, scopes, audience, created_at, expires_at, revoked_at`

// CreateAccessToken implements sso.GrantStore.
func (s *Store) CreateAccessToken(ctx context.Context, t *sso.AccessToken) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sso_access_tokens (`+accessTokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.GrantID, t.ClientID, nullString(t.AccountID), list(t.Scopes), list(t.Audience),
		t.CreatedAt.UTC(), t.ExpiresAt.UTC(), nullTime(t.RevokedAt))
	if err != nil {
		return fmt.Errorf("insert access token: %w", conflict(err, "访问令牌"))
	}
	return nil
}

// FindAccessToken implements sso.GrantStore.
func (s *Store) FindAccessToken(ctx context.Context, id string) (*sso.AccessToken, error) {
	var t sso.AccessToken
	var account sql.NullString
	var scopes, aud string
	var revoked sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT `+accessTokenColumns+` FROM sso_access_tokens WHERE id = ?`, id).Scan(
		&t.ID, &t.GrantID, &t.ClientID, &account, &scopes, &aud, &t.CreatedAt, &t.ExpiresAt, &revoked)
	if err != nil {
		return nil, fmt.Errorf("find access token: %w", notFound(err, "访问令牌"))
	}
	t.AccountID, t.Scopes, t.Audience, t.RevokedAt = account.String, split[string](scopes), split[string](aud), timeOf(revoked)
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	return &t, nil
}

const refreshTokenColumns = `id, grant_id, client_id, account_id, scopes, audience, amr, auth_time, created_at,
	expires_at, used_at, revoked_at`

// CreateRefreshToken implements sso.GrantStore.
func (s *Store) CreateRefreshToken(ctx context.Context, t *sso.RefreshToken, tokenHash string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sso_refresh_tokens (`+refreshTokenColumns+`, token_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.GrantID, t.ClientID, t.AccountID, list(t.Scopes), list(t.Audience), list(t.AMR), t.AuthTime.UTC(),
		t.CreatedAt.UTC(), t.ExpiresAt.UTC(), nullTime(t.UsedAt), nullTime(t.RevokedAt), tokenHash)
	if err != nil {
		return fmt.Errorf("insert refresh token: %w", conflict(err, "刷新令牌"))
	}
	return nil
}

func (s *Store) findRefreshToken(ctx context.Context, where string, arg any) (*sso.RefreshToken, error) {
	var t sso.RefreshToken
	var scopes, aud, amr string
	var used, revoked sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT `+refreshTokenColumns+` FROM sso_refresh_tokens WHERE `+where, arg).Scan(
		&t.ID, &t.GrantID, &t.ClientID, &t.AccountID, &scopes, &aud, &amr, &t.AuthTime, &t.CreatedAt,
		&t.ExpiresAt, &used, &revoked)
	if err != nil {
		return nil, fmt.Errorf("find refresh token: %w", notFound(err, "刷新令牌"))
	}
	t.Scopes, t.Audience, t.AMR = split[string](scopes), split[string](aud), split[string](amr)
	t.UsedAt, t.RevokedAt = timeOf(used), timeOf(revoked)
	t.AuthTime, t.CreatedAt, t.ExpiresAt = t.AuthTime.UTC(), t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	return &t, nil
}

// FindRefreshToken implements sso.GrantStore.
func (s *Store) FindRefreshToken(ctx context.Context, tokenHash string) (*sso.RefreshToken, error) {
	return s.findRefreshToken(ctx, `token_hash = ?`, tokenHash)
}

// FindRefreshTokenByID implements sso.GrantStore.
func (s *Store) FindRefreshTokenByID(ctx context.Context, id string) (*sso.RefreshToken, error) {
	return s.findRefreshToken(ctx, `id = ?`, id)
}

// UseRefreshToken implements sso.GrantStore.
func (s *Store) UseRefreshToken(ctx context.Context, id string, now time.Time) error {
	res, err := s.db.Exec(ctx, `UPDATE sso_refresh_tokens SET used_at = ?
		WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`, now.UTC(), id)
	if err != nil {
		return fmt.Errorf("use refresh token: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errs.E(errs.Conflict, "token.refresh_used", "刷新令牌已被使用或撤销", "the refresh token was already used or revoked")
	}
	return nil
}

// RevokeAccessToken implements sso.GrantStore.
func (s *Store) RevokeAccessToken(ctx context.Context, id string, now time.Time) error {
	if _, err := s.db.Exec(ctx, `UPDATE sso_access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
		now.UTC(), id); err != nil {
		return fmt.Errorf("revoke access token: %w", err)
	}
	return nil
}

// revoke sets revoked_at on the unrevoked tokens of both tables matching where.
func (s *Store) revoke(ctx context.Context, now time.Time, where string, args ...any) error {
	for _, table := range []string{"sso_access_tokens", "sso_refresh_tokens"} {
		q := `UPDATE ` + table + ` SET revoked_at = ? WHERE revoked_at IS NULL AND ` + where
		if _, err := s.db.Exec(ctx, q, append([]any{now.UTC()}, args...)...); err != nil {
			return fmt.Errorf("revoke %s: %w", table, err)
		}
	}
	return nil
}

// RevokeGrant implements sso.GrantStore.
func (s *Store) RevokeGrant(ctx context.Context, grantID string, now time.Time) error {
	return s.revoke(ctx, now, `grant_id = ?`, grantID)
}

// RevokeClientTokens implements sso.GrantStore.
func (s *Store) RevokeClientTokens(ctx context.Context, accountID, clientID string, now time.Time) error {
	return s.revoke(ctx, now, `account_id = ? AND client_id = ?`, accountID, clientID)
}

// DeleteExpired implements sso.GrantStore. Tokens are kept a day past
// expiry so that a late revocation or introspection still finds them.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for _, q := range []struct {
		sql string
		at  time.Time
	}{
		{`DELETE FROM sso_auth_requests WHERE expires_at <= ?`, now},
		{`DELETE FROM sso_federation_states WHERE expires_at <= ?`, now},
		{`DELETE FROM sso_access_tokens WHERE expires_at <= ?`, now.Add(-24 * time.Hour)},
		{`DELETE FROM sso_refresh_tokens WHERE expires_at <= ?`, now.Add(-24 * time.Hour)},
	} {
		res, err := s.db.Exec(ctx, q.sql, q.at.UTC())
		if err != nil {
			return total, fmt.Errorf("delete expired: %w", err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}
