package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// UpdateAccount changes an account. actor nil is the system (the command
// line), which may change anything. Anybody may change the phone, e-mail
// and language of their own account; an administrator of the account (see
// authz.go) may change every field, except that nobody changes their own
// roles or disables themselves, a department admin keeps staff in their
// department and cannot grant platform_admin, and departments and roles
// belong to staff accounts only. Disabling an account ends its sessions.
//
// It returns errs.NotFound for accounts actor may not see, errs.Forbidden
// for changes actor may not make, errs.Invalid for bad values and
// errs.Conflict when the new phone is taken.
func (s *Service) UpdateAccount(ctx context.Context, actor *Account, id string, u AccountUpdate, c Client) (*Account, error) {
	target, err := s.target(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	fields, err := authorizeUpdate(actor, target, u)
	if err != nil {
		return nil, err
	}
	if err := normaliseUpdate(target, &u); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return target, nil
	}
	a, err := s.store.UpdateAccount(ctx, id, u, s.now())
	if err != nil {
		return nil, fmt.Errorf("update account: %w", err)
	}
	if u.Disabled != nil && *u.Disabled {
		if err := s.store.DeleteAccountSessions(ctx, id); err != nil {
			return nil, fmt.Errorf("end sessions of disabled account: %w", err)
		}
	}
	detail := "changed " + strings.Join(fields, ",") + "; by " + actorName(actor)
	if err := s.audit(ctx, EventAccountChanged, a, a.Username, c, detail); err != nil {
		return nil, err
	}
	return a, nil
}

// authorizeUpdate checks that actor (nil for the system) may make every
// change in u to target and returns the names of the fields u changes.
func authorizeUpdate(actor, target *Account, u AccountUpdate) ([]string, error) {
	system := actor == nil
	self := !system && actor.ID == target.ID
	admin := system || canAdminister(actor, target)
	var fields []string
	check := func(set bool, name string, selfOK bool) error {
		if !set {
			return nil
		}
		fields = append(fields, name)
		if admin || self && selfOK {
			return nil
		}
		return errs.E(errs.Forbidden, "account.field_forbidden", "您无权修改该项："+name, "you may not change "+name)
	}
	for _, err := range []error{
		check(u.DisplayName != nil, "display_name", false),
		check(u.Phone != nil, "phone", true),
		check(u.Email != nil, "email", true),
		check(u.Lang != nil, "lang", true),
		check(u.Department != nil, "department", false),
		check(u.Roles != nil, "roles", false),
		check(u.Disabled != nil, "disabled", false),
		check(u.IDVerified != nil, "id_verified", false),
	} {
		if err != nil {
			return nil, err
		}
	}
	if system {
		return fields, nil
	}
	switch {
	case self && (u.Roles != nil || u.Disabled != nil && *u.Disabled):
		return nil, errs.E(errs.Forbidden, "account.self_admin", "不能修改自己的角色或停用自己的账户",
			"you cannot change your own roles or disable your own account")
	case u.Department != nil && !isPlatformAdmin(actor) && *u.Department != actor.Department:
		return nil, errs.E(errs.Forbidden, "account.department_forbidden", "部门管理员只能管理本部门的工作人员",
			"a department admin can only manage staff of their own department")
	case u.Roles != nil && slices.Contains(*u.Roles, PlatformAdmin) && !isPlatformAdmin(actor):
		return nil, errs.E(errs.Forbidden, "account.grant_forbidden", "只有平台管理员可以授予平台管理员角色",
			"only a platform admin can grant the platform admin role")
	case u.IDVerified != nil && !isPlatformAdmin(actor):
		return nil, errs.E(errs.Forbidden, "account.verify_forbidden", "只有平台管理员可以确认身份核验",
			"only a platform admin can mark an identity as verified")
	}
	return fields, nil
}

// normaliseUpdate validates and normalises the values in u for target.
func normaliseUpdate(target *Account, u *AccountUpdate) error {
	if u.DisplayName != nil {
		v, err := ValidateDisplayName(*u.DisplayName)
		if err != nil {
			return err
		}
		u.DisplayName = &v
	}
	if u.Phone != nil && *u.Phone != "" {
		v, err := ValidatePhone(*u.Phone)
		if err != nil {
			return err
		}
		u.Phone = &v
	}
	if u.Email != nil && *u.Email != "" {
		v, err := ValidateEmail(*u.Email)
		if err != nil {
			return err
		}
		u.Email = &v
	}
	if u.Lang != nil {
		v, err := validateLang(*u.Lang)
		if err != nil {
			return err
		}
		u.Lang = &v
	}
	if (u.Department != nil || u.Roles != nil) && target.Kind != Staff {
		return errs.Field("department", "account.staff_only", "只有工作人员账户有部门和角色",
			"only staff accounts have a department and roles")
	}
	if u.Department != nil {
		v := strings.TrimSpace(*u.Department)
		if v == "" {
			return errs.Field("department", "account.department", "请选择工作人员所属部门", "a staff account needs a department")
		}
		u.Department = &v
	}
	if u.Roles != nil {
		v, err := validateRoles(*u.Roles)
		if err != nil {
			return err
		}
		u.Roles = &v
	}
	if u.IDVerified != nil && *u.IDVerified && target.Kind != Person {
		return errs.Field("id_verified", "account.verify_person", "只有自然人账户有身份核验",
			"only person accounts have a verified identity")
	}
	return nil
}
