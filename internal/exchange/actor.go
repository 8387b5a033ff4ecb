package exchange

import (
	"fmt"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// ActorKind is what kind of reader an [Actor] is.
type ActorKind string

// The actor kinds.
const (
	// ActorRule is an automatic rule evaluation (秒批), run as the
	// department that owns the service item.
	ActorRule ActorKind = "rule"
	// ActorStaff is a member of staff, reading with their department's
	// policies.
	ActorStaff ActorKind = "staff"
	// ActorClient is a department's system calling the API with an OpenID
	// Connect client-credentials token, reading with its department's
	// policies.
	ActorClient ActorKind = "client"
)

// Actor is who reads: the access log records it, and the policies of its
// department decide what it may read.
type Actor struct {
	Kind ActorKind
	// ID identifies the reader: the service item code (with the rule set
	// version, if any) for rules, the account id for staff, the client id
	// for systems.
	ID string
	// Name is what the data's subject is shown: the rule set's name, the
	// staff member's name, the system's name.
	Name string
	// Department is the code of the department the reader acts for.
	Department string
}

// RuleActor returns the actor of an automatic rule evaluation for the
// service item itemCode (e.g. "4403-SZRS-001@3" with the rule set's
// version) named itemName, run as the department that owns the item.
func RuleActor(department, itemCode, itemName string) Actor {
	return Actor{Kind: ActorRule, ID: itemCode, Name: "秒批规则：" + itemName, Department: department}
}

// RulePurpose is the purpose of the reads an automatic rule evaluation of
// the service item named itemName makes: "秒批：<item name>". The demo's
// policies for instant approval use it.
func RulePurpose(itemName string) string { return "秒批：" + itemName }

// ClientActor returns the actor of a department's system, the OpenID
// Connect client clientID named name. A client that belongs to no
// department may read nothing: errs.Forbidden.
func ClientActor(clientID, name, department string) (Actor, error) {
	if department == "" {
		return Actor{}, errs.E(errs.Forbidden, "exchange.client_department",
			fmt.Sprintf("应用 %s 未归属任何部门，不能查询共享数据", clip(clientID, 64)),
			fmt.Sprintf("client %s belongs to no department and may not read shared data", clip(clientID, 64)))
	}
	return Actor{Kind: ActorClient, ID: clientID, Name: name, Department: department}, nil
}

// errStaffOnly is returned when someone other than staff tries to read
// registries.
var errStaffOnly = errs.E(errs.Forbidden, "exchange.staff_only",
	"只有部门工作人员可以查询共享数据", "Only department staff may read shared data.")

// StaffActor returns the actor of a member of staff: a staff account in a
// department holding the caseworker, department-admin or platform-admin
// role. Anyone else gets errs.Forbidden (errs.Unauthenticated when a is
// nil).
func StaffActor(a *identity.Account) (Actor, error) {
	if a == nil {
		return Actor{}, errs.E(errs.Unauthenticated, "login.required", "请先登录", "Please sign in first.")
	}
	if !a.IsStaff() || a.Disabled || a.Department == "" ||
		!(a.HasRole(identity.Caseworker) || a.HasRole(identity.DeptAdmin) || a.HasRole(identity.PlatformAdmin)) {
		return Actor{}, errStaffOnly
	}
	return Actor{Kind: ActorStaff, ID: a.ID, Name: a.DisplayName, Department: a.Department}, nil
}

// validate checks that the actor says who it is.
func (a Actor) validate() error {
	switch a.Kind {
	case ActorRule, ActorStaff, ActorClient:
	default:
		return fmt.Errorf("exchange: unknown actor kind %q", a.Kind)
	}
	if strings.TrimSpace(a.ID) == "" || strings.TrimSpace(a.Department) == "" {
		return fmt.Errorf("exchange: actor %q lacks an id or a department", a.Kind)
	}
	return nil
}
