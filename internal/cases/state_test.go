package cases_test

import (
	"fmt"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// legal lists every allowed (state, action, role) and the state reached;
// it is written out by hand from the rules of the one window, so that the
// test does not restate the implementation's table.
var legal = map[string]cases.State{
	"draft submit applicant":          cases.Submitted,
	"correction resubmit applicant":   cases.Submitted,
	"submitted accept caseworker":     cases.Accepted,
	"submitted return caseworker":     cases.Correction,
	"submitted refuse caseworker":     cases.NotAccepted,
	"accepted review caseworker":      cases.UnderReview,
	"under_review approve caseworker": cases.Approved,
	"under_review reject caseworker":  cases.Rejected,
	"approved deliver caseworker":     cases.Delivered,
	"approved deliver system":         cases.Delivered,
	"delivered close caseworker":      cases.Closed,
	"delivered close system":          cases.Closed,
	"rejected close caseworker":       cases.Closed,
	"rejected close system":           cases.Closed,
	"submitted withdraw applicant":    cases.Withdrawn,
	"correction withdraw applicant":   cases.Withdrawn,
	"accepted withdraw applicant":     cases.Withdrawn,
	"under_review withdraw applicant": cases.Withdrawn,
	// Work that keeps the state.
	"submitted claim caseworker":       cases.Submitted,
	"accepted claim caseworker":        cases.Accepted,
	"under_review claim caseworker":    cases.UnderReview,
	"approved claim caseworker":        cases.Approved,
	"submitted handover caseworker":    cases.Submitted,
	"accepted handover caseworker":     cases.Accepted,
	"under_review handover caseworker": cases.UnderReview,
	"approved handover caseworker":     cases.Approved,
	"approved ship caseworker":         cases.Approved,
	"approved track caseworker":        cases.Approved,
	"approved track system":            cases.Approved,
	// Instant approval (秒批): the platform decides, the applicant may
	// appeal an automatic rejection, an approved result is handed over.
	"submitted accept system":     cases.Accepted,
	"submitted return system":     cases.Correction,
	"accepted review system":      cases.UnderReview,
	"under_review approve system": cases.Approved,
	"under_review reject system":  cases.Rejected,
	"rejected appeal applicant":   cases.UnderReview,
	"approved transfer system":    cases.Approved,
	"delivered transfer system":   cases.Delivered,
	"closed transfer system":      cases.Closed,
}

// mayEver says which roles may take an action in some state.
var mayEver = map[cases.Action][]cases.Role{
	cases.ActSubmit: {cases.RoleApplicant}, cases.ActResubmit: {cases.RoleApplicant}, cases.ActWithdraw: {cases.RoleApplicant},
	cases.ActAccept: {cases.RoleCaseworker, cases.RoleSystem}, cases.ActReturn: {cases.RoleCaseworker, cases.RoleSystem},
	cases.ActRefuse: {cases.RoleCaseworker}, cases.ActReview: {cases.RoleCaseworker, cases.RoleSystem},
	cases.ActApprove: {cases.RoleCaseworker, cases.RoleSystem}, cases.ActReject: {cases.RoleCaseworker, cases.RoleSystem},
	cases.ActAppeal: {cases.RoleApplicant}, cases.ActTransfer: {cases.RoleSystem},
	cases.ActClaim: {cases.RoleCaseworker}, cases.ActHandover: {cases.RoleCaseworker}, cases.ActShip: {cases.RoleCaseworker},
	cases.ActDeliver: {cases.RoleCaseworker, cases.RoleSystem}, cases.ActClose: {cases.RoleCaseworker, cases.RoleSystem},
	cases.ActTrack: {cases.RoleCaseworker, cases.RoleSystem},
}

func TestTransitionEveryCombination(t *testing.T) {
	t.Parallel()
	seen := 0
	for _, s := range cases.States {
		for _, a := range cases.Actions {
			for _, r := range cases.Roles {
				key := fmt.Sprintf("%s %s %s", s, a, r)
				got, err := cases.Transition(s, a, r)
				want, ok := legal[key]
				switch {
				case ok:
					seen++
					if err != nil || got != want {
						t.Errorf("%s: got %q, %v; want %q", key, got, err, want)
					}
				case !contains(mayEver[a], r):
					if e := errs.As(err); e == nil || e.Kind != errs.Forbidden || e.Msg == "" || e.MsgEN == "" {
						t.Errorf("%s: got %q, %v; want Forbidden with both messages", key, got, err)
					}
				default:
					if e := errs.As(err); e == nil || e.Kind != errs.Conflict || e.Msg == "" || e.MsgEN == "" {
						t.Errorf("%s: got %q, %v; want Conflict with both messages", key, got, err)
					}
				}
			}
		}
	}
	if seen != len(legal) {
		t.Errorf("checked %d legal combinations, the table has %d (a key is misspelt)", seen, len(legal))
	}
}

func contains(list []cases.Role, r cases.Role) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

func TestTransitionMessages(t *testing.T) {
	t.Parallel()
	_, err := cases.Transition(cases.Approved, cases.ActAccept, cases.RoleCaseworker)
	e := errs.As(err)
	if e == nil || e.Msg != "办件当前状态为「准予许可」，不能执行「受理」操作" || e.MsgEN != "the application is approved; it cannot be accepted" {
		t.Errorf("conflict error = %+v", e)
	}
	_, err = cases.Transition(cases.UnderReview, cases.ActApprove, cases.RoleApplicant)
	if e := errs.As(err); e == nil || e.Msg != "您无权对此办件执行「准予许可」操作" {
		t.Errorf("forbidden error = %+v", e)
	}
	if _, err := cases.Transition(cases.Submitted, "explode", cases.RoleCaseworker); !errs.Is(err, errs.Invalid) {
		t.Errorf("unknown action: %v, want Invalid", err)
	}
}

func TestAllowed(t *testing.T) {
	t.Parallel()
	got := fmt.Sprint(cases.Allowed(cases.Submitted, cases.RoleCaseworker))
	if want := "[accept return refuse claim handover]"; got != want {
		t.Errorf("Allowed(submitted, caseworker) = %s, want %s", got, want)
	}
	if got := cases.Allowed(cases.Closed, cases.RoleApplicant); len(got) != 0 {
		t.Errorf("Allowed(closed, applicant) = %v, want none", got)
	}
}

func TestStateFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s             cases.State
		open, decided bool
	}{
		{cases.Draft, false, false}, {cases.Submitted, true, false}, {cases.Correction, true, false},
		{cases.NotAccepted, false, true}, {cases.Accepted, true, false}, {cases.UnderReview, true, false},
		{cases.Approved, false, true}, {cases.Rejected, false, true}, {cases.Delivered, false, true},
		{cases.Closed, false, true}, {cases.Withdrawn, false, false},
	} {
		if tt.s.Open() != tt.open || tt.s.Decided() != tt.decided {
			t.Errorf("%s: Open %v Decided %v, want %v %v", tt.s, tt.s.Open(), tt.s.Decided(), tt.open, tt.decided)
		}
	}
}
