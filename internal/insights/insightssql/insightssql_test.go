package insightssql_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightstest"
)

const (
	grad     = insightstest.ItemGrad
	subsidy  = insightstest.ItemSubsidy
	hkMacao  = insightstest.ItemHKMacao
	endorse  = insightstest.ItemEndorse
	passport = insightstest.ItemPassport
)

// The windows of the checks: the last 30 days before the scenario's now
// (2026-03-02 09:00 China time), the last 180, and February in China time.
var (
	now      = identitytest.Start
	last30   = insights.Last(30*24*time.Hour, now)
	last180  = insights.Last(180*24*time.Hour, now)
	february = insights.Window{From: insightstest.At(2026, 2, 1, 0, 0), To: insightstest.At(2026, 3, 1, 0, 0)}
)

// ic and pr build expected rows.
func ic(code string, n int) insights.ItemCount {
	return insights.ItemCount{ItemCode: code, Applications: n}
}

func pr(first, then string, n int) insights.Precedence {
	return insights.Precedence{First: first, Then: then, Applicants: n}
}

// TestAggregates checks every query against the scenario's hand-counted
// figures (see insightstest.scenarioStories), on both databases.
func TestAggregates(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := insightstest.NewEnv(t, d)
		sc := insightstest.PlayScenario(t, e)
		st := e.Store
		ctx := context.Background()
		t.Run("item counts", func(t *testing.T) {
			tests := []struct {
				name  string
				w     insights.Window
				dept  string
				limit int
				want  []insights.ItemCount
			}{
				{"the last 30 days", last30, "", 0,
					[]insights.ItemCount{ic(hkMacao, 8), ic(grad, 4), ic(subsidy, 3), ic(endorse, 2), ic(passport, 1)}},
				{"the top two", last30, "", 2, []insights.ItemCount{ic(hkMacao, 8), ic(grad, 4)}},
				{"one department", last30, "SZRS", 0, []insights.ItemCount{ic(grad, 4), ic(subsidy, 3)}},
				{"the last 180 days", last180, "SZGA", 0,
					[]insights.ItemCount{ic(hkMacao, 8), ic(endorse, 3), ic(passport, 3)}},
				{"a department without applications", last30, "SZJY", 0, nil},
			}
			for _, tt := range tests {
				got, err := st.ItemCounts(ctx, tt.w, tt.dept, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(tt.want, got); d != "" {
					t.Errorf("%s (-want +got):\n%s", tt.name, d)
				}
			}
		})
		t.Run("co-applicants", func(t *testing.T) {
			got, err := st.CoApplicants(ctx, grad, last180)
			if err != nil {
				t.Fatal(err)
			}
			want := insights.CoCounts{Applicants: 8, WithItem: 4, Others: []insights.CoCount{
				{ItemCode: hkMacao, Both: 4, WithItem: 8}, {ItemCode: passport, Both: 1, WithItem: 3}, {ItemCode: subsidy, Both: 3, WithItem: 3}}}
			sortOthers := cmpopts.SortSlices(func(a, b insights.CoCount) bool { return a.ItemCode < b.ItemCode })
			if d := cmp.Diff(want, got, sortOthers); d != "" {
				t.Errorf("co-applicants of the graduates' item (-want +got):\n%s", d)
			}
			// In the last 30 days the passport applications of persons 5
			// and 6 fall out, and so do person 8's first endorsement.
			got, err = st.CoApplicants(ctx, passport, last30)
			if err != nil {
				t.Fatal(err)
			}
			want = insights.CoCounts{Applicants: 8, WithItem: 1, Others: []insights.CoCount{
				{ItemCode: grad, Both: 1, WithItem: 4}, {ItemCode: hkMacao, Both: 1, WithItem: 8}, {ItemCode: subsidy, Both: 1, WithItem: 3}}}
			if d := cmp.Diff(want, got, sortOthers); d != "" {
				t.Errorf("co-applicants of the passport in 30 days (-want +got):\n%s", d)
			}
			got, err = st.CoApplicants(ctx, "4403-SZJY-001", last180)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(insights.CoCounts{Applicants: 8}, got); d != "" {
				t.Errorf("an item nobody applied for (-want +got):\n%s", d)
			}
		})
		t.Run("precedences", func(t *testing.T) {
			got, err := st.Precedences(ctx, []string{hkMacao, endorse, passport, "4403-SZGA-002"}, last180)
			if err != nil {
				t.Fatal(err)
			}
			// Persons 1, 5 and 6 had their passport before the pass;
			// person 7 the pass before the endorsement, person 8 the
			// other way round (the endorsement of 15 January).
			want := []insights.Precedence{pr(hkMacao, endorse, 1), pr(endorse, hkMacao, 1), pr(passport, hkMacao, 3)}
			sortPrec := cmpopts.SortSlices(func(a, b insights.Precedence) bool { return a.First+a.Then < b.First+b.Then })
			if d := cmp.Diff(want, got, sortPrec); d != "" {
				t.Errorf("precedences (-want +got):\n%s", d)
			}
			got, err = st.Precedences(ctx, []string{grad, subsidy}, last180)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff([]insights.Precedence{pr(grad, subsidy, 3)}, got); d != "" {
				t.Errorf("precedences of the graduates' theme (-want +got):\n%s", d)
			}
		})
		t.Run("history", func(t *testing.T) {
			got, err := st.History(ctx, insights.Applicant{AccountID: sc.P[1].ID, Number: sc.P[1].IDNumber}, last180)
			if err != nil {
				t.Fatal(err)
			}
			at := insightstest.At
			want := []insights.Applied{
				{ItemCode: hkMacao, State: "closed", First: at(2026, 2, 12, 11, 0), Latest: at(2026, 2, 12, 11, 0), Application: 1},
				{ItemCode: subsidy, State: "under_review", First: at(2026, 2, 6, 10, 0), Latest: at(2026, 2, 6, 10, 0), Application: 1},
				{ItemCode: grad, State: "approved", First: at(2026, 2, 2, 14, 0), Latest: at(2026, 2, 2, 14, 0), Application: 1},
				{ItemCode: passport, State: "closed", First: at(2026, 2, 2, 10, 0), Latest: at(2026, 2, 2, 10, 0), Application: 1},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("person 1's history (-want +got):\n%s", d)
			}
			// Person 8 by identity number alone: two endorsements.
			got, err = st.History(ctx, insights.Applicant{Number: sc.P[8].IDNumber}, last180)
			if err != nil {
				t.Fatal(err)
			}
			want = []insights.Applied{
				{ItemCode: endorse, State: "submitted", First: at(2026, 1, 15, 10, 0), Latest: at(2026, 3, 1, 0, 30), Application: 2},
				{ItemCode: hkMacao, State: "delivered", First: at(2026, 2, 10, 11, 0), Latest: at(2026, 2, 10, 11, 0), Application: 1},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("person 8's history (-want +got):\n%s", d)
			}
			// Person 6's passport was filed for them at a window.
			got, err = st.History(ctx, insights.Applicant{AccountID: sc.P[6].ID}, last30)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].ItemCode != hkMacao {
				t.Errorf("person 6's last 30 days: %+v, want only the pass", got)
			}
			if got, _ := st.History(ctx, insights.Applicant{}, last180); got != nil {
				t.Errorf("nobody's history: %+v", got)
			}
		})
		t.Run("application stats", func(t *testing.T) {
			got, err := st.ApplicationStats(ctx, february, "")
			if err != nil {
				t.Fatal(err)
			}
			want := []insights.GroupStats{
				{Department: "SZGA", Submitted: 10, SubmittedOnline: 9, Decided: 7, DecidedOnline: 5, WithDeadline: 7, OnTime: 7, MedianSeconds: 10800},
				{Department: "SZRS", Submitted: 7, SubmittedOnline: 6, Decided: 5, DecidedOnline: 3, WithDeadline: 4, OnTime: 3, MedianSeconds: 5400},
				{Department: "", Submitted: 17, SubmittedOnline: 15, Decided: 12, DecidedOnline: 8, WithDeadline: 11, OnTime: 10, MedianSeconds: 8100},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("February (-want +got):\n%s", d)
			}
			got, err = st.ApplicationStats(ctx, february, "SZRS")
			if err != nil {
				t.Fatal(err)
			}
			want = []insights.GroupStats{want[1], want[1]}
			want[1].Department = ""
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("February, SZRS (-want +got):\n%s", d)
			}
			got, err = st.ApplicationStats(ctx, insights.Window{From: insightstest.At(2025, 1, 1, 0, 0), To: insightstest.At(2025, 2, 1, 0, 0)}, "")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff([]insights.GroupStats{{}}, got); d != "" {
				t.Errorf("a month without applications (-want +got):\n%s", d)
			}
		})
		t.Run("daily counts", func(t *testing.T) {
			got, err := st.DailyCounts(ctx, february, "")
			if err != nil {
				t.Fatal(err)
			}
			// Story 15 was submitted at 07:30 China time on the 11th, still
			// the 10th in UTC; story 19 at 23:30 on the 28th.
			want := []insights.DayCount{
				{Day: "2026-02-02", Submitted: 3, SubmittedOnline: 3, Decided: 2},
				{Day: "2026-02-03", Submitted: 2, SubmittedOnline: 1, Decided: 2},
				{Day: "2026-02-05", Submitted: 2, SubmittedOnline: 2, Decided: 2},
				{Day: "2026-02-06", Submitted: 1, SubmittedOnline: 1},
				{Day: "2026-02-09", Submitted: 2, SubmittedOnline: 2, Decided: 2},
				{Day: "2026-02-10", Submitted: 2, SubmittedOnline: 1, Decided: 2},
				{Day: "2026-02-11", Submitted: 2, SubmittedOnline: 2, Decided: 1},
				{Day: "2026-02-12", Submitted: 2, SubmittedOnline: 2, Decided: 1},
				{Day: "2026-02-28", Submitted: 1, SubmittedOnline: 1},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("February by day (-want +got):\n%s", d)
			}
			got, err = st.DailyCounts(ctx, february, "SZRS")
			if err != nil {
				t.Fatal(err)
			}
			want = []insights.DayCount{
				{Day: "2026-02-02", Submitted: 2, SubmittedOnline: 2, Decided: 1},
				{Day: "2026-02-03", Submitted: 2, SubmittedOnline: 1, Decided: 2},
				{Day: "2026-02-05", Submitted: 2, SubmittedOnline: 2, Decided: 2},
				{Day: "2026-02-06", Submitted: 1, SubmittedOnline: 1},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("February by day, SZRS (-want +got):\n%s", d)
			}
		})
	})
}
