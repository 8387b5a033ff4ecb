package cases

import (
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Who may see and do what with an application:
//
//   - the applicant's account, and the account that filed it (an agent, or
//     a window clerk who submitted it for a visitor), act as RoleApplicant:
//     they see it with its trace, withdraw it and answer corrections;
//   - caseworkers (role caseworker) of the handling department act as
//     RoleCaseworker: they see it and take the department's actions;
//   - a window clerk who is a caseworker of the handling department acts
//     as RoleCaseworker, except for the applicant's own actions
//     (resubmitting a correction, withdrawing) on applications they filed
//     for a visitor, which they take for the visitor at the window;
//   - materials can be downloaded by the applicant, the agent and the
//     handling department's caseworkers, not by a window clerk of
//     another department who filed it;
//   - to everybody else the application does not exist: NotFound, the
//     same answer as for a serial number nobody has, so a serial number
//     reveals nothing.
//
// Disabled accounts and anonymous callers may do nothing.

// active reports whether actor is a usable account.
func active(a *identity.Account) bool { return a != nil && a.ID != "" && !a.Disabled }

// isCaseworkerOf reports whether a is an active caseworker of department.
func isCaseworkerOf(a *identity.Account, department string) bool {
	return active(a) && a.IsStaff() && a.HasRole(identity.Caseworker) && a.Department != "" && a.Department == department
}

// IsCaseworker reports whether a is an active caseworker of some
// department, who may use the console.
func IsCaseworker(a *identity.Account) bool {
	return active(a) && a.IsStaff() && a.HasRole(identity.Caseworker) && a.Department != ""
}

// RoleOf returns actor's role for app.
func RoleOf(actor *identity.Account, app *Application) Role {
	switch {
	case !active(actor):
		return RoleNone
	case isCaseworkerOf(actor, app.Department):
		return RoleCaseworker
	case app.Applicant.AccountID == actor.ID, app.FiledBy == actor.ID:
		return RoleApplicant
	}
	return RoleNone
}

// actingRole returns actor's role for action a on app: RoleOf, except that
// the filer of an application acts as the applicant for the applicant's
// own actions even when they are a caseworker of its department.
func actingRole(actor *identity.Account, app *Application, a Action) Role {
	role := RoleOf(actor, app)
	if role == RoleCaseworker && app.FiledBy == actor.ID && (a == ActResubmit || a == ActWithdraw) {
		return RoleApplicant
	}
	return role
}

// CanDownload reports whether actor may download app's materials.
func CanDownload(actor *identity.Account, app *Application) bool {
	switch {
	case !active(actor):
		return false
	case isCaseworkerOf(actor, app.Department):
		return true
	case app.Applicant.AccountID == actor.ID:
		return true
	case app.Representation == ThroughAgent && app.Agent.AccountID == actor.ID:
		return true
	case app.FiledBy == actor.ID && !actor.IsStaff():
		return true
	}
	return false
}

func errUnauthenticated() error {
	return errs.E(errs.Unauthenticated, "auth.required", "请先登录", "please sign in first")
}

// errNotFound is what callers learn of applications they may not see, and
// of serial numbers that do not exist.
func errNotFound() error {
	return errs.E(errs.NotFound, "case.not_found", "未找到该办件，请核对流水号", "no such application; please check the serial number")
}

func errNotCaseworker() error {
	return errs.E(errs.Forbidden, "case.not_caseworker", "只有窗口受理人员可以使用受理台", "only caseworkers may use the console")
}
