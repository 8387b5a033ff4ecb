package identitysql

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

const accountCols = `id, kind, username, display_name, id_number, id_verified, uscc, phone, email,
	department_code, disabled, failed_logins, locked_until, password_hash <> '', lang, created_at, updated_at`

func scanAccount(sc scanner) (*identity.Account, error) {
	var (
		a                           identity.Account
		idNumber, uscc, phone, dept sql.NullString
		locked                      sql.NullTime
	)
	err := sc.Scan(&a.ID, &a.Kind, &a.Username, &a.DisplayName, &idNumber, &a.IDVerified, &uscc, &phone, &a.Email,
		&dept, &a.Disabled, &a.FailedLogins, &locked, &a.PasswordSet, &a.Lang, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return nil, err
	}
	a.IDNumber, a.USCC, a.Phone, a.Department = idNumber.String, uscc.String, phone.String, dept.String
	a.LockedUntil = timeOf(locked)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

// CreateAccount inserts a with its roles and password hash. It returns
// errs.Conflict naming the field when the username, identity number,
// credit code or phone is taken, and errs.Invalid when the department does
// not exist.
func (s *Store) CreateAccount(ctx context.Context, a *identity.Account, passwordHash string) error {
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		var changed any
		if passwordHash != "" {
			changed = a.CreatedAt.UTC()
		}
		_, err := tx.Exec(ctx, `INSERT INTO accounts (id, kind, username, display_name, id_number, id_verified, uscc,
			phone, email, department_code, password_hash, disabled, failed_logins, locked_until, password_changed_at,
			lang, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, string(a.Kind), a.Username, a.DisplayName, null(a.IDNumber), a.IDVerified, null(a.USCC),
			null(a.Phone), a.Email, null(a.Department), passwordHash, a.Disabled, a.FailedLogins, nullTime(a.LockedUntil),
			changed, a.Lang, a.CreatedAt.UTC(), a.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		return insertRoles(ctx, tx, a.ID, a.Roles)
	})
	if err != nil {
		return s.accountWriteError(ctx, err, a.ID, map[string]string{
			"username": a.Username, "id_number": a.IDNumber, "uscc": a.USCC, "phone": a.Phone}, a.Department)
	}
	return nil
}

func insertRoles(ctx context.Context, tx *db.Tx, id string, roles []identity.Role) error {
	for _, r := range roles {
		if _, err := tx.Exec(ctx, `INSERT INTO account_roles (account_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			id, string(r)); err != nil {
			return err
		}
	}
	return nil
}

// conflictMessages names, per unique column, the field and its messages.
var conflictMessages = []struct{ col, zh, en string }{
	{"username", "该用户名已被使用", "this username is already taken"},
	{"id_number", "该身份证号码已注册", "this identity number is already registered"},
	{"uscc", "该统一社会信用代码已注册", "this unified social credit code is already registered"},
	{"phone", "该手机号码已被其他账户使用", "this mobile number is already used by another account"},
}

// accountWriteError turns a failed account write into a domain error: a
// unique violation becomes errs.Conflict on the first of values' columns
// that another account holds, a foreign-key violation an unknown
// department.
func (s *Store) accountWriteError(ctx context.Context, err error, id string, values map[string]string, dept string) error {
	switch {
	case db.IsUniqueViolation(err):
		for _, m := range conflictMessages {
			v := values[m.col]
			if v == "" {
				continue
			}
			var n int
			qerr := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE `+m.col+` = ? AND id <> ?`, v, id).Scan(&n)
			if qerr == nil && n > 0 {
				e := errs.E(errs.Conflict, "account."+m.col+"_taken", m.zh, m.en)
				e.Field, e.Err = m.col, err
				return e
			}
		}
		e := errs.E(errs.Conflict, "account.taken", "账户已存在", "the account already exists")
		e.Err = err
		return e
	case db.IsForeignKeyViolation(err):
		e := errs.Field("department", "account.department_unknown", "部门不存在："+dept, "no such department: "+dept)
		e.Err = err
		return e
	}
	return fmt.Errorf("write account: %w", err)
}

// FindAccountByID returns the account with id.
func (s *Store) FindAccountByID(ctx context.Context, id string) (*identity.Account, error) {
	return s.findAccount(ctx, s.db, `id = ?`, id)
}

// FindAccountByLogin finds an account by username, identity number, credit
// code or phone, preferring a username match.
func (s *Store) FindAccountByLogin(ctx context.Context, login string) (*identity.Account, error) {
	return s.findAccount(ctx, s.db, `(username = ? OR id_number = ? OR uscc = ? OR phone = ?)
		ORDER BY CASE WHEN username = ? THEN 0 ELSE 1 END LIMIT 1`, login, login, login, login, login)
}

// FindAccountByIDNumber returns the account with the identity number.
func (s *Store) FindAccountByIDNumber(ctx context.Context, idNumber string) (*identity.Account, error) {
	return s.findAccount(ctx, s.db, `id_number = ?`, idNumber)
}

func (s *Store) findAccount(ctx context.Context, c db.Conn, cond string, args ...any) (*identity.Account, error) {
	a, err := scanAccount(c.QueryRow(ctx, `SELECT `+accountCols+` FROM accounts WHERE `+cond, args...))
	if err != nil {
		return nil, notFound(err, "account")
	}
	if err := loadRoles(ctx, c, []*identity.Account{a}); err != nil {
		return nil, err
	}
	return a, nil
}

// loadRoles fills the roles of accounts with one query.
func loadRoles(ctx context.Context, c db.Conn, accounts []*identity.Account) error {
	if len(accounts) == 0 {
		return nil
	}
	byID := make(map[string]*identity.Account, len(accounts))
	args := make([]any, len(accounts))
	for i, a := range accounts {
		byID[a.ID] = a
		args[i] = a.ID
	}
	q := `SELECT account_id, role FROM account_roles WHERE account_id IN (?` + strings.Repeat(", ?", len(args)-1) + `)`
	rows, err := c.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("load roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, role string
		if err := rows.Scan(&id, &role); err != nil {
			return fmt.Errorf("load roles: %w", err)
		}
		a := byID[id]
		a.Roles = append(a.Roles, identity.Role(role))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load roles: %w", err)
	}
	for _, a := range accounts {
		slices.SortFunc(a.Roles, func(x, y identity.Role) int { return roleRank(x) - roleRank(y) })
	}
	return nil
}

// roleRank orders roles as identity.Roles lists them, unknown ones last.
func roleRank(r identity.Role) int {
	if i := slices.Index(identity.Roles, r); i >= 0 {
		return i
	}
	return len(identity.Roles)
}

// FindAccounts returns one page of the accounts matching f, ordered by
// username, and the number of all matches.
func (s *Store) FindAccounts(ctx context.Context, f identity.AccountFilter) ([]*identity.Account, int, error) {
	var w where
	if f.Kind != "" {
		w.add(`kind = ?`, string(f.Kind))
	}
	if f.Department != "" {
		w.add(`department_code = ?`, f.Department)
	}
	if f.Role != "" {
		w.add(`EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = accounts.id AND r.role = ?)`, string(f.Role))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		w.add(`(LOWER(username) LIKE ? ESCAPE '\' OR LOWER(display_name) LIKE ? ESCAPE '\' OR phone LIKE ? ESCAPE '\')`,
			like, like, like)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM accounts`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count accounts: %w", err)
	}
	offset, limit := page(f.Offset, f.Limit)
	rows, err := s.db.Query(ctx, `SELECT `+accountCols+` FROM accounts`+w.String()+` ORDER BY username LIMIT ? OFFSET ?`,
		append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find accounts: %w", err)
	}
	defer rows.Close()
	var out []*identity.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find accounts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find accounts: %w", err)
	}
	if err := loadRoles(ctx, s.db, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// escapeLike escapes the LIKE wildcards in s with backslashes.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UpdateAccount applies u to the account with id and returns the result.
func (s *Store) UpdateAccount(ctx context.Context, id string, u identity.AccountUpdate, now time.Time) (*identity.Account, error) {
	var sets []string
	var args []any
	set := func(col string, v any) {
		sets = append(sets, col+" = ?")
		args = append(args, v)
	}
	if u.DisplayName != nil {
		set("display_name", *u.DisplayName)
	}
	if u.Phone != nil {
		set("phone", null(*u.Phone))
	}
	if u.Email != nil {
		set("email", *u.Email)
	}
	if u.Department != nil {
		set("department_code", null(*u.Department))
	}
	if u.Disabled != nil {
		set("disabled", *u.Disabled)
	}
	if u.Lang != nil {
		set("lang", *u.Lang)
	}
	if u.IDVerified != nil {
		set("id_verified", *u.IDVerified)
	}
	set("updated_at", now.UTC())
	var a *identity.Account
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE accounts SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, id)...)
		if err != nil {
			return err
		}
		if err := affected(res, "account"); err != nil {
			return err
		}
		if u.Roles != nil {
			if _, err := tx.Exec(ctx, `DELETE FROM account_roles WHERE account_id = ?`, id); err != nil {
				return err
			}
			if err := insertRoles(ctx, tx, id, *u.Roles); err != nil {
				return err
			}
		}
		a, err = s.findAccount(ctx, tx, `id = ?`, id)
		return err
	})
	if errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if err != nil {
		values := map[string]string{}
		if u.Phone != nil {
			values["phone"] = *u.Phone
		}
		dept := ""
		if u.Department != nil {
			dept = *u.Department
		}
		return nil, s.accountWriteError(ctx, err, id, values, dept)
	}
	return a, nil
}

// PasswordHash returns the account's password hash, empty when it has none.
func (s *Store) PasswordHash(ctx context.Context, id string) (string, error) {
	var h string
	if err := s.db.QueryRow(ctx, `SELECT password_hash FROM accounts WHERE id = ?`, id).Scan(&h); err != nil {
		return "", notFound(err, "account")
	}
	return h, nil
}

// SetPasswordHash replaces the account's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error {
	res, err := s.db.Exec(ctx, `UPDATE accounts SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?`,
		hash, now.UTC(), now.UTC(), id)
	if err != nil {
		return fmt.Errorf("set password hash: %w", err)
	}
	return affected(res, "account")
}

// RecordLoginFailure counts a failed login; see identity.Store.
func (s *Store) RecordLoginFailure(ctx context.Context, id string, max int, lockUntil time.Time) (int, time.Time, error) {
	var n int
	err := s.writeRow(ctx, []any{&n}, `UPDATE accounts SET failed_logins = failed_logins + 1,
		locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
		WHERE id = ? RETURNING failed_logins`, max, lockUntil.UTC(), id)
	if err != nil {
		return 0, time.Time{}, notFound(err, "account")
	}
	if n >= max {
		return n, lockUntil.UTC(), nil
	}
	return n, time.Time{}, nil
}

// ResetLoginFailures clears the failure count and the lock.
func (s *Store) ResetLoginFailures(ctx context.Context, id string) error {
	res, err := s.db.Exec(ctx, `UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("reset login failures: %w", err)
	}
	return affected(res, "account")
}

// CountAccounts returns the number of accounts.
func (s *Store) CountAccounts(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count accounts: %w", err)
	}
	return n, nil
}
