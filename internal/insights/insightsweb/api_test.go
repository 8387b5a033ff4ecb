package insightsweb_test

import (
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightstest"
)

const (
	grad     = insightstest.ItemGrad
	subsidy  = insightstest.ItemSubsidy
	hkMacao  = insightstest.ItemHKMacao
	passport = insightstest.ItemPassport
)

type ratio struct {
	Count int      `json:"count"`
	Total int      `json:"total"`
	Share *float64 `json:"share"`
}

type statsAnswer struct {
	Period struct {
		From, To string
		Days     int
	}
	Department *struct{ Code, Name string }
	Overall    struct {
		Catalogue struct {
			Items    int
			ZeroTrip ratio `json:"zero_trip"`
		}
		Applications struct {
			Submitted         int
			Decided           int
			OnlineApplication ratio    `json:"online_application"`
			OnlineCompletion  ratio    `json:"online_completion"`
			OnTime            ratio    `json:"on_time"`
			Median            *float64 `json:"median_decision_hours"`
		}
	}
	Departments []struct {
		Code         string
		Applications struct {
			Submitted int
			OnTime    ratio    `json:"on_time"`
			Median    *float64 `json:"median_decision_hours"`
		}
	}
	Daily []struct {
		Date            string
		Submitted       int
		SubmittedOnline int `json:"submitted_online"`
		Decided         int
	}
	Definitions []struct{ Key, Name, Definition string }
}

