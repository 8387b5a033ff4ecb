package approvalweb

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// Panel shows an application's instant-approval decision on its receipt
// and its page — the outcome, every rule's result and reason in plain
// Chinese, how long it took — and lets the applicant ask for a manual
// review of an automatic rejection (POST /applications/{serial}/appeal).
type Panel struct {
	svc *approval.Service
	tpl *template.Template
}

// NewPanel returns the panel of svc's decisions.
func NewPanel(svc *approval.Service) *Panel {
	return &Panel{svc: svc, tpl: template.Must(template.New("panel").Funcs(template.FuncMap{
		"ms": func(us int64) string { return strconv.FormatFloat(float64(us)/1000, 'f', 1, 64) },
	}).Parse(panelHTML))}
}

// Routes mounts the appeal.
func (p *Panel) Routes(mux *http.ServeMux) {
	mux.Handle("POST /applications/{serial}/appeal", web.RequireAccount(p.appeal))
}

// panelData is what the panel shows.
type panelData struct {
	App      *cases.Application
	Decision *approval.Decision
	Count    int
	Appeal   bool // the applicant may appeal now
	Staff    bool // the viewer is the department's staff: link the decision's record
	CSRF     string
	EN       bool
}

// Render returns the panel of v's application: empty when it was never
// decided automatically.
func (p *Panel) Render(r *http.Request, v *cases.View) (template.HTML, error) {
	_, list, err := p.svc.Decisions(r.Context(), web.AccountFrom(r.Context()), v.App.Serial)
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		return "", nil
	}
	d := panelData{App: v.App, Decision: list[len(list)-1], Count: len(list), CSRF: web.CSRFToken(r.Context()),
		EN: web.LangFrom(r.Context()) == "en"}
	d.Appeal = d.Decision.Outcome == approval.Reject && v.App.State == cases.Rejected && v.Role == cases.RoleApplicant
	d.Staff = v.Role == cases.RoleCaseworker
	var b bytes.Buffer
	if err := p.tpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render the decision panel: %w", err)
	}
	return template.HTML(b.String()), nil
}

// appeal sends an automatic rejection to a caseworker.
func (p *Panel) appeal(w http.ResponseWriter, r *http.Request) error {
	serial := r.PathValue("serial")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err := p.svc.Appeal(r.Context(), web.AccountFrom(r.Context()), serial, r.PostFormValue("reason"), version)
	if err != nil {
		return err // a domain error's page says what is wrong; nothing changed
	}
	http.Redirect(w, r, "/applications/"+url.PathEscape(serial), http.StatusSeeOther)
	return nil
}

const panelHTML = `<section class="card decision" id="decision" data-outcome="{{.Decision.Outcome}}">
{{- $d := .Decision}}
  <h2>{{if .EN}}Instant approval{{else}}秒批结果{{end}}</h2>
  {{- if eq (print $d.Outcome) "approve"}}
  <div class="alert alert-ok" role="status" id="outcome"><strong>{{if .EN}}Approved automatically{{else}}已通过秒批，准予办理{{end}}</strong></div>
  {{- else if eq (print $d.Outcome) "reject"}}
  <div class="alert alert-error" role="status" id="outcome"><strong>{{if .EN}}Not approved{{else}}未通过自动审核，不予许可{{end}}</strong></div>
  {{- else if eq (print $d.Outcome) "correction"}}
  <div class="alert alert-info" role="status" id="outcome"><strong>{{if .EN}}Materials missing: please correct and resubmit{{else}}材料不齐，请补正后重新提交{{end}}</strong></div>
  {{- else}}
  <div class="alert alert-info" role="status" id="outcome"><strong>{{if .EN}}Some data needs a caseworker's check{{else}}部分信息需人工核实，已转工作人员审核{{end}}</strong></div>
  {{- end}}
  <ol class="link-list rules">
  {{- range $d.Rules}}
    <li data-rule="{{.ID}}" data-result="{{.Result}}">
      <strong>{{if eq (print .Result) "pass"}}✔{{else if eq (print .Result) "fail"}}✘{{else}}？{{end}} {{.Name}}</strong>
      <div>{{.Reason}}</div>
    </li>
  {{- end}}
  </ol>
  <p class="muted small">{{if .EN}}Decided by version {{$d.RuleSetVersion}} of the published rules in {{ms $d.TotalMicros}} ms, reading the shared registries; every read is in{{else}}依据已发布的第 {{$d.RuleSetVersion}} 版规则，用时 {{ms $d.TotalMicros}} 毫秒，核验了部门共享数据；每次读取都记录在{{end}} <a href="/my/data-use">{{if .EN}}my data use records{{else}}我的数据使用记录{{end}}</a>{{if gt .Count 1}}{{if .EN}}; decided {{.Count}} times{{else}}；共决定 {{.Count}} 次{{end}}{{end}}.
  {{- if .Staff}} <a href="/approval/decisions/{{$d.ID}}">{{if .EN}}Decision record and replay{{else}}决定记录与重放{{end}}</a>{{end}}</p>
  {{- if .Appeal}}
  <form method="post" action="/applications/{{.App.Serial}}/appeal" class="stack">
    <input type="hidden" name="_csrf" value="{{.CSRF}}">
    <input type="hidden" name="version" value="{{.App.Version}}">
    <label for="appeal-reason">{{if .EN}}If you disagree, ask a caseworker to review it (reason, optional){{else}}如有异议，可申请人工复核（理由，选填）{{end}}</label>
    <textarea id="appeal-reason" name="reason" rows="2" maxlength="1000"></textarea>
    <button class="btn btn-secondary" type="submit" id="appeal">{{if .EN}}Ask for a manual review{{else}}申请人工复核{{end}}</button>
  </form>
  {{- end}}
</section>`
