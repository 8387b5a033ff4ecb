package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// CreateAccount validates n and creates the account. actor is nil for the
// system (CLI, demo seed, federation); otherwise it must be a platform
// admin, or a department admin creating staff of their own department
// (whose department defaults to the admin's).
//
// Persons need a valid identity number (the username defaults to it) and a
// name; enterprises a valid unified social credit code (the username
// defaults to it) and a name; staff a username, a department and at least
// one role. Only staff hold roles and departments. The password, when
// given, must satisfy the policy. IDVerified is kept only when the system
// or a platform admin creates the account.
//
// It returns errs.Invalid (with the field) for bad input, errs.Forbidden
// when actor may not create such an account, and errs.Conflict naming the
// field when the username, identity number, credit code or phone is taken.
func (s *Service) CreateAccount(ctx context.Context, actor *Account, n NewAccount, c Client) (*Account, error) {
	now := s.now()
	if actor != nil {
		if err := authorizeCreate(actor, &n); err != nil {
			return nil, err
		}
	}
	a, err := s.newAccount(n, now)
	if err != nil {
		return nil, err
	}
	if actor != nil && !isPlatformAdmin(actor) {
		a.IDVerified = false
	}
	hash := ""
	if n.Password != "" {
		if err := s.policy.ValidatePassword(n.Password, a.Username, a.Phone, a.IDNumber, a.USCC); err != nil {
			return nil, err
		}
		if hash, err = HashPassword(n.Password); err != nil {
			return nil, err
		}
		a.PasswordSet = true
	}
	if err := s.store.CreateAccount(ctx, a, hash); err != nil {
		return nil, fmt.Errorf("create account: %w", err)
	}
	if err := s.audit(ctx, EventAccountCreated, a, a.Username, c, "kind="+string(a.Kind)+"; by "+actorName(actor)); err != nil {
		return nil, err
	}
	return a, nil
}

// authorizeCreate checks that actor may create n, defaulting a department
// admin's new staff to their department.
func authorizeCreate(actor *Account, n *NewAccount) error {
	switch {
	case isPlatformAdmin(actor):
		return nil
	case isDeptAdmin(actor):
		if n.Kind != Staff {
			return errForbidden()
		}
		if n.Department == "" {
			n.Department = actor.Department
		}
		if n.Department != actor.Department || slices.Contains(n.Roles, PlatformAdmin) {
			return errForbidden()
		}
		return nil
	case !active(actor):
		return errUnauthenticated()
	}
	return errForbidden()
}

// newAccount validates and normalises n into an account.
func (s *Service) newAccount(n NewAccount, now time.Time) (*Account, error) {
	a := &Account{ID: ids.New(), Kind: n.Kind, IDVerified: n.IDVerified, CreatedAt: now, UpdatedAt: now}
	var err error
	switch n.Kind {
	case Person:
		err = s.personFields(a, n, now)
	case Enterprise:
		err = enterpriseFields(a, n)
	case Staff:
		err = staffFields(a, n)
	default:
		return nil, errs.Field("kind", "account.kind", "账户类型不正确（应为自然人、法人或工作人员）",
			"the account kind must be person, enterprise or staff")
	}
	if err != nil {
		return nil, err
	}
	if a.DisplayName, err = ValidateDisplayName(n.DisplayName); err != nil {
		return nil, err
	}
	if n.Phone != "" {
		if a.Phone, err = ValidatePhone(n.Phone); err != nil {
			return nil, err
		}
	}
	if n.Email != "" {
		if a.Email, err = ValidateEmail(n.Email); err != nil {
			return nil, err
		}
	}
	if a.Lang, err = validateLang(n.Lang); err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Service) personFields(a *Account, n NewAccount, now time.Time) error {
	info, err := ParseIDNumberAt(n.IDNumber, now)
	if err != nil {
		return err
	}
	if n.USCC != "" || n.Department != "" || len(n.Roles) > 0 {
		return errs.Field("kind", "account.person_fields", "自然人账户不能有信用代码、部门或角色",
			"a person account cannot have a credit code, department or roles")
	}
	a.IDNumber = info.Number
	return defaultUsername(a, n.Username, info.Number)
}

func enterpriseFields(a *Account, n NewAccount) error {
	code, err := ValidateUSCC(n.USCC)
	if err != nil {
		return err
	}
	if n.IDNumber != "" || n.Department != "" || len(n.Roles) > 0 || n.IDVerified {
		return errs.Field("kind", "account.enterprise_fields", "法人账户不能有身份证号码、部门或角色",
			"an enterprise account cannot have an identity number, department or roles")
	}
	a.USCC = code
	return defaultUsername(a, n.Username, code)
}

func staffFields(a *Account, n NewAccount) error {
	u, err := ValidateUsername(n.Username)
	if err != nil {
		return err
	}
	if n.IDNumber != "" || n.USCC != "" || n.IDVerified {
		return errs.Field("kind", "account.staff_fields", "工作人员账户不能有身份证号码或信用代码",
			"a staff account cannot have an identity number or credit code")
	}
	a.Username = u
	if a.Department = strings.TrimSpace(n.Department); a.Department == "" {
		return errs.Field("department", "account.department", "请选择工作人员所属部门", "a staff account needs a department")
	}
	a.Roles, err = validateRoles(n.Roles)
	return err
}

