package notify

// The names of the platform's default templates.
const (
	TemplateLoginCode            = "login_code"
	TemplateCaseStateChanged     = "case_state_changed"
	TemplateAppointmentConfirmed = "appointment_confirmed"
	TemplateApprovalResult       = "approval_result"
)

// DefaultTemplates returns the platform's message templates, for
// [NewTemplates]. Text messages carry the platform's signature 【鹏城政务】
// (【鹏城】 for login codes), as Chinese operators require.
//
//   - login_code (code, minutes): a one-time sign-in code.
//   - case_state_changed (item, serial, state, detail): an application
//     changed state; detail may be empty.
//   - appointment_confirmed (item, hall, time, code): a booking at a
//     service hall.
//   - approval_result (item, serial, outcome, reason): the outcome of an
//     instant approval; reason may be empty.
func DefaultTemplates() []TemplateDef {
	return []TemplateDef{
		{
			Name: TemplateLoginCode,
			Vars: []string{"code", "minutes"},
			ZH: TemplateText{Subject: "登录验证码",
				Body: "【鹏城】您的登录验证码为 {{.code}}，{{.minutes}}分钟内有效。如非本人操作，请忽略本短信。"},
			EN: TemplateText{Subject: "Sign-in code",
				Body: "[Pengcheng] Your sign-in code is {{.code}}, valid for {{.minutes}} minutes. If you did not ask for it, ignore this message."},
		},
		{
			Name: TemplateCaseStateChanged,
			Vars: []string{"item", "serial", "state", "detail"},
			ZH: TemplateText{Subject: "办件进度通知：{{.item}}",
				Body: "【鹏城政务】您的「{{.item}}」办件（流水号 {{.serial}}）{{.state}}。{{with .detail}}{{.}}{{end}}"},
			EN: TemplateText{Subject: "Progress of your application: {{.item}}",
				Body: "[Pengcheng] Your application for {{.item}} (serial {{.serial}}) {{.state}}.{{with .detail}} {{.}}{{end}}"},
		},
		{
			Name: TemplateAppointmentConfirmed,
			Vars: []string{"item", "hall", "time", "code"},
			ZH: TemplateText{Subject: "预约成功：{{.item}}",
				Body: "【鹏城政务】您已预约 {{.time}} 在{{.hall}}办理「{{.item}}」，预约码 {{.code}}。请携带身份证件按时到场签到。"},
			EN: TemplateText{Subject: "Appointment booked: {{.item}}",
				Body: "[Pengcheng] You have booked {{.time}} at {{.hall}} for {{.item}}; your booking code is {{.code}}. Bring your ID and check in on time."},
		},
		{
			Name: TemplateApprovalResult,
			Vars: []string{"item", "serial", "outcome", "reason"},
			ZH: TemplateText{Subject: "审批结果：{{.item}}",
				Body: "【鹏城政务】您的「{{.item}}」申请（流水号 {{.serial}}）审批结果：{{.outcome}}。{{with .reason}}{{.}}{{end}}"},
			EN: TemplateText{Subject: "Decision: {{.item}}",
				Body: "[Pengcheng] The decision on your application for {{.item}} (serial {{.serial}}): {{.outcome}}.{{with .reason}} {{.}}{{end}}"},
		},
	}
}
