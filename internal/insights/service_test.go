package insights_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightssql"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightstest"
)

const (
	grad     = insightstest.ItemGrad
	subsidy  = insightstest.ItemSubsidy
	hkMacao  = insightstest.ItemHKMacao
	endorse  = insightstest.ItemEndorse
	passport = insightstest.ItemPassport
)

// codes returns the item codes of popular items.
func popularCodes(r *insights.Ranking) []string {
	var out []string
	for _, p := range r.Items {
		out = append(out, p.Item.Code)
	}
	return out
}

// recLines returns "code: reason" of recommendations.
func recLines(recs []insights.Recommendation) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Item.Code+": "+r.Reason.Line().ZH)
	}
	return out
}

// TestService checks the rankings, guides, recommendations and indicators
// on the scenario's history, on both databases.
func TestService(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := insightstest.NewEnv(t, d)
		sc := insightstest.PlayScenario(t, e)
		svc := e.Insights
		ctx := context.Background()
		t.Run("popular", func(t *testing.T) {
			r, err := svc.Popular(ctx, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff([]string{hkMacao, grad, subsidy, endorse, passport}, popularCodes(r)); d != "" {
				t.Errorf("popular (-want +got):\n%s", d)
			}
			if r.Items[0].Applications != 8 || r.Items[0].Rank != 1 || r.Items[4].Rank != 5 {
				t.Errorf("first %+v, last %+v", r.Items[0], r.Items[4])
			}
			if want := insights.Last(30*24*time.Hour, identitytest.Start); r.Window != want {
				t.Errorf("window %v, want %v", r.Window, want)
			}
			r, err = svc.Popular(ctx, "SZRS", 1)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff([]string{grad}, popularCodes(r)); d != "" || r.Department.Code != "SZRS" {
				t.Errorf("popular in SZRS (-want +got):\n%s", d)
			}
			if _, err := svc.Popular(ctx, "NOPE", 5); errs.KindOf(err) != errs.Invalid || errs.As(err).Field != "department" {
				t.Errorf("unknown department: %v", err)
			}
		})
		t.Run("popular follows the clock", func(t *testing.T) {
			later, err := insights.NewService(insights.Deps{Store: e.Store, Catalog: e.CatalogService,
				Now: func() time.Time { return identitytest.Start.Add(20 * 24 * time.Hour) }})
			if err != nil {
				t.Fatal(err)
			}
			r, err := later.Popular(ctx, "", 10)
			if err != nil {
				t.Fatal(err)
			}
			// Twenty days on, only the endorsements of 28 February and 1 March remain.
			if d := cmp.Diff([]string{endorse}, popularCodes(r)); d != "" || r.Items[0].Applications != 2 {
				t.Errorf("popular 20 days later (-want +got):\n%s", d)
			}
		})
		t.Run("related", func(t *testing.T) {
			r, err := svc.Related(ctx, grad, 5)
			if err != nil {
				t.Fatal(err)
			}
			// Every graduate also applied for the pass to Hong Kong and
			// Macao, but so did everybody else (lift 1): only the subsidy
			// goes with the graduates' item.
			if len(r.Items) != 1 || r.Items[0].Item.Code != subsidy || r.Items[0].Both != 3 || r.Items[0].Lift != 2 || r.Applicants != 4 {
				t.Errorf("related to the graduates' item: %+v", r)
			}
			r, err = svc.Related(ctx, hkMacao, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Items) != 0 || r.Applicants != 8 {
				t.Errorf("an item everybody applied for has no related items: %+v", r.Items)
			}
			if _, err := svc.Related(ctx, "4403-NOPE-001", 5); errs.KindOf(err) != errs.NotFound {
				t.Errorf("unknown item: %v", err)
			}
		})
		t.Run("guides", func(t *testing.T) {
			g, err := svc.Guide(ctx, "EXIT_ENTRY")
			if err != nil {
				t.Fatal(err)
			}
			var steps []string
			for _, s := range g.Steps {
				steps = append(steps, s.Item.Code)
			}
			// The passport came first for the three who had both; the
			// endorsement follows the pass by popularity; the rest in the
			// catalogue's order.
			want := []string{passport, hkMacao, endorse, "4403-SZGA-002", "4403-SZGA-003", "4403-SZGA-005"}
			if len(steps) != 23 || g.Ordered != 1 || !cmp.Equal(want, steps[:6]) || g.Steps[0].N != 1 {
				t.Errorf("exit and entry guide: %d steps %v, ordered %d", len(steps), steps, g.Ordered)
			}
			g, err = svc.Guide(ctx, "GRAD_HUKOU")
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Steps) != 2 || g.Steps[0].Item.Code != grad || g.Steps[1].Item.Code != subsidy || g.Ordered != 1 {
				t.Errorf("graduates' guide: %+v", g.Steps)
			}
			if _, err := svc.Guide(ctx, "NOPE"); errs.KindOf(err) != errs.NotFound {
				t.Errorf("unknown theme: %v", err)
			}
		})
		t.Run("recommendations", func(t *testing.T) {
			enterprise := identitytest.Enterprise(t, e.Service, nil)
			tests := []struct {
				name string
				who  *identity.Account
				want []string
			}{
				// A new graduate from Wuhan who applied for the pass, the
				// passport and both graduate items: nothing of that again.
				{"the graduate", sc.P[1], []string{"4403-SZGA-026: 非本市户籍居民常办：「办理居住证」", endorse + ": 本月热门"}},
				// Born in 1964: the retirement theme's first step.
				{"near retirement", sc.P[6], []string{"4403-SZGA-029: 临近退休年龄常办：「退休」",
					grad + ": 本月热门", subsidy + ": 本月热门", endorse + ": 本月热门"}},
				{"an enterprise", enterprise, []string{grad + ": 本月热门"}},
				{"staff", e.Worker(t, "SZGA"), nil},
				{"nobody", nil, nil},
			}
			for _, tt := range tests {
				recs, err := svc.Recommend(ctx, tt.who, 6)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(tt.want, recLines(recs)); d != "" {
					t.Errorf("%s (-want +got):\n%s", tt.name, d)
				}
			}
		})
		t.Run("indicators", func(t *testing.T) {
			p, err := insights.ParsePeriod("2026-02-01", "2026-02-28", svc.Now())
			if err != nil {
				t.Fatal(err)
			}
			ind, err := svc.Indicators(ctx, p, "")
			if err != nil {
				t.Fatal(err)
			}
			a := ind.Overall.Applications
			want := insights.ApplicationRates{Submitted: 17, Decided: 12, OnlineApplication: insights.Ratio{Num: 15, Den: 17},
				OnlineCompletion: insights.Ratio{Num: 8, Den: 12}, OnTime: insights.Ratio{Num: 10, Den: 11},
				MedianDecision: 2*time.Hour + 15*time.Minute}
			if d := cmp.Diff(want, a); d != "" {
				t.Errorf("overall rates (-want +got):\n%s", d)
			}
			if len(ind.Daily) != 28 || ind.Daily[1] != (insights.DayCount{Day: "2026-02-02", Submitted: 3, SubmittedOnline: 3, Decided: 2}) ||
				ind.Daily[0] != (insights.DayCount{Day: "2026-02-01"}) {
				t.Errorf("daily: %d days, %+v %+v", len(ind.Daily), ind.Daily[0], ind.Daily[1])
			}
			var rs *insights.DepartmentIndicators
			for i := range ind.Departments {
				if ind.Departments[i].Department.Code == "SZRS" {
					rs = &ind.Departments[i]
				}
			}
			if rs == nil || rs.Applications.MedianDecision != 90*time.Minute || rs.Applications.OnTime != (insights.Ratio{Num: 3, Den: 4}) {
				t.Fatalf("SZRS: %+v", rs)
			}
			one, err := svc.Indicators(ctx, p, "SZRS")
			if err != nil {
				t.Fatal(err)
			}
			shares, err := e.CatalogService.Shares(ctx, "SZRS")
			if err != nil {
				t.Fatal(err)
			}
			if one.Overall.Applications != rs.Applications || one.Overall.Catalogue.Items != shares.Items ||
				one.Overall.Catalogue.ZeroTrip.Num != shares.ZeroTrip || len(one.Departments) != 1 || one.Department.Code != "SZRS" {
				t.Errorf("SZRS alone: %+v", one.Overall)
			}
			if _, err := svc.Indicators(ctx, p, "NOPE"); errs.KindOf(err) != errs.Invalid || errs.As(err).Field != "department" {
				t.Errorf("unknown department: %v", err)
			}
		})
	})
}

