package cases_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

func TestPlanAndReplayDemoHistory(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	b := setup(t, d)
	ctx := context.Background()
	plan := cases.DemoPlan{
		Items:       casestest.Items(),
		People:      []*identity.Account{b.citizen, b.other, b.principal},
		Enterprises: []*identity.Account{b.company},
		Caseworkers: map[string][]*identity.Account{identitytest.DeptA: {b.workerA, b.workerA2}, identitytest.DeptB: {b.workerB}},
		From:        casestest.Day(2026, 1, 5, 0),
		Until:       casestest.Day(2026, 3, 2, 12),
		Count:       80,
		Seed:        7,
	}
	stories := b.Cases.PlanDemo(plan)
	if len(stories) != 80 {
		t.Fatalf("planned %d stories, want 80", len(stories))
	}
	again := b.Cases.PlanDemo(plan)
	same := func(s []cases.Story) []string {
		var out []string
		for _, x := range s {
			out = append(out, x.ItemCode+" "+x.SubmittedAt.String()+" "+string(x.Outcome))
		}
		return out
	}
	if d := cmp.Diff(same(stories), same(again)); d != "" {
		t.Errorf("the same seed planned differently:\n%s", d)
	}
	states, channels, reps := map[cases.State]int{}, map[cases.Channel]int{}, map[cases.Representation]int{}
	serials := map[string]bool{}
	for i, st := range stories {
		app, err := b.Cases.Replay(ctx, st)
		if err != nil {
			t.Fatalf("story %d (%s, %s): %v", i, st.ItemCode, st.Outcome, err)
		}
		if serials[app.Serial] {
			t.Fatalf("serial %s twice", app.Serial)
		}
		serials[app.Serial] = true
		states[app.State]++
		channels[app.Channel]++
		reps[app.Representation]++
		if app.UpdatedAt.After(plan.Until) || app.SubmittedAt.Before(plan.From) {
			t.Errorf("story %d ran from %s to %s, outside the plan", i, app.SubmittedAt, app.UpdatedAt)
		}
	}
	if states[cases.Closed] < 20 || len(states) < 4 || channels[cases.Window] == 0 || channels[cases.Mobile] == 0 || reps[cases.ThroughAgent] == 0 {
		t.Errorf("history is not varied: states %v channels %v representations %v", states, channels, reps)
	}
	if n, _, _ := b.Messages.FindMessages(ctx, notifyFilter()); len(n) != 0 {
		t.Errorf("replaying history sent %d notices", len(n))
	}
	if got := b.Cases.PlanDemo(cases.DemoPlan{Items: casestest.Items(), Count: 5, From: plan.From, Until: plan.Until}); got != nil {
		t.Errorf("a plan without caseworkers gave %d stories", len(got))
	}
}