func TestAPI(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "popular services, public", path: "/api/v1/services/popular", status: 200,
				check: func(t *testing.T, w *httptest.ResponseRecorder) {
					var got struct {
						Department *struct{ Code string }
						Items      []struct {
							Rank         int
							Code         string
							Name         string
							Applications int
							URL          string
						}
					}
					decode(t, w, &got)
					if len(got.Items) != 5 || got.Department != nil {
						t.Fatalf("got %+v", got)
					}
					first := got.Items[0]
					if first.Rank != 1 || first.Code != hkMacao || first.Applications != 8 || first.Name != "内地居民往来港澳通行证签发" ||
						first.URL != "/services/"+hkMacao {
						t.Errorf("first: %+v", first)
					}
				}},
			{name: "popular in one department", path: "/api/v1/services/popular?department=SZRS&limit=1", status: 200,
				want:    []string{`"code":"` + grad + `"`, `"applications":4`, `"department":{"code":"SZRS"`},
				notWant: []string{subsidy}},
			{name: "limit zero", path: "/api/v1/services/popular?limit=0", status: 422, check: problem("limit")},
			{name: "limit not a number", path: "/api/v1/services/popular?limit=ten", status: 422, check: problem("limit")},
			{name: "limit too large", path: "/api/v1/services/popular?limit=51", status: 422, check: problem("limit")},
			{name: "unknown department", path: "/api/v1/services/popular?department=NOPE", status: 422, check: problem("department"),
				want: []string{"部门代码「NOPE」不存在"}},
			{name: "related services", path: "/api/v1/services/" + grad + "/related", status: 200,
				check: func(t *testing.T, w *httptest.ResponseRecorder) {
					var got struct {
						Item       struct{ Code string }
						Applicants int
						MinSupport int `json:"min_support"`
						Items      []struct {
							Code       string
							Both       int
							Confidence float64
							Lift       float64
						}
					}
					decode(t, w, &got)
					want := []struct {
						Code       string
						Both       int
						Confidence float64
						Lift       float64
					}{{subsidy, 3, 0.75, 2}}
					if d := cmp.Diff(want, got.Items); d != "" || got.Applicants != 4 || got.MinSupport != 3 || got.Item.Code != grad {
						t.Errorf("related (-want +got):\n%s\n%+v", d, got)
					}
				}},
			{name: "related of an unknown item", path: "/api/v1/services/4403-NOPE-001/related", status: 404, check: problem("")},
			{name: "related limit", path: "/api/v1/services/" + grad + "/related?limit=21", status: 422, check: problem("limit")},
			{name: "a theme's guide", path: "/api/v1/themes/EXIT_ENTRY/guide", status: 200,
				want: []string{`"ordered_pairs":1`, `"steps":[{"step":1,"code":"` + passport + `"`, `{"step":2,"code":"` + hkMacao + `"`}},
			{name: "an unknown theme's guide", path: "/api/v1/themes/NOPE/guide", status: 404, check: problem("")},
			{name: "indicators of February", path: "/api/v1/stats/services?from=2026-02-01&to=2026-02-28", status: 200,
				check: func(t *testing.T, w *httptest.ResponseRecorder) {
					var got statsAnswer
					decode(t, w, &got)
					a := got.Overall.Applications
					if got.Period.Days != 28 || a.Submitted != 17 || a.Decided != 12 || a.OnlineApplication.Count != 15 ||
						a.OnlineApplication.Total != 17 || *a.OnlineApplication.Share != 0.8824 || a.OnlineCompletion.Count != 8 ||
						a.OnTime.Count != 10 || a.OnTime.Total != 11 || *a.Median != 2.25 {
						t.Errorf("overall: %+v", got.Overall)
					}
					if len(got.Daily) != 28 || got.Daily[1].Date != "2026-02-02" || got.Daily[1].Submitted != 3 || got.Daily[1].Decided != 2 {
						t.Errorf("daily: %+v", got.Daily[:2])
					}
					if len(got.Definitions) != 7 || got.Definitions[4].Key != "online_completion" || got.Definitions[4].Name != "网上办结率" {
						t.Errorf("definitions: %+v", got.Definitions)
					}
				}},
			{name: "indicators of one department, in English", path: "/api/v1/stats/services?from=2026-02-01&to=2026-02-28&department=SZRS&lang=en", status: 200,
				check: func(t *testing.T, w *httptest.ResponseRecorder) {
					var got statsAnswer
					decode(t, w, &got)
					if got.Department == nil || got.Department.Code != "SZRS" || len(got.Departments) != 1 ||
						!cmp.Equal(got.Departments[0].Applications.OnTime, ratio{Count: 3, Total: 4, Share: ptr(0.75)}) ||
						*got.Departments[0].Applications.Median != 1.5 || got.Definitions[4].Name != "Online completion rate" {
						t.Errorf("SZRS: %+v", got)
					}
				}},
			{name: "indicators by default: the last 30 days", path: "/api/v1/stats/services", status: 200,
				want: []string{`"period":{"from":"2026-02-01","to":"2026-03-02","days":30}`}},
			{name: "not a date", path: "/api/v1/stats/services?from=2026-02-30", status: 422, check: problem("from"),
				want: []string{"不是有效日期"}},
			{name: "not a date, in English", path: "/api/v1/stats/services?to=03/01/2026&lang=en", status: 422, check: problem("to"),
				want: []string{"is not a valid date"}},
			{name: "from after to", path: "/api/v1/stats/services?from=2026-03-01&to=2026-02-01", status: 422, check: problem("from")},
			{name: "over three years", path: "/api/v1/stats/services?from=2020-01-01&to=2026-01-01", status: 422, check: problem("from"),
				want: []string{"最长为 1098 天"}},
			{name: "unknown department", path: "/api/v1/stats/services?department=NOPE", status: 422, check: problem("department")},
			{name: "recommendations need a sign-in", path: "/api/v1/recommendations", status: 401, check: problem("")},
			{name: "a graduate's recommendations with reasons", path: "/api/v1/recommendations", as: "graduate", status: 200,
				want:    []string{`"code":"4403-SZGA-026"`, `"kind":"profile"`, `"line":"非本市户籍居民常办：「办理居住证」"`, `"line":"本月热门"`},
				notWant: []string{`"code":"` + grad + `"`, `"code":"` + hkMacao + `"`}},
			{name: "staff get none", path: "/api/v1/recommendations", as: "staff", status: 200, want: []string{`{"items":[]}`}},
		})
	})
}

func ptr(f float64) *float64 { return &f }