// TestRelatedItemsBeyondTheTheme plays graduates who also open a housing
// fund account: the fund account is related to the graduates' item, shows
// under the theme's guide, and is recommended to the next graduate with
// the reason.
func TestRelatedItemsBeyondTheTheme(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := insightstest.NewEnv(t, d)
		ctx := context.Background()
		const fund = "4403-SZGJJ-002" // 住房公积金个人账户设立
		birth := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
		var stories []cases.Story
		story := func(who *identity.Account, item string, day int) cases.Story {
			return cases.Story{ItemCode: item, Filer: who, Channel: cases.Online, Caseworker: e.Worker(t, item[5:len(item)-4]),
				SubmittedAt: insightstest.At(2026, 2, day, 10, 0), Outcome: cases.Closed}
		}
		for i := range 4 {
			p := e.Person(t, "毕业生", "440306", birth, i)
			stories = append(stories, story(p, grad, 2+i), story(p, fund, 9+i))
		}
		for i := range 4 {
			stories = append(stories, story(e.Person(t, "旅客", "440306", birth, 10+i), hkMacao, 2+i))
		}
		next := e.Person(t, "新毕业生", "440306", birth, 20)
		stories = append(stories, story(next, grad, 24))
		e.Play(t, stories...)

		r, err := e.Insights.Related(ctx, grad, 5)
		if err != nil {
			t.Fatal(err)
		}
		// 9 applicants, 5 graduates, 4 fund accounts all opened by them:
		// confidence 4/5, lift (4/5)/(4/9) = 1.8.
		if len(r.Items) != 1 || r.Items[0].Item.Code != fund || r.Items[0].Both != 4 || r.Items[0].Confidence != 0.8 ||
			r.Items[0].Lift < 1.799 || r.Items[0].Lift > 1.801 {
			t.Errorf("related: %+v", r.Items)
		}
		g, err := e.Insights.Guide(ctx, "GRAD_HUKOU")
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Also) != 1 || g.Also[0].Item.Code != fund {
			t.Errorf("guide's related items: %+v", g.Also)
		}
		recs, err := e.Insights.Recommend(ctx, next, 3)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{subsidy + ": 办理「毕业生落户」的下一步", fund + ": 与您办理的「高校应届毕业生引进入户」相关", hkMacao + ": 本月热门"}
		if d := cmp.Diff(want, recLines(recs)); d != "" {
			t.Errorf("recommendations (-want +got):\n%s", d)
		}
	})
}

