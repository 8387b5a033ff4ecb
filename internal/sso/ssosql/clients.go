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

const clientColumns = `id, name, department_code, redirect_uris, post_logout_redirect_uris, scopes, grant_types,
	public, disabled, created_at, updated_at`

func scanClient(row interface{ Scan(...any) error }) (*sso.Client, error) {
	var c sso.Client
	var dept sql.NullString
	var redirects, logouts, scopes, grants string
	if err := row.Scan(&c.ID, &c.Name, &dept, &redirects, &logouts, &scopes, &grants,
		&c.Public, &c.Disabled, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.Department = dept.String
	c.RedirectURIs, c.PostLogoutRedirectURIs = split[string](redirects), split[string](logouts)
	c.Scopes, c.GrantTypes = split[string](scopes), split[sso.GrantType](grants)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// unknownDepartment maps a foreign-key failure on the department.
func unknownDepartment(err error, code string) error {
	if db.IsForeignKeyViolation(err) {
		return &errs.Error{Kind: errs.Invalid, Code: "client.department", Field: "department",
			Msg: fmt.Sprintf("部门代码 %s 不存在", code), MsgEN: fmt.Sprintf("department %s does not exist", code), Err: err}
	}
	return err
}

// CreateClient implements sso.ClientStore.
func (s *Store) CreateClient(ctx context.Context, c *sso.Client, secretHash string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sso_clients (id, secret_hash, name, department_code, redirect_uris,
		post_logout_redirect_uris, scopes, grant_types, public, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, secretHash, c.Name, nullString(c.Department), list(c.RedirectURIs), list(c.PostLogoutRedirectURIs),
		list(c.Scopes), list(c.GrantTypes), c.Public, c.Disabled, c.CreatedAt.UTC(), c.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert client: %w", unknownDepartment(conflict(err, "客户端"), c.Department))
	}
	return nil
}

// FindClientByID implements sso.ClientStore.
func (s *Store) FindClientByID(ctx context.Context, id string) (*sso.Client, error) {
	c, err := scanClient(s.db.QueryRow(ctx, `SELECT `+clientColumns+` FROM sso_clients WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find client %s: %w", id, notFound(err, "客户端"))
	}
	return c, nil
}

// FindClients implements sso.ClientStore.
func (s *Store) FindClients(ctx context.Context) ([]*sso.Client, error) {
	rows, err := s.db.Query(ctx, `SELECT `+clientColumns+` FROM sso_clients ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("find clients: %w", err)
	}
	defer rows.Close()
	var out []*sso.Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, fmt.Errorf("scan client: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateClient implements sso.ClientStore.
func (s *Store) UpdateClient(ctx context.Context, c *sso.Client) error {
	res, err := s.db.Exec(ctx, `UPDATE sso_clients SET name = ?, department_code = ?, redirect_uris = ?,
		post_logout_redirect_uris = ?, scopes = ?, grant_types = ?, disabled = ?, updated_at = ? WHERE id = ?`,
		c.Name, nullString(c.Department), list(c.RedirectURIs), list(c.PostLogoutRedirectURIs), list(c.Scopes),
		list(c.GrantTypes), c.Disabled, c.UpdatedAt.UTC(), c.ID)
	if err := mustAffect(res, unknownDepartment(err, c.Department), "客户端"); err != nil {
		return fmt.Errorf("update client %s: %w", c.ID, err)
	}
	return nil
}

// ClientSecretHash implements sso.ClientStore.
func (s *Store) ClientSecretHash(ctx context.Context, id string) (string, error) {
	var h string
	if err := s.db.QueryRow(ctx, `SELECT secret_hash FROM sso_clients WHERE id = ?`, id).Scan(&h); err != nil {
		return "", fmt.Errorf("client secret %s: %w", id, notFound(err, "客户端"))
	}
	return h, nil
}

// SetClientSecretHash implements sso.ClientStore.
func (s *Store) SetClientSecretHash(ctx context.Context, id, hash string, now time.Time) error {
	res, err := s.db.Exec(ctx, `UPDATE sso_clients SET secret_hash = ?, updated_at = ? WHERE id = ?`, hash, now.UTC(), id)
	if err := mustAffect(res, err, "客户端"); err != nil {
		return fmt.Errorf("set client secret %s: %w", id, err)
	}
	return nil
}

// DeleteClient implements sso.ClientStore; the client's requests, tokens
// and consents go with it.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	res, err := s.db.Exec(ctx, `DELETE FROM sso_clients WHERE id = ?`, id)
	if err := mustAffect(res, err, "客户端"); err != nil {
		return fmt.Errorf("delete client %s: %w", id, err)
	}
	return nil
}
