package insightsweb_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// chartOf reads the charts' data that the dashboard carries.
func chartOf(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	body := w.Body.String()
	start := strings.Index(body, `<script type="application/json" id="stats-data">`)
	if start < 0 {
		t.Fatal("no chart data")
	}
	rest := body[start+len(`<script type="application/json" id="stats-data">`):]
	var out map[string]any
	if err := json.Unmarshal([]byte(rest[:strings.Index(rest, "</script>")]), &out); err != nil {
		t.Fatalf("chart data: %v", err)
	}
	return out
}

func TestPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		htmx := map[string]string{"HX-Request": "true"}
		f.run(t, []scenario{
			{name: "popular services", path: "/services/popular", status: 200,
				want: []string{"热门事项", "全部部门热门事项", `href="/services/` + hkMacao + `"`, "内地居民往来港澳通行证签发",
					"市公安局 · 8 件申请", "统计区间：2026-01-31 至 2026-03-02"},
				check: inOrder("内地居民往来港澳通行证签发", "高校应届毕业生引进入户", "新引进人才租房和生活补贴申领", "普通护照签发")},
			{name: "popular in a department", path: "/services/popular?department=SZRS", status: 200,
				want:    []string{"深圳市人力资源和社会保障局 热门事项", "高校应届毕业生引进入户", `<option value="SZRS" selected>`},
				notWant: []string{"内地居民往来港澳通行证签发"}},
			{name: "in English", path: "/services/popular?lang=en", status: 200,
				want: []string{"Popular services", "8 applications"}},
			{name: "popular list for another page", path: "/services/popular?department=SZGA&limit=2", header: htmx, status: 200,
				want: []string{`id="popular-list"`, "内地居民往来港澳通行证签发"}, notWant: []string{"<html", "普通护照签发"}},
			{name: "popular in an unknown department", path: "/services/popular?department=NOPE", status: 422,
				want: []string{"部门代码「NOPE」不存在", `id="popular-filter"`}},
			{name: "related services", path: "/services/" + grad + "/related", status: 200,
				want: []string{"办理「高校应届毕业生引进入户」的人还办理了", "新引进人才租房和生活补贴申领", "3 人两项都办理了",
					"占本事项申请人 75%", "提升度 2.0", "至少 3 位申请人"},
				notWant: []string{"内地居民往来港澳通行证签发"}},
			{name: "related list for the item's page", path: "/services/" + grad + "/related", header: htmx, status: 200,
				want: []string{`id="related-list"`, "新引进人才租房和生活补贴申领"}, notWant: []string{"<html"}},
			{name: "nothing related yet", path: "/services/" + hkMacao + "/related", status: 200,
				want: []string{"暂无足够的办件数据"}},
			{name: "related of an unknown item", path: "/services/4403-NOPE-001/related", status: 404, want: []string{"事项不存在"}},
			{name: "a theme's guide", path: "/themes/EXIT_ENTRY/guide", status: 200,
				want: []string{"出入境 · 办事指南", "第 1 步：", `href="/apply/` + passport + `"`, "申请办理", "1 对事项的先后由多数申请人",
					`href="/themes/EXIT_ENTRY"`},
				check: inOrder("普通护照签发", "内地居民往来港澳通行证签发", "内地居民往来港澳通行证签注", "内地居民往来港澳通行证换发")},
			{name: "a guide in English", path: "/themes/GRAD_HUKOU/guide?lang=en", status: 200,
				want: []string{"Step by step", "Step 1: ", "Apply"}, check: inOrder("高校应届毕业生引进入户", "新引进人才租房和生活补贴申领")},
			{name: "an unknown theme's guide", path: "/themes/NOPE/guide", status: 404},
			{name: "the dashboard", path: "/stats", status: 200,
				want: []string{"数据公开：政务服务指标", "统计区间：2026-02-01 至 2026-03-02，共 30 天", "零跑腿", "网上全流程办理",
					"上网办理率", "网上办结率", "按时办结率", "办理时长中位数", `id="chart-daily"`, "vendor/chartjs/chart.umd.min.js",
					"js/stats.js", "指标口径", "全程无需到现场", `href="/api/v1/stats/services?from=2026-02-01&amp;to=2026-03-02&amp;department="`}},
			{name: "the dashboard for February", path: "/stats?from=2026-02-01&to=2026-02-28", status: 200,
				want: []string{`<span class="stat-value">88.24%</span> <span class="stat-count">15 / 17</span>`,
					`<span class="stat-value">66.67%</span> <span class="stat-count">8 / 12</span>`,
					`<span class="stat-value">90.91%</span> <span class="stat-count">10 / 11</span>`,
					"2.3 小时", "基于 12 件已决定的办件", `id="dept-SZRS"`, `id="chart-depts"`},
				check: func(t *testing.T, w *httptest.ResponseRecorder) {
					c := chartOf(t, w)
					days, _ := c["days"].([]any)
					subs, _ := c["submitted"].([]any)
					depts, _ := c["depts"].([]any)
					if len(days) != 28 || days[1] != "02-02" || subs[1] != 3.0 || len(depts) != 2 || depts[0] != "市公安局" {
						t.Errorf("chart data: days %v, submitted %v, departments %v", days, subs, depts)
					}
				}},
			{name: "one department's dashboard", path: "/stats?from=2026-02-01&to=2026-02-28&department=SZRS", status: 200,
				want: []string{"深圳市人力资源和社会保障局", "1.5 小时", `<option value="SZRS" selected>`}, notWant: []string{`id="dept-SZGA"`, `id="chart-depts"`}},
			{name: "the dashboard in English", path: "/stats?lang=en", status: 200,
				want: []string{"Public indicators of government services", "Online completion rate", "nobody had to visit a hall"}},
			{name: "bad dates on the dashboard", path: "/stats?from=2026-02-30", status: 422,
				want:    []string{`id="stats-error"`, "开始日期「2026-02-30」不是有效日期", `id="from" name="from" type="date" value="2026-02-30" aria-invalid="true"`},
				notWant: []string{`id="stats-data"`}},
			{name: "a period too long", path: "/stats?from=2020-01-01&to=2026-01-01", status: 422, want: []string{"最长为 1098 天"}},
		})
	})
}
