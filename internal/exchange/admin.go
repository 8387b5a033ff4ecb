package exchange

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// errManage is returned to those who may not manage a dataset's policies.
func errManage(ds *Dataset) error {
	return errs.E(errs.Forbidden, "exchange.manage",
		fmt.Sprintf("只有平台管理员和数据集「%s」所属部门（%s）的管理员可以管理它的共享授权", ds.Title, ds.Owner),
		fmt.Sprintf("only platform administrators and administrators of %s, which owns %s, may manage its policies", ds.Owner, ds.Name))
}

var errLogin = errs.E(errs.Unauthenticated, "login.required", "请先登录", "Please sign in first.")

// canManage reports whether actor may manage policies on ds: platform
// administrators, and the owning department's administrators. A nil actor
// is the system (the demo seed, the command line).
func canManage(actor *identity.Account, ds *Dataset) error {
	switch {
	case actor == nil:
		return nil
	case !actor.IsStaff() || actor.Disabled:
		return errManage(ds)
	case actor.HasRole(identity.PlatformAdmin):
		return nil
	case actor.HasRole(identity.DeptAdmin) && actor.Department == ds.Owner:
		return nil
	}
	return errManage(ds)
}

// CreatePolicy stores a new policy. Platform administrators may create any;
// department administrators only on their department's datasets; a nil
// actor is the system. It returns errs.Invalid errors naming the field at
// fault, and errs.Conflict when the department already has a policy on
// the dataset for the same purpose.
func (s *Service) CreatePolicy(ctx context.Context, actor *identity.Account, in PolicyInput) (*Policy, error) {
	in, err := in.validate(s.datasets)
	if err != nil {
		return nil, err
	}
	if err := canManage(actor, s.datasets[in.Dataset]); err != nil {
		return nil, err
	}
	now := s.Now()
	p := &Policy{ID: ids.New(), Department: in.Department, Dataset: in.Dataset, Fields: in.Fields, Purpose: in.Purpose,
		LegalBasis: in.LegalBasis, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, CreatedAt: now, UpdatedAt: now, Version: 1}
	if actor != nil {
		p.CreatedBy = actor.ID
	}
	if err := s.store.CreatePolicy(ctx, p); err != nil {
		return nil, fmt.Errorf("create policy: %w", err)
	}
	s.log.InfoContext(ctx, "exchange policy created", "policy", p.ID, "department", p.Department, "dataset", p.Dataset, "purpose", p.Purpose)
	return p, nil
}

// UpdatePolicy changes the fields, purpose, legal basis and validity of
// the policy id, which the caller saw at version (errs.Conflict when it
// changed since). The department and dataset of a policy cannot change;
// revoked policies cannot be changed.
func (s *Service) UpdatePolicy(ctx context.Context, actor *identity.Account, id string, version int, in PolicyInput) (*Policy, error) {
	p, err := s.policyFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if p.Revoked() {
		return nil, errs.E(errs.Conflict, "exchange.policy_revoked", "该授权已撤销，不能再修改", "The policy was revoked and can no longer be changed.")
	}
	if p.Version != version {
		return nil, errPolicyChanged
	}
	in.Department, in.Dataset = p.Department, p.Dataset
	if in, err = in.validate(s.datasets); err != nil {
		return nil, err
	}
	p.Fields, p.Purpose, p.LegalBasis, p.ValidFrom, p.ValidUntil = in.Fields, in.Purpose, in.LegalBasis, in.ValidFrom, in.ValidUntil
	p.UpdatedAt, p.Version = s.Now(), p.Version+1
	if err := s.store.UpdatePolicy(ctx, p); err != nil {
		return nil, fmt.Errorf("update policy: %w", err)
	}
	return p, nil
}

var errPolicyChanged = errs.E(errs.Conflict, "exchange.policy_changed",
	"该授权已被他人修改，请刷新后重试", "The policy was changed by someone else; reload it and try again.")

// RevokePolicy revokes the policy id from now on. Revoking a revoked
// policy changes nothing.
func (s *Service) RevokePolicy(ctx context.Context, actor *identity.Account, id string) (*Policy, error) {
	p, err := s.policyFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if p.Revoked() {
		return p, nil
	}
	p.RevokedAt, p.UpdatedAt, p.Version = s.Now(), s.Now(), p.Version+1
	if err := s.store.UpdatePolicy(ctx, p); err != nil {
		return nil, fmt.Errorf("revoke policy: %w", err)
	}
	s.log.InfoContext(ctx, "exchange policy revoked", "policy", p.ID, "department", p.Department, "dataset", p.Dataset)
	return p, nil
}

