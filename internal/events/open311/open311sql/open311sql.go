// Package open311sql stores Open311 clients' API keys (hashed) and the
// contact details of their submissions in the platform database, on
// SQLite and PostgreSQL alike.
package open311sql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
)

// Store implements open311.Store on a *db.DB.
type Store struct{ db *db.DB }

var _ open311.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

const keyCols = `id, name, prefix, created_at, created_by, revoked_at`

func scanKey(sc interface{ Scan(...any) error }) (*open311.Key, error) {
	k := &open311.Key{}
	var revoked sql.NullTime
	if err := sc.Scan(&k.ID, &k.Name, &k.Prefix, &k.CreatedAt, &k.CreatedBy, &revoked); err != nil {
		return nil, err
	}
	k.CreatedAt = k.CreatedAt.UTC()
	if revoked.Valid {
		k.RevokedAt = revoked.Time.UTC()
	}
	return k, nil
}

var errNoKey = errs.E(errs.NotFound, "open311.key.not_found", "密钥不存在", "There is no such key.")

// AddKey implements open311.KeyStore.
func (s *Store) AddKey(ctx context.Context, k *open311.Key, hash string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO open311_keys (id, name, prefix, key_hash, created_at, created_by, revoked_at)
		VALUES (?, ?, ?, ?, ?, ?, NULL)`, k.ID, k.Name, k.Prefix, hash, k.CreatedAt.UTC(), k.CreatedBy)
	if db.IsUniqueViolation(err) {
		return &errs.Error{Kind: errs.Conflict, Code: "open311.key.conflict", Msg: "密钥名称已被使用", MsgEN: "the key's name is taken", Err: err}
	}
	if err != nil {
		return fmt.Errorf("insert open311 key: %w", err)
	}
	return nil
}

// Keys implements open311.KeyStore.
func (s *Store) Keys(ctx context.Context) ([]*open311.Key, error) {
	rows, err := s.db.Query(ctx, `SELECT `+keyCols+` FROM open311_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("query open311 keys: %w", err)
	}
	defer rows.Close()
	var out []*open311.Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("scan open311 key: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// KeyByID implements open311.KeyStore.
func (s *Store) KeyByID(ctx context.Context, id string) (*open311.Key, error) {
	return s.key(ctx, `id`, id)
}

// KeyByHash implements open311.KeyStore.
func (s *Store) KeyByHash(ctx context.Context, hash string) (*open311.Key, error) {
	return s.key(ctx, `key_hash`, hash)
}

func (s *Store) key(ctx context.Context, col, v string) (*open311.Key, error) {
	k, err := scanKey(s.db.QueryRow(ctx, `SELECT `+keyCols+` FROM open311_keys WHERE `+col+` = ?`, v))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoKey
	}
	if err != nil {
		return nil, fmt.Errorf("find open311 key: %w", err)
	}
	return k, nil
}

// RevokeKey implements open311.KeyStore.
func (s *Store) RevokeKey(ctx context.Context, id string, at time.Time) error {
	res, err := s.db.Exec(ctx, `UPDATE open311_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, at.UTC(), id)
	if err != nil {
		return fmt.Errorf("revoke open311 key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("rows affected: %w", err)
	} else if n == 0 {
		return errNoKey
	}
	return nil
}

// AddSubmission implements open311.Store.
func (s *Store) AddSubmission(ctx context.Context, sub *open311.Submission) error {
	attrs := ""
	if len(sub.Attributes) > 0 {
		b, err := json.Marshal(sub.Attributes)
		if err != nil {
			return fmt.Errorf("encode attributes: %w", err)
		}
		attrs = string(b)
	}
	_, err := s.db.Exec(ctx, `INSERT INTO open311_submissions (ref, key_id, email, first_name, last_name, phone, device_id,
		account_id, media_url, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sub.Ref, sub.KeyID, sub.Email, sub.FirstName, sub.LastName, sub.Phone, sub.DeviceID, sub.AccountID, sub.MediaURL,
		attrs, sub.CreatedAt.UTC())
	if db.IsUniqueViolation(err) {
		return &errs.Error{Kind: errs.Conflict, Code: "open311.submission.conflict", Msg: "提交已存在", MsgEN: "the submission exists", Err: err}
	}
	if db.IsForeignKeyViolation(err) {
		return &errs.Error{Kind: errs.Invalid, Code: "open311.submission.key", Msg: "密钥不存在", MsgEN: "unknown key", Err: err}
	}
	if err != nil {
		return fmt.Errorf("insert open311 submission: %w", err)
	}
	return nil
}

// DeleteSubmission implements open311.Store.
func (s *Store) DeleteSubmission(ctx context.Context, ref string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM open311_submissions WHERE ref = ?`, ref); err != nil {
		return fmt.Errorf("delete open311 submission: %w", err)
	}
	return nil
}

// Submissions implements open311.Store.
func (s *Store) Submissions(ctx context.Context, refs []string) (map[string]*open311.Submission, error) {
	out := map[string]*open311.Submission{}
	for len(refs) > 0 {
		chunk := refs[:min(len(refs), 500)]
		refs = refs[len(chunk):]
		args := make([]any, len(chunk))
		for i, r := range chunk {
			args[i] = r
		}
		rows, err := s.db.Query(ctx, `SELECT ref, key_id, email, first_name, last_name, phone, device_id, account_id, media_url,
			attributes, created_at FROM open311_submissions WHERE ref IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`)`,
			args...)
		if err != nil {
			return nil, fmt.Errorf("query open311 submissions: %w", err)
		}
		if err := scanSubmissions(rows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func scanSubmissions(rows *sql.Rows, into map[string]*open311.Submission) error {
	defer rows.Close()
	for rows.Next() {
		sub := &open311.Submission{}
		var attrs string
		if err := rows.Scan(&sub.Ref, &sub.KeyID, &sub.Email, &sub.FirstName, &sub.LastName, &sub.Phone, &sub.DeviceID,
			&sub.AccountID, &sub.MediaURL, &attrs, &sub.CreatedAt); err != nil {
			return fmt.Errorf("scan open311 submission: %w", err)
		}
		sub.CreatedAt = sub.CreatedAt.UTC()
		if attrs != "" {
			if err := json.Unmarshal([]byte(attrs), &sub.Attributes); err != nil {
				return fmt.Errorf("decode attributes of submission %s: %w", sub.Ref, err)
			}
		}
		into[sub.Ref] = sub
	}
	return rows.Err()
}
