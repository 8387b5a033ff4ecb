package exchangesql

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
)

const policyColumns = `id, department, dataset, fields, purpose, legal_basis, valid_from, valid_until, revoked_at,
	COALESCE(created_by, ''), created_at, updated_at, version`

// scanPolicy reads one row of policyColumns.
func scanPolicy(sc scanner) (*exchange.Policy, error) {
	var p exchange.Policy
	var fields string
	var until, revoked sql.NullTime
	if err := sc.Scan(&p.ID, &p.Department, &p.Dataset, &fields, &p.Purpose, &p.LegalBasis, &p.ValidFrom, &until, &revoked,
		&p.CreatedBy, &p.CreatedAt, &p.UpdatedAt, &p.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fields), &p.Fields); err != nil {
		return nil, fmt.Errorf("policy %s fields: %w", p.ID, err)
	}
	p.ValidFrom, p.CreatedAt, p.UpdatedAt = p.ValidFrom.UTC(), p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.ValidUntil, p.RevokedAt = timeOf(until), timeOf(revoked)
	return &p, nil
}

// policyError maps constraint violations to domain errors.
func policyError(err error, p *exchange.Policy) error {
	switch {
	case db.IsUniqueViolation(err):
		return errs.E(errs.Conflict, "exchange.policy_exists",
			fmt.Sprintf("部门 %s 已有读取 %s 用于「%s」的授权", p.Department, p.Dataset, p.Purpose),
			fmt.Sprintf("department %s already has a policy on %s for %q", p.Department, p.Dataset, p.Purpose))
	case db.IsForeignKeyViolation(err):
		return errs.Field("department", "exchange.policy_department_unknown",
			fmt.Sprintf("部门 %s 不存在", p.Department), fmt.Sprintf("there is no department %s", p.Department))
	}
	return err
}

// CreatePolicy implements exchange.Store.
func (s *Store) CreatePolicy(ctx context.Context, p *exchange.Policy) error {
	fields, err := jsonText(p.Fields)
	if err != nil {
		return err
	}
	var by any
	if p.CreatedBy != "" {
		by = p.CreatedBy
	}
	return s.db.WithTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO exchange_policies
			(id, department, dataset, fields, purpose, legal_basis, valid_from, valid_until, revoked_at, created_by, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.Department, p.Dataset, fields, p.Purpose, p.LegalBasis, p.ValidFrom.UTC(), nullTime(p.ValidUntil),
			nullTime(p.RevokedAt), by, p.CreatedAt.UTC(), p.UpdatedAt.UTC(), p.Version); err != nil {
			return fmt.Errorf("create policy: %w", policyError(err, p))
		}
		return bumpRevision(ctx, tx)
	})
}

// bumpRevision increases the policies' revision.
func bumpRevision(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.Exec(ctx, `UPDATE exchange_policy_revision SET revision = revision + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("bump the policy revision: %w", err)
	}
	return nil
}

// PolicyRevision implements exchange.Store.
func (s *Store) PolicyRevision(ctx context.Context) (int64, error) {
	var rev int64
	if err := s.db.QueryRow(ctx, `SELECT revision FROM exchange_policy_revision WHERE id = 1`).Scan(&rev); err != nil {
		return 0, fmt.Errorf("read the policy revision: %w", err)
	}
	return rev, nil
}

// UpdatePolicy implements exchange.Store.
func (s *Store) UpdatePolicy(ctx context.Context, p *exchange.Policy) error {
	fields, err := jsonText(p.Fields)
	if err != nil {
		return err
	}
	var n int64
	err = s.db.WithTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE exchange_policies SET fields = ?, purpose = ?, legal_basis = ?, valid_from = ?,
				valid_until = ?, revoked_at = ?, updated_at = ?, version = ?
			WHERE id = ? AND version = ?`,
			fields, p.Purpose, p.LegalBasis, p.ValidFrom.UTC(), nullTime(p.ValidUntil), nullTime(p.RevokedAt), p.UpdatedAt.UTC(),
			p.Version, p.ID, p.Version-1)
		if err != nil {
			return fmt.Errorf("update policy: %w", policyError(err, p))
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return bumpRevision(ctx, tx)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		if _, err := s.FindPolicy(ctx, p.ID); err != nil {
			return err
		}
		return errs.E(errs.Conflict, "exchange.policy_changed",
			"该授权已被他人修改，请刷新后重试", "The policy was changed by someone else; reload it and try again.")
	}
	return nil
}

// FindPolicy implements exchange.Store.
func (s *Store) FindPolicy(ctx context.Context, id string) (*exchange.Policy, error) {
	p, err := scanPolicy(s.db.QueryRow(ctx, `SELECT `+policyColumns+` FROM exchange_policies WHERE id = ?`, id))
	if noRows(err) {
		return nil, errs.E(errs.NotFound, "exchange.policy_not_found", "未找到该共享授权", "No such policy.")
	}
	if err != nil {
		return nil, fmt.Errorf("find policy: %w", err)
	}
	return p, nil
}

// FindPolicies implements exchange.Store.
func (s *Store) FindPolicies(ctx context.Context, f exchange.PolicyFilter) ([]*exchange.Policy, error) {
	q := `SELECT ` + policyColumns + ` FROM exchange_policies WHERE 1 = 1`
	var args []any
	if f.Department != "" {
		q += ` AND department = ?`
		args = append(args, f.Department)
	}
	if f.Dataset != "" {
		q += ` AND dataset = ?`
		args = append(args, f.Dataset)
	}
	if len(f.Datasets) > 0 {
		q += ` AND dataset IN (` + inList(len(f.Datasets)) + `)`
		for _, d := range f.Datasets {
			args = append(args, d)
		}
	}
	if !f.Revoked {
		q += ` AND revoked_at IS NULL`
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY department, dataset, purpose, created_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("find policies: %w", err)
	}
	defer rows.Close()
	var out []*exchange.Policy
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, fmt.Errorf("find policies: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
