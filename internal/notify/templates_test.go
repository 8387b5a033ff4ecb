package notify_test

import (
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

func TestTemplateRegistration(t *testing.T) {
	t.Parallel()
	ok := notify.TemplateDef{Name: "a", Vars: []string{"x"}, ZH: notify.TemplateText{Body: "甲{{.x}}"}}
	for _, tc := range []struct {
		name string
		defs []notify.TemplateDef
		want string // in the error; "" for none
	}{
		{"ok", []notify.TemplateDef{ok}, ""},
		{"defaults", notify.DefaultTemplates(), ""},
		{"unknown variable in the body", []notify.TemplateDef{{Name: "b", Vars: []string{"x"},
			ZH: notify.TemplateText{Body: "{{.x}}{{.y}}"}}}, `unknown variable "y"`},
		{"unknown variable in the English subject", []notify.TemplateDef{{Name: "b", Vars: []string{"x"},
			ZH: notify.TemplateText{Body: "{{.x}}"}, EN: notify.TemplateText{Subject: "{{.code}}", Body: "{{.x}}"}}}, `unknown variable "code"`},
		{"unknown variable inside if", []notify.TemplateDef{{Name: "b", Vars: []string{"x"},
			ZH: notify.TemplateText{Body: "{{if .x}}{{.z}}{{end}}"}}}, `unknown variable "z"`},
		{"no Chinese body", []notify.TemplateDef{{Name: "b", EN: notify.TemplateText{Body: "hi"}}}, "Chinese body is empty"},
		{"twice", []notify.TemplateDef{ok, ok}, "defined twice"},
		{"no name", []notify.TemplateDef{{ZH: notify.TemplateText{Body: "x"}}}, "no name"},
		{"does not parse", []notify.TemplateDef{{Name: "b", ZH: notify.TemplateText{Body: "{{.x"}}}, "template b"},
		{"fails on run", []notify.TemplateDef{{Name: "b", Vars: []string{"x"}, ZH: notify.TemplateText{Body: "{{index .x 3}}"}}}, "template b"},
	} {
		_, err := notify.NewTemplates(tc.defs...)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestTemplateRender(t *testing.T) {
	t.Parallel()
	tpl, err := notify.NewTemplates(notify.DefaultTemplates()...)
	if err != nil {
		t.Fatal(err)
	}
	caseVars := map[string]any{"item": "护照签发", "serial": "SZ0001", "state": "已受理", "detail": "承诺于3月9日前办结。"}
	for _, tc := range []struct {
		name, tpl, lang       string
		vars                  map[string]any
		wantSubject, wantBody string
	}{
		{"login code", notify.TemplateLoginCode, "zh", map[string]any{"code": "123456", "minutes": 5}, "登录验证码",
			"【鹏城】您的登录验证码为 123456，5分钟内有效。如非本人操作，请忽略本短信。"},
		{"login code in English", notify.TemplateLoginCode, "en", map[string]any{"code": "123456", "minutes": 5}, "Sign-in code",
			"[Pengcheng] Your sign-in code is 123456, valid for 5 minutes. If you did not ask for it, ignore this message."},
		{"other languages fall back to Chinese", notify.TemplateLoginCode, "fr", map[string]any{"code": "1", "minutes": 5}, "登录验证码",
			"【鹏城】您的登录验证码为 1，5分钟内有效。如非本人操作，请忽略本短信。"},
		{"case with detail", notify.TemplateCaseStateChanged, "zh", caseVars, "办件进度通知：护照签发",
			"【鹏城政务】您的「护照签发」办件（流水号 SZ0001）已受理。承诺于3月9日前办结。"},
		{"appointment", notify.TemplateAppointmentConfirmed, "zh",
			map[string]any{"item": "护照签发", "hall": "宝安区政务服务中心", "time": "3月3日 09:30", "code": "A1B2"}, "预约成功：护照签发",
			"【鹏城政务】您已预约 3月3日 09:30 在宝安区政务服务中心办理「护照签发」，预约码 A1B2。请携带身份证件按时到场签到。"},
	} {
		subject, body, err := tpl.Render(tc.tpl, tc.lang, tc.vars)
		if err != nil || subject != tc.wantSubject || body != tc.wantBody {
			t.Errorf("%s: got %q, %q, %v; want %q, %q", tc.name, subject, body, err, tc.wantSubject, tc.wantBody)
		}
	}
	for _, tc := range []struct {
		name, tpl string
		vars      map[string]any
		code      string
	}{
		{"unknown template", "nope", nil, "notify.template_unknown"},
		{"missing variable", notify.TemplateLoginCode, map[string]any{"code": "1"}, "notify.template_var_missing"},
		{"extra variable", notify.TemplateLoginCode, map[string]any{"code": "1", "minutes": 5, "name": "x"}, "notify.template_var_unknown"},
	} {
		_, _, err := tpl.Render(tc.tpl, "zh", tc.vars)
		if e := errs.As(err); e == nil || e.Kind != errs.Invalid || e.Code != tc.code {
			t.Errorf("%s: got %v, want invalid %s", tc.name, err, tc.code)
		}
	}
	if got := strings.Join(tpl.Names(), ","); got != "appointment_confirmed,approval_result,case_state_changed,login_code" {
		t.Errorf("Names = %s", got)
	}
}
