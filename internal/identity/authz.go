package identity

import "github.com/pengcheng-gov/pengcheng/internal/errs"

// Who may see and administer which accounts:
//
//   - a platform admin sees and administers every account;
//   - a department admin sees every staff account of their own department
//     and administers those that do not hold platform_admin (so that a
//     department admin cannot take over a platform admin by resetting their
//     password); they may not grant platform_admin;
//   - everybody sees their own account and may change only its contact
//     details and language (see selfEditable);
//   - an account that may not be seen is reported as not found, so nobody
//     learns that it exists.
//
// A disabled actor may do nothing.
//
// A nil actor is the system (command line, demo seed, federation) in the
// methods that say so: CreateAccount, Accounts, UpdateAccount and
// ResetPassword. Reading methods (Account, Events) refuse a nil actor
// with errs.Unauthenticated, so an anonymous web request can never pass
// for the system there; handlers of the administrative methods must pass
// the signed-in account, never a nil one.

// active reports whether actor is a usable, enabled account.
func active(actor *Account) bool { return actor != nil && actor.ID != "" && !actor.Disabled }

// isPlatformAdmin reports whether actor is an enabled platform admin.
func isPlatformAdmin(actor *Account) bool {
	return active(actor) && actor.IsStaff() && actor.HasRole(PlatformAdmin)
}

// isDeptAdmin reports whether actor is an enabled department admin with a
// department.
func isDeptAdmin(actor *Account) bool {
	return active(actor) && actor.IsStaff() && actor.HasRole(DeptAdmin) && actor.Department != ""
}

// canSee reports whether actor may read target.
func canSee(actor, target *Account) bool {
	switch {
	case !active(actor):
		return false
	case actor.ID == target.ID, isPlatformAdmin(actor):
		return true
	case isDeptAdmin(actor):
		return target.Kind == Staff && target.Department == actor.Department
	}
	return false
}

// canAdminister reports whether actor may change target's administrative
// fields, reset its password, or disable it.
func canAdminister(actor, target *Account) bool {
	switch {
	case isPlatformAdmin(actor):
		return true
	case isDeptAdmin(actor):
		return target.Kind == Staff && target.Department == actor.Department && !target.HasRole(PlatformAdmin)
	}
	return false
}

// isAdmin reports whether actor administers accounts at all.
func isAdmin(actor *Account) bool { return isPlatformAdmin(actor) || isDeptAdmin(actor) }

// actorName names actor in audit details.
func actorName(actor *Account) string {
	if actor == nil {
		return "system"
	}
	return actor.Username
}

func errUnauthenticated() error {
	return errs.E(errs.Unauthenticated, "auth.required", "请先登录", "please sign in first")
}

func errAccountNotFound() error {
	return errs.E(errs.NotFound, "account.not_found", "账户不存在", "no such account")
}

func errForbidden() error {
	return errs.E(errs.Forbidden, "account.forbidden", "您无权进行此操作", "you are not allowed to do this")
}
