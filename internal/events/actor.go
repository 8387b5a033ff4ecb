package events

import (
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// ActorKind is what kind of party acts on events.
type ActorKind string

// The actor kinds.
const (
	// ActorCitizen is a person or an enterprise signed in: they report and
	// follow (and verify) their own events.
	ActorCitizen ActorKind = "citizen"
	// ActorStaff is a member of staff; their roles decide what they may do
	// (dispatcher, grid worker, department staff, platform admin).
	ActorStaff ActorKind = "staff"
	// ActorClient is a system reporting and reading events (an Open311
	// client, a department's system): it reports and reads, nothing more.
	ActorClient ActorKind = "client"
	// ActorSystem is the platform itself: the SLA sweeper, the simulation,
	// the demo seed. It may do anything.
	ActorSystem ActorKind = "system"
)

// Actor is who acts: the trace records it, and its kind and roles decide
// what it may do.
type Actor struct {
	Kind       ActorKind
	ID         string // account id, client id, or a name for the system
	Name       string // shown in the trace
	Department string // staff: their department
	Roles      []identity.Role
}

// AccountActor returns the actor of a signed-in account: staff with their
// department and roles, anyone else as a citizen. A nil account is
// errs.Unauthenticated, a disabled one errs.Forbidden.
func AccountActor(a *identity.Account) (Actor, error) {
	if a == nil || a.ID == "" {
		return Actor{}, errs.E(errs.Unauthenticated, "login.required", "请先登录", "Please sign in first.")
	}
	if a.Disabled {
		return Actor{}, errForbidden
	}
	if a.IsStaff() {
		return Actor{Kind: ActorStaff, ID: a.ID, Name: a.DisplayName, Department: a.Department, Roles: a.Roles}, nil
	}
	return Actor{Kind: ActorCitizen, ID: a.ID, Name: a.DisplayName}, nil
}

// ClientActor returns the actor of a system that reports and reads events
// (an Open311 client), identified by id and named name.
func ClientActor(id, name string) Actor { return Actor{Kind: ActorClient, ID: id, Name: name} }

// SystemActor returns the platform itself acting as name (the SLA sweeper,
// the simulation, the demo seed).
func SystemActor(name string) Actor {
	return Actor{Kind: ActorSystem, ID: "system:" + name, Name: name}
}

// Sweeper is the actor of automatic escalations.
var Sweeper = SystemActor("sla-sweeper")

func (a Actor) has(r identity.Role) bool {
	if a.Kind != ActorStaff {
		return false
	}
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsSystem reports whether a is the platform itself.
func (a Actor) IsSystem() bool { return a.Kind == ActorSystem }

// IsAdmin reports whether a administers the platform (or is it).
func (a Actor) IsAdmin() bool { return a.IsSystem() || a.has(identity.PlatformAdmin) }

// IsDispatcher reports whether a dispatches events (分拨): dispatchers,
// platform admins and the platform itself.
func (a Actor) IsDispatcher() bool { return a.IsAdmin() || a.has(identity.Dispatcher) }

// IsGridWorker reports whether a is a grid worker (网格员).
func (a Actor) IsGridWorker() bool { return a.has(identity.GridWorker) }

// IsDepartmentStaff reports whether a handles events for department dept:
// staff of that department who are caseworkers or its admins.
func (a Actor) IsDepartmentStaff(dept string) bool {
	return dept != "" && a.Kind == ActorStaff && a.Department == dept &&
		(a.has(identity.Caseworker) || a.has(identity.DeptAdmin))
}

// IsHandler reports whether a handles events for their department at all.
func (a Actor) IsHandler() bool { return a.IsDepartmentStaff(a.Department) }

// IsStaffViewer reports whether a sees the command centre: dispatchers,
// grid workers, department staff, platform admins.
func (a Actor) IsStaffViewer() bool {
	return a.IsDispatcher() || a.IsGridWorker() || a.IsHandler()
}

// role names the role a acts in on ev, for the trace.
func (a Actor) role(ev *Event) string {
	switch {
	case a.Kind == ActorSystem:
		return "system"
	case a.Kind == ActorClient:
		return "client"
	case ev != nil && a.ID == ev.AssigneeWorker && a.IsGridWorker():
		return "grid_worker"
	case ev != nil && a.IsDepartmentStaff(ev.AssigneeDept):
		return "department"
	case a.IsDispatcher() && !a.IsAdmin():
		return "dispatcher"
	case a.IsAdmin():
		return "admin"
	case a.IsGridWorker():
		return "grid_worker"
	case ev != nil && a.ID == ev.ReporterID:
		return "reporter"
	case a.Kind == ActorStaff:
		return "staff"
	}
	return "citizen"
}

var errForbidden = errs.E(errs.Forbidden, "events.forbidden", "您无权进行此操作", "You may not do this.")

// errNotFound is what an event the actor may not see looks like.
var errNotFound = errs.E(errs.NotFound, "events.not_found", "事件不存在", "There is no such event.")