// TestShippedCatalogueShares checks that the shipped catalogue's shares
// come out as its README states: 293 of 515 items with zero trips
// (56.89%), 501 with at most one (97.28%), 489 fully online (94.95%).
func TestShippedCatalogueShares(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cat := catalog.NewService(catalogsql.New(d), nil, slog.New(slog.DiscardHandler))
		if _, err := cat.Import(ctx, catalog.Shipped(), nil); err != nil {
			t.Fatal(err)
		}
		svc, err := insights.NewService(insights.Deps{Store: insightssql.New(d), Catalog: cat,
			Now: func() time.Time { return identitytest.Start }})
		if err != nil {
			t.Fatal(err)
		}
		p, err := insights.ParsePeriod("", "", svc.Now())
		if err != nil {
			t.Fatal(err)
		}
		ind, err := svc.Indicators(ctx, p, "")
		if err != nil {
			t.Fatal(err)
		}
		c := ind.Overall.Catalogue
		got := []any{c.Items, c.ZeroTrip.Num, c.ZeroTrip.Percent(), c.AtMostOneTrip.Num, c.AtMostOneTrip.Percent(),
			c.OnlineFullProcess.Num, c.OnlineFullProcess.Percent()}
		want := []any{515, 293, "56.89%", 501, "97.28%", 489, "94.95%"}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("shares (-want +got):\n%s", d)
		}
		sum := insights.CatalogueShares{}
		for _, dep := range ind.Departments {
			sum.Items += dep.Catalogue.Items
			sum.ZeroTrip.Num += dep.Catalogue.ZeroTrip.Num
			sum.AtMostOneTrip.Num += dep.Catalogue.AtMostOneTrip.Num
			sum.OnlineFullProcess.Num += dep.Catalogue.OnlineFullProcess.Num
		}
		for _, dep := range ind.Departments {
			want, err := cat.Shares(ctx, dep.Department.Code)
			if err != nil {
				t.Fatal(err)
			}
			if c := dep.Catalogue; c.Items != want.Items || c.ZeroTrip.Num != want.ZeroTrip || c.AtMostOneTrip.Num != want.AtMostOneTrip ||
				c.OnlineFullProcess.Num != want.OnlineFullProcess {
				t.Errorf("%s: %+v, the catalogue counts %+v", dep.Department.Code, c, want)
			}
		}
		if len(ind.Departments) != 37 || sum.Items != 515 || sum.ZeroTrip.Num != 293 || sum.AtMostOneTrip.Num != 501 || sum.OnlineFullProcess.Num != 489 {
			t.Errorf("%d departments adding up to %+v", len(ind.Departments), sum)
		}
		if a := ind.Overall.Applications; a.Submitted != 0 || a.OnlineApplication.Percent() != "—" || len(ind.Daily) != 30 {
			t.Errorf("no applications: %+v, %d days", a, len(ind.Daily))
		}
	})
}

// countingStore counts the store's aggregate queries.
type countingStore struct {
	insights.Store
	calls atomic.Int32
}

func (c *countingStore) ItemCounts(ctx context.Context, w insights.Window, dept string, limit int) ([]insights.ItemCount, error) {
	c.calls.Add(1)
	return c.Store.ItemCounts(ctx, w, dept, limit)
}

func TestCacheExpiresByTheClock(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	cat := catalog.NewService(catalogsql.New(d), nil, slog.New(slog.DiscardHandler))
	if _, err := cat.Import(ctx, catalog.Shipped(), nil); err != nil {
		t.Fatal(err)
	}
	clock := identitytest.NewClock(identitytest.Start)
	st := &countingStore{Store: insightssql.New(d)}
	svc, err := insights.NewService(insights.Deps{Store: st, Catalog: cat, Now: clock.Now, Policy: insights.Policy{CacheTTL: 5 * time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		advance time.Duration
		calls   int32
	}{{0, 1}, {4 * time.Minute, 1}, {2 * time.Minute, 2}, {time.Minute, 2}}
	for i, s := range steps {
		clock.Advance(s.advance)
		if _, err := svc.Popular(ctx, "", 5); err != nil {
			t.Fatal(err)
		}
		if got := st.calls.Load(); got != s.calls {
			t.Errorf("step %d: %d queries, want %d", i, got, s.calls)
		}
	}
}
