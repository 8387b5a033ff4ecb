package insights_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pengcheng-gov/pengcheng/internal/insights"
)

func TestRankRelated(t *testing.T) {
	t.Parallel()
	type want struct {
		code string
		both int
		lift float64
	}
	tests := []struct {
		name       string
		counts     insights.CoCounts
		minSupport int
		want       []want
	}{
		{
			name: "a popular item does not dominate",
			// 100 applicants, 10 applied for X. Nearly everybody applies
			// for POP: 9 of X's 10 did too, but so did 90 of 100, so
			// applying for X says nothing about it (lift 1). SPEC is rare
			// and goes with X: 5 of its 6 applicants applied for X.
			counts: insights.CoCounts{Applicants: 100, WithItem: 10, Others: []insights.CoCount{
				{ItemCode: "POP", Both: 9, WithItem: 90},
				{ItemCode: "MID", Both: 6, WithItem: 30},
				{ItemCode: "SPEC", Both: 5, WithItem: 6},
			}},
			minSupport: 3,
			want:       []want{{"SPEC", 5, (5.0 / 10) / (6.0 / 100)}, {"MID", 6, (6.0 / 10) / (30.0 / 100)}},
		},
		{
			name: "pairs below the minimum support are left out, however strong",
			counts: insights.CoCounts{Applicants: 100, WithItem: 10, Others: []insights.CoCount{
				{ItemCode: "RARE", Both: 2, WithItem: 2},
				{ItemCode: "OK", Both: 3, WithItem: 10},
			}},
			minSupport: 3,
			want:       []want{{"OK", 3, 3}},
		},
		{
			name: "items that X's applicants take less often than others are left out",
			counts: insights.CoCounts{Applicants: 100, WithItem: 20, Others: []insights.CoCount{
				{ItemCode: "LESS", Both: 4, WithItem: 50},
			}},
			minSupport: 3,
		},
		{
			name: "equal lift goes to the larger support, then to the code",
			counts: insights.CoCounts{Applicants: 100, WithItem: 10, Others: []insights.CoCount{
				{ItemCode: "B", Both: 4, WithItem: 20},
				{ItemCode: "C", Both: 8, WithItem: 40},
				{ItemCode: "A", Both: 4, WithItem: 20},
			}},
			minSupport: 3,
			want:       []want{{"C", 8, 2}, {"A", 4, 2}, {"B", 4, 2}},
		},
		{
			name:       "nobody applied for X",
			counts:     insights.CoCounts{Applicants: 10, Others: []insights.CoCount{{ItemCode: "A", Both: 3, WithItem: 3}}},
			minSupport: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []want
			for _, a := range insights.RankRelated(tt.counts, tt.minSupport) {
				got = append(got, want{a.ItemCode, a.Both, a.Lift})
				if wc := float64(a.Both) / float64(tt.counts.WithItem); a.Confidence != wc {
					t.Errorf("%s: confidence %v, want %v", a.ItemCode, a.Confidence, wc)
				}
			}
			if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{}), cmpopts.EquateApprox(0, 1e-9)); d != "" {
				t.Errorf("RankRelated (-want +got):\n%s", d)
			}
		})
	}
}

func TestOrderSteps(t *testing.T) {
	t.Parallel()
	p := func(first, then string, n int) insights.Precedence {
		return insights.Precedence{First: first, Then: then, Applicants: n}
	}
	tests := []struct {
		name      string
		items     []string
		prec      []insights.Precedence
		want      []string
		wantPairs int
	}{
		{name: "no data keeps the catalogue's order", items: []string{"A", "B", "C"}, want: []string{"A", "B", "C"}},
		{name: "an item people take first moves up to the other's place",
			items: []string{"A", "B", "C", "D"}, prec: []insights.Precedence{p("D", "A", 3)},
			want: []string{"D", "A", "B", "C"}, wantPairs: 1},
		{name: "a chain of precedences",
			items: []string{"A", "B", "C"}, prec: []insights.Precedence{p("C", "B", 3), p("B", "A", 4)},
			want: []string{"C", "B", "A"}, wantPairs: 2},
		{name: "a chain moves up to its earliest member's place",
			items: []string{"A", "B", "C", "D", "E"}, prec: []insights.Precedence{p("E", "D", 3), p("D", "B", 3)},
			want: []string{"A", "E", "D", "B", "C"}, wantPairs: 2},
		{name: "pairs below the minimum support change nothing",
			items: []string{"A", "B", "C", "D"}, prec: []insights.Precedence{p("D", "A", 2)},
			want: []string{"A", "B", "C", "D"}},
		{name: "the majority of applicants decides",
			items: []string{"A", "B"}, prec: []insights.Precedence{p("A", "B", 2), p("B", "A", 5)},
			want: []string{"B", "A"}, wantPairs: 1},
		{name: "a tie decides nothing",
			items: []string{"A", "B"}, prec: []insights.Precedence{p("A", "B", 3), p("B", "A", 3)},
			want: []string{"A", "B"}},
		{name: "a contradiction is broken at the catalogue's first item",
			items: []string{"A", "B", "C"}, prec: []insights.Precedence{p("A", "B", 3), p("B", "C", 3), p("C", "A", 3)},
			want: []string{"A", "B", "C"}, wantPairs: 3},
		{name: "a contradiction goes to the item with the most wins",
			items: []string{"A", "B", "C", "D"},
			prec:  []insights.Precedence{p("A", "B", 3), p("B", "C", 3), p("C", "A", 3), p("C", "D", 3)},
			want:  []string{"C", "A", "B", "D"}, wantPairs: 4},
		{name: "items outside the list are ignored",
			items: []string{"A", "B"}, prec: []insights.Precedence{p("X", "A", 9), p("B", "Y", 9)},
			want: []string{"A", "B"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, pairs := insights.OrderSteps(tt.items, tt.prec, 3)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("order (-want +got):\n%s", d)
			}
			if pairs != tt.wantPairs {
				t.Errorf("pairs = %d, want %d", pairs, tt.wantPairs)
			}
		})
	}
}