// defaultUsername sets a's username to u, or to number when u is empty or
// equal to it.
func defaultUsername(a *Account, u, number string) error {
	if u == "" || strings.EqualFold(strings.TrimSpace(u), number) {
		a.Username = number
		return nil
	}
	var err error
	a.Username, err = ValidateUsername(u)
	return err
}

// validateRoles checks that roles are known and non-empty and returns them
// de-duplicated in display order.
func validateRoles(roles []Role) ([]Role, error) {
	var out []Role
	for _, r := range roles {
		if !ValidRole(r) {
			return nil, errs.Field("roles", "account.role", "未知的角色："+string(r), "unknown role: "+string(r))
		}
	}
	for _, r := range Roles {
		if slices.Contains(roles, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, errs.Field("roles", "account.roles_empty", "请为工作人员至少选择一个角色", "a staff account needs at least one role")
	}
	return out, nil
}

func validateLang(l string) (string, error) {
	switch l {
	case "":
		return "zh", nil
	case "zh", "en":
		return l, nil
	}
	return "", errs.Field("lang", "account.lang", "界面语言应为中文（zh）或英文（en）", "the language must be zh or en")
}

// Account returns the account with id if actor may see it: itself, a
// platform admin, or a department admin for staff of their department.
// Accounts that actor may not see are reported as errs.NotFound, like
// accounts that do not exist.
func (s *Service) Account(ctx context.Context, actor *Account, id string) (*Account, error) {
	if !active(actor) {
		return nil, errUnauthenticated()
	}
	a, err := s.store.FindAccountByID(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errAccountNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find account: %w", err)
	}
	if !canSee(actor, a) {
		return nil, errAccountNotFound()
	}
	return a, nil
}

// AccountByID returns an account for the system (no authorisation check),
// e.g. for the OpenID Connect provider. It returns errs.NotFound for
// unknown ids.
func (s *Service) AccountByID(ctx context.Context, id string) (*Account, error) {
	a, err := s.store.FindAccountByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("find account: %w", err)
	}
	return a, nil
}

// AccountByLogin returns the account named by what a user would type to
// log in (username, identity number, credit code or phone), for the system
// (no authorisation check; the command line). It returns errs.NotFound when
// there is none.
func (s *Service) AccountByLogin(ctx context.Context, login string) (*Account, error) {
	a, err := s.findByLogin(ctx, strings.TrimSpace(login))
	if errs.Is(err, errs.NotFound) {
		return nil, errAccountNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find account by login: %w", err)
	}
	return a, nil
}

// target returns the account with id for an administrative change: any
// account for the system (actor nil), else one actor may see.
func (s *Service) target(ctx context.Context, actor *Account, id string) (*Account, error) {
	if actor != nil {
		return s.Account(ctx, actor, id)
	}
	a, err := s.store.FindAccountByID(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errAccountNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find account: %w", err)
	}
	return a, nil
}

// AccountByIDNumber returns the person account with a verified identity
// number, for the system (federation). It returns errs.NotFound when there
// is none or the number is not verified.
func (s *Service) AccountByIDNumber(ctx context.Context, idNumber string) (*Account, error) {
	a, err := s.store.FindAccountByIDNumber(ctx, strings.ToUpper(strings.TrimSpace(idNumber)))
	if err != nil {
		return nil, fmt.Errorf("find account by identity number: %w", err)
	}
	if !a.IDVerified {
		return nil, errAccountNotFound()
	}
	return a, nil
}

// Accounts lists the accounts actor may see: every account for a platform
// admin or for the system (actor nil: the command line), the staff of their
// department for a department admin (f's kind and department are
// overridden). Anybody else gets errs.Forbidden. It returns one page and
// the total number of matches.
func (s *Service) Accounts(ctx context.Context, actor *Account, f AccountFilter) ([]*Account, int, error) {
	switch {
	case actor == nil:
	case !active(actor):
		return nil, 0, errUnauthenticated()
	case isPlatformAdmin(actor):
	case isDeptAdmin(actor):
		f.Kind, f.Department = Staff, actor.Department
	default:
		return nil, 0, errForbidden()
	}
	f.Offset, f.Limit = page(f.Offset, f.Limit)
	list, total, err := s.store.FindAccounts(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("find accounts: %w", err)
	}
	return list, total, nil
}

// CountAccounts returns how many accounts exist (the demo seeds when zero).
func (s *Service) CountAccounts(ctx context.Context) (int, error) {
	n, err := s.store.CountAccounts(ctx)
	if err != nil {
		return 0, fmt.Errorf("count accounts: %w", err)
	}
	return n, nil
}

// page clamps paging parameters: limit defaults to 50 and is at most 500.
func page(offset, limit int) (int, int) {
	if offset < 0 {
		offset = 0
	}
	if limit <= 0 {
		limit = 50
	}
	return offset, min(limit, 500)
}