// policyFor loads a policy the actor may manage.
func (s *Service) policyFor(ctx context.Context, actor *identity.Account, id string) (*Policy, error) {
	if actor == nil {
		return nil, errLogin
	}
	if !ids.Valid(id) {
		return nil, errPolicyNotFound
	}
	p, err := s.store.FindPolicy(ctx, id)
	if err != nil {
		return nil, err
	}
	ds, err := s.Dataset(p.Dataset)
	if err != nil {
		return nil, err
	}
	if err := canManage(actor, ds); err != nil {
		return nil, err
	}
	return p, nil
}

var errPolicyNotFound = errs.E(errs.NotFound, "exchange.policy_not_found", "未找到该共享授权", "No such policy.")

// Policy returns one policy to someone who may manage it or whose
// department it is for.
func (s *Service) Policy(ctx context.Context, actor *identity.Account, id string) (*Policy, error) {
	if actor == nil {
		return nil, errLogin
	}
	if !ids.Valid(id) {
		return nil, errPolicyNotFound
	}
	p, err := s.store.FindPolicy(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.IsStaff() && actor.Department == p.Department {
		return p, nil
	}
	if ds := s.datasets[p.Dataset]; ds == nil || canManage(actor, ds) != nil {
		return nil, errPolicyNotFound
	}
	return p, nil
}

// Policies lists policies: platform administrators see any; department
// administrators those on their department's datasets (or, filtering by
// their own department, those granted to it); other staff those granted
// to their department. Others get errs.Forbidden.
func (s *Service) Policies(ctx context.Context, actor *identity.Account, f PolicyFilter) ([]*Policy, error) {
	switch {
	case actor == nil:
		return nil, errLogin
	case !actor.IsStaff() || actor.Disabled:
		return nil, errStaffOnly
	case actor.HasRole(identity.PlatformAdmin):
	case actor.HasRole(identity.DeptAdmin) && f.Department != actor.Department:
		f.Datasets = []string{""} // none unless the department owns some
		for _, ds := range s.order {
			if ds.Owner == actor.Department {
				f.Datasets = append(f.Datasets, ds.Name)
			}
		}
	default:
		f.Department = actor.Department
	}
	ps, err := s.store.FindPolicies(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("find policies: %w", err)
	}
	return ps, nil
}

// DepartmentPolicies returns the policies in force now for a department,
// for a department's system to see what it may read.
func (s *Service) DepartmentPolicies(ctx context.Context, department string) ([]*Policy, error) {
	ps, err := s.store.FindPolicies(ctx, PolicyFilter{Department: department})
	if err != nil {
		return nil, fmt.Errorf("find policies: %w", err)
	}
	now := s.Now()
	var out []*Policy
	for _, p := range ps {
		if p.ActiveAt(now) {
			out = append(out, p)
		}
	}
	return out, nil
}

// AccessLog returns one page of the access log for administrators:
// platform administrators see every entry, department administrators the
// reads their department made. Others get errs.Forbidden.
func (s *Service) AccessLog(ctx context.Context, actor *identity.Account, f EntryFilter) ([]*Entry, int, error) {
	switch {
	case actor == nil:
		return nil, 0, errLogin
	case !actor.IsStaff() || actor.Disabled:
		return nil, 0, errAdminOnly
	case actor.HasRole(identity.PlatformAdmin):
	case actor.HasRole(identity.DeptAdmin):
		f.Department = actor.Department
	default:
		return nil, 0, errAdminOnly
	}
	f.normLimit()
	list, n, err := s.store.FindEntries(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("find access log entries: %w", err)
	}
	return list, n, nil
}

var errAdminOnly = errs.E(errs.Forbidden, "exchange.admin_only",
	"只有管理员可以查看数据访问日志", "Only administrators may read the data access log.")

// VerifyLogFor is [Service.VerifyLog] for a platform administrator (others
// get errs.Forbidden).
func (s *Service) VerifyLogFor(ctx context.Context, actor *identity.Account) (VerifyReport, error) {
	if actor == nil {
		return VerifyReport{}, errLogin
	}
	if !actor.IsStaff() || actor.Disabled || !actor.HasRole(identity.PlatformAdmin) {
		return VerifyReport{}, errs.E(errs.Forbidden, "exchange.verify_admin",
			"只有平台管理员可以校验数据访问日志", "Only platform administrators may verify the data access log.")
	}
	return s.VerifyLog(ctx, nil)
}
