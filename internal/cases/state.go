package cases

import (
	"slices"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// State is where an application stands.
type State string

// The states of an application.
const (
	Draft       State = "draft"        // 草稿: being filled in, not yet submitted
	Submitted   State = "submitted"    // 已提交: waiting for the department to accept it
	Correction  State = "correction"   // 待补正: returned to the applicant with a list of what to fix
	NotAccepted State = "not_accepted" // 不予受理: refused at the door, with reasons (final)
	Accepted    State = "accepted"     // 已受理: the time limit runs from here
	UnderReview State = "under_review" // 审查中
	Approved    State = "approved"     // 准予许可: the result is being delivered
	Rejected    State = "rejected"     // 不予许可, with reasons
	Delivered   State = "delivered"    // 已送达: the applicant has the result
	Closed      State = "closed"       // 已办结 (final)
	Withdrawn   State = "withdrawn"    // 已撤回 by the applicant before a decision (final)
)

// States lists every state in the order of an application's life.
var States = []State{Draft, Submitted, Correction, NotAccepted, Accepted, UnderReview, Approved, Rejected, Delivered, Closed, Withdrawn}

// Open reports whether an application in s still waits for a decision.
func (s State) Open() bool {
	return s == Submitted || s == Correction || s == Accepted || s == UnderReview
}

// Decided reports whether an application in s has been decided: approved,
// rejected, not accepted, delivered or closed.
func (s State) Decided() bool {
	return s == Approved || s == Rejected || s == NotAccepted || s == Delivered || s == Closed
}

// Action is something done to an application. Some actions move it to
// another state; claim, handover, ship and track record work on it without
// changing its state.
type Action string

// The actions.
const (
	ActSubmit   Action = "submit"   // draft → submitted
	ActResubmit Action = "resubmit" // correction → submitted, with what was asked for
	ActAccept   Action = "accept"   // submitted → accepted (受理)
	ActReturn   Action = "return"   // submitted → correction (补正), with a checklist
	ActRefuse   Action = "refuse"   // submitted → not_accepted (不予受理), with reasons
	ActReview   Action = "review"   // accepted → under_review
	ActApprove  Action = "approve"  // under_review → approved
	ActReject   Action = "reject"   // under_review → rejected, with reasons
	ActDeliver  Action = "deliver"  // approved → delivered
	ActClose    Action = "close"    // delivered or rejected → closed
	ActWithdraw Action = "withdraw" // open → withdrawn, by the applicant
	ActClaim    Action = "claim"    // a caseworker takes the application
	ActHandover Action = "handover" // a caseworker passes it to a colleague
	ActShip     Action = "ship"     // the result is handed to the courier
	ActTrack    Action = "track"    // the courier reports the delivery status
	// ActAppeal: the applicant asks for a caseworker's review of an
	// automatic rejection (rejected → under_review).
	ActAppeal Action = "appeal"
	// ActTransfer: the approved result is handed to another department,
	// which gets a linked application (keeps the state).
	ActTransfer Action = "transfer"
)

// Actions lists every action.
var Actions = []Action{ActSubmit, ActResubmit, ActAccept, ActReturn, ActRefuse, ActReview, ActApprove, ActReject,
	ActDeliver, ActClose, ActWithdraw, ActClaim, ActHandover, ActShip, ActTrack, ActAppeal, ActTransfer}

// Role is an actor's relation to one application.
type Role string

// The roles.
const (
	RoleApplicant  Role = "applicant"  // the applicant, or the agent or window clerk who filed it
	RoleCaseworker Role = "caseworker" // a caseworker of the handling department
	RoleSystem     Role = "system"     // the platform itself (courier tracking, the demo seed)
	RoleNone       Role = "none"       // anybody else
)

// Roles lists every role.
var Roles = []Role{RoleApplicant, RoleCaseworker, RoleSystem, RoleNone}

// rule says from which states an action may be taken, by whom, and to
// which state it leads ("" for actions that keep the state).
type rule struct {
	from []State
	to   State
	by   []Role
}

// open are the states before a decision.
var openStates = []State{Submitted, Correction, Accepted, UnderReview}

// working are the states in which caseworkers take and pass on work.
var workingStates = []State{Submitted, Accepted, UnderReview, Approved}

// rules is the state machine.
var rules = map[Action]rule{
	ActSubmit:   {from: []State{Draft}, to: Submitted, by: []Role{RoleApplicant}},
	ActResubmit: {from: []State{Correction}, to: Submitted, by: []Role{RoleApplicant}},
	ActAccept:   {from: []State{Submitted}, to: Accepted, by: []Role{RoleCaseworker, RoleSystem}},
	ActReturn:   {from: []State{Submitted}, to: Correction, by: []Role{RoleCaseworker, RoleSystem}},
	ActRefuse:   {from: []State{Submitted}, to: NotAccepted, by: []Role{RoleCaseworker}},
	ActReview:   {from: []State{Accepted}, to: UnderReview, by: []Role{RoleCaseworker, RoleSystem}},
	ActApprove:  {from: []State{UnderReview}, to: Approved, by: []Role{RoleCaseworker, RoleSystem}},
	ActReject:   {from: []State{UnderReview}, to: Rejected, by: []Role{RoleCaseworker, RoleSystem}},
	ActDeliver:  {from: []State{Approved}, to: Delivered, by: []Role{RoleCaseworker, RoleSystem}},
	ActClose:    {from: []State{Delivered, Rejected}, to: Closed, by: []Role{RoleCaseworker, RoleSystem}},
	ActWithdraw: {from: openStates, to: Withdrawn, by: []Role{RoleApplicant}},
	ActClaim:    {from: workingStates, by: []Role{RoleCaseworker}},
	ActHandover: {from: workingStates, by: []Role{RoleCaseworker}},
	ActShip:     {from: []State{Approved}, by: []Role{RoleCaseworker}},
	ActTrack:    {from: []State{Approved}, by: []Role{RoleCaseworker, RoleSystem}},
	ActAppeal:   {from: []State{Rejected}, to: UnderReview, by: []Role{RoleApplicant}},
	ActTransfer: {from: []State{Approved, Delivered, Closed}, by: []Role{RoleSystem}},
}

// Transition returns the state an application in state from reaches when
// an actor in role takes action a; actions that keep the state return
// from. It returns errs.Forbidden (code case.forbidden) when the role may
// never take the action, and errs.Conflict (code case.transition) when the
// action is not possible in state from; an unknown action is errs.Invalid.
func Transition(from State, a Action, by Role) (State, error) {
	r, ok := rules[a]
	if !ok {
		return "", errs.Field("action", "case.action", "未知的操作："+string(a), "unknown action: "+string(a))
	}
	if !slices.Contains(r.by, by) {
		return "", errs.E(errs.Forbidden, "case.forbidden",
			"您无权对此办件执行「"+ActionText(a).ZH+"」操作",
			"you may not "+ActionText(a).EN+" this application")
	}
	if !slices.Contains(r.from, from) {
		return "", errs.E(errs.Conflict, "case.transition",
			"办件当前状态为「"+StateText(from).ZH+"」，不能执行「"+ActionText(a).ZH+"」操作",
			"the application is "+StateText(from).EN+"; it cannot be "+ActionText(a).Past)
	}
	if r.to == "" {
		return from, nil
	}
	return r.to, nil
}

// Allowed lists the actions an actor in role may take on an application in
// state s, in the order of Actions.
func Allowed(s State, by Role) []Action {
	var out []Action
	for _, a := range Actions {
		if _, err := Transition(s, a, by); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// Label is a name in Chinese and English, for messages built in the domain.
type Label struct {
	ZH   string
	EN   string
	Past string // English past participle, for actions ("accepted")
}

var stateLabels = map[State]Label{
	Draft:       {ZH: "草稿", EN: "a draft"},
	Submitted:   {ZH: "已提交", EN: "submitted"},
	Correction:  {ZH: "待补正", EN: "returned for correction"},
	NotAccepted: {ZH: "不予受理", EN: "not accepted"},
	Accepted:    {ZH: "已受理", EN: "accepted"},
	UnderReview: {ZH: "审查中", EN: "under review"},
	Approved:    {ZH: "准予许可", EN: "approved"},
	Rejected:    {ZH: "不予许可", EN: "rejected"},
	Delivered:   {ZH: "已送达", EN: "delivered"},
	Closed:      {ZH: "已办结", EN: "closed"},
	Withdrawn:   {ZH: "已撤回", EN: "withdrawn"},
}

var actionLabels = map[Action]Label{
	ActSubmit:   {ZH: "提交", EN: "submit", Past: "submitted"},
	ActResubmit: {ZH: "补正后重新提交", EN: "resubmit", Past: "resubmitted"},
	ActAccept:   {ZH: "受理", EN: "accept", Past: "accepted"},
	ActReturn:   {ZH: "退回补正", EN: "return for correction", Past: "returned for correction"},
	ActRefuse:   {ZH: "不予受理", EN: "refuse to accept", Past: "refused"},
	ActReview:   {ZH: "开始审查", EN: "start reviewing", Past: "put under review"},
	ActApprove:  {ZH: "准予许可", EN: "approve", Past: "approved"},
	ActReject:   {ZH: "不予许可", EN: "reject", Past: "rejected"},
	ActDeliver:  {ZH: "送达结果", EN: "deliver the result of", Past: "marked delivered"},
	ActClose:    {ZH: "办结", EN: "close", Past: "closed"},
	ActWithdraw: {ZH: "撤回申请", EN: "withdraw", Past: "withdrawn"},
	ActClaim:    {ZH: "认领", EN: "claim", Past: "claimed"},
	ActHandover: {ZH: "转交", EN: "hand over", Past: "handed over"},
	ActShip:     {ZH: "交寄", EN: "ship the result of", Past: "shipped"},
	ActTrack:    {ZH: "更新物流状态", EN: "update the delivery status of", Past: "tracked"},
	ActAppeal:   {ZH: "申请人工复核", EN: "ask for a manual review of", Past: "sent for manual review"},
	ActTransfer: {ZH: "移交后续办理", EN: "hand over to the next department", Past: "handed over"},
}

// StateText returns the names of a state.
func StateText(s State) Label {
	if l, ok := stateLabels[s]; ok {
		return l
	}
	return Label{ZH: string(s), EN: string(s)}
}

// ActionText returns the names of an action.
func ActionText(a Action) Label {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return Label{ZH: string(a), EN: string(a), Past: string(a)}
}
