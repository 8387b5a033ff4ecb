package catalogweb_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogweb"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

func TestPublicPages(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		q := url.QueryEscape
		runScenarios(t, f, []scenario{
			{name: "catalogue overview", path: "/services", status: 200,
				want: []string{"办事服务", `href="/themes/GRAD_HUKOU"`, "毕业生落户", "开办企业", `href="/services?department=SZGA"`,
					"深圳市公安局", "50 项", "56.89%", "97.28%", "94.95%", `hx-get="/services/suggest"`}},
			{name: "in English", path: "/services?lang=en", status: 200,
				want: []string{"Government services", "By department", "50 services", "Fully online"}},
			{name: "search page", path: "/services?q=" + q("港澳通行證"), status: 200,
				want: []string{"搜索结果", "内地居民往来港澳通行证", `href="/services/4403-SZGA-00`}},
			{name: "search in pinyin initials", path: "/services?q=sbk", status: 200,
				want: []string{"社会保障卡申领"}},
			{name: "nothing found", path: "/services?q=" + q("咖喱鸡块"), status: 200,
				want: []string{"没有找到相关事项"}},
			{name: "over-long search", path: "/services?q=" + q(strings.Repeat("证", 101)), status: 422,
				want: []string{"搜索内容不能超过 100 个字符"}},
			{name: "department list", path: "/services?department=SZGJJ", status: 200,
				want: []string{"深圳市住房公积金管理中心 的办事事项", "个人住房公积金贷款", "零跑腿"}},
			{name: "unknown department", path: "/services?department=NOPE", status: 404},
			{name: "suggestions fragment", path: "/services/suggest?q=" + q("办护照"), status: 200,
				header: map[string]string{"HX-Request": "true"},
				want:   []string{"普通护照签发", `href="/services/4403-SZGA-010"`}, notWant: []string{"<html", "<header"}},
			{name: "no suggestions for nothing", path: "/services/suggest?q=", status: 200,
				notWant: []string{"<li", "<html"}},
			{name: "no suggestions for an over-long query", path: "/services/suggest?q=" + q(strings.Repeat("证", 101)), status: 200,
				notWant: []string{"<li"}},
			{name: "item page", path: "/services/4403-SZRS-001", status: 200,
				want: []string{"高校应届毕业生引进入户", "深圳市人力资源和社会保障局", "个人、法人和其他组织", "0 次（零跑腿）",
					"即办", "不收费", "不见面审批", "普通高等学校毕业证书", ">上传<", ">部门共享<", ">电子证照<", "视情况提供",
					`href="/themes/GRAD_HUKOU"`, "申请表需填写", "身份证号码", `href="/apply/4403-SZRS-001"`, "在线申请"},
				notWant: []string{"编辑事项"}},
			{name: "item page with fee and days", path: "/services/4403-SZJJ-010", status: 200,
				want: []string{"机动车注册登记", "最多 1 次", "个工作日", " 元"}},
			{name: "item page in English", path: "/services/4403-SZRS-001?lang=en", status: 200,
				want: []string{"Who may apply", "None (no visit needed)", "At once", "Shared by departments"}},
			{name: "department admin sees the edit link on their items", path: "/services/4403-SZRS-001", as: "rsAdmin", status: 200,
				want: []string{`href="/admin/services/4403-SZRS-001"`}},
			{name: "but not on others'", path: "/services/4403-SZGA-004", as: "rsAdmin", status: 200,
				notWant: []string{`href="/admin/services/4403-SZGA-004"`}},
			{name: "unknown item", path: "/services/4403-SZRS-999", status: 404, want: []string{"事项不存在"}},
			{name: "theme page", path: "/themes/BIRTH", status: 200,
				want: []string{"生育", "生育登记", "出生医学证明首次签发", "新生儿出生入户"}},
			{name: "unknown theme", path: "/themes/NOPE", status: 404},
		})
	})
}

func TestSearchAPI(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		q := url.QueryEscape
		problem := func(field string) func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
			return func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
				var p web.Problem
				if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type = %q", ct)
				}
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || len(p.Errors) != 1 || p.Errors[0].Field != field {
					t.Errorf("problem = %+v, %v; want one error on %s", p, err, field)
				}
			}
		}
		runScenarios(t, f, []scenario{
			{name: "search", path: "/api/v1/services?q=" + q("gangaotongxingzheng") + "&limit=3", status: 200,
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					var res struct {
						Items []struct {
							Code, Name, Department, DepartmentName string
							Score                                  float64
							MaxTrips                               int  `json:"max_trips"`
							Online                                 bool `json:"online_full_process"`
						}
						Total int
					}
					if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
						t.Fatal(err)
					}
					if len(res.Items) != 3 || res.Total < 4 || res.Items[0].Department != "SZGA" || res.Items[0].Score <= 0 ||
						!strings.Contains(res.Items[0].Name, "港澳通行证") || res.Items[0].Score < res.Items[1].Score {
						t.Errorf("result = %+v", res)
					}
					if !strings.Contains(w.Body.String(), `"department_name":"深圳市公安局"`) {
						t.Errorf("no department_name: %s", w.Body)
					}
				}},
			{name: "default limit", path: "/api/v1/services?q=" + q("许可证"), status: 200,
				check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder) {
					var res struct{ Items []json.RawMessage }
					if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || len(res.Items) != 10 {
						t.Errorf("items = %d, %v; want 10", len(res.Items), err)
					}
				}},
			{name: "no match", path: "/api/v1/services?q=" + q("！？"), status: 200, want: []string{`"items":[]`, `"total":0`}},
			{name: "q missing", path: "/api/v1/services", status: 422, check: problem("q")},
			{name: "q too long", path: "/api/v1/services?q=" + q(strings.Repeat("a", 101)), status: 422, check: problem("q")},
			{name: "q twice", path: "/api/v1/services?q=a&q=b", status: 422, check: problem("q")},
			{name: "limit zero", path: "/api/v1/services?q=x&limit=0", status: 422, check: problem("limit")},
			{name: "limit too high", path: "/api/v1/services?q=x&limit=101", status: 422, check: problem("limit")},
			{name: "limit not a number", path: "/api/v1/services?q=x&limit=ten", status: 422, check: problem("limit")},
			{name: "item", path: "/api/v1/services/4403-SZRS-001", status: 200,
				want: []string{`"code":"4403-SZRS-001"`, `"department_name":"深圳市人力资源和社会保障局"`, `"applicant":["person","enterprise"]`,
					`"fee_yuan":0`, `"source":"exchange"`, `"form_fields":[`, `"version":1`}},
			{name: "item with a fee", path: "/api/v1/services/4403-SZJJ-010", status: 200, want: []string{`"fee_yuan":100`}},
			{name: "unknown item", path: "/api/v1/services/NOPE", status: 404, want: []string{`"status":404`}},
		})
	})
}

func TestMessagesComplete(t *testing.T) {
	t.Parallel()
	srv, err := web.NewServer(web.Options{Registry: prometheus.NewRegistry(), Sessions: nilSessions{},
		Templates: []web.TemplateSet{catalogweb.Templates()}})
	if err != nil {
		t.Fatal(err)
	}
	if missing := srv.Renderer.UndefinedKeys(); len(missing) > 0 {
		t.Errorf("message keys used but not defined: %v", missing)
	}
}

// nilSessions authenticates nobody.
type nilSessions struct{}

func (nilSessions) Authenticate(context.Context, string) (*identity.Account, *identity.Session, error) {
	return nil, nil, errs.E(errs.Unauthenticated, "session.none", "未登录", "not signed in")
}
