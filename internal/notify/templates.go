package notify

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// TemplateText is a template's subject and body in one language, in
// text/template syntax; {{.name}} stands for the variable name.
type TemplateText struct {
	Subject string // for e-mail and in-app notices; may be empty
	Body    string
}

// TemplateDef defines one message template.
type TemplateDef struct {
	// Name identifies the template, e.g. "login_code".
	Name string
	// Vars declares the variables the texts may use. A text that uses
	// another, or a render that omits or adds one, is an error.
	Vars []string
	// ZH is the Simplified Chinese text. Required.
	ZH TemplateText
	// EN is the English text; empty texts fall back to ZH.
	EN TemplateText
}

// Templates is a registry of message templates, built once by
// [NewTemplates] and safe for concurrent use.
type Templates struct {
	byName map[string]*compiled
}

// compiled is a parsed template: texts per language.
type compiled struct {
	def  TemplateDef
	text map[string][2]*template.Template // lang → subject, body (subject may be nil)
}

// NewTemplates parses defs. It returns an error naming the template for a
// missing or repeated name, a missing Chinese body, a text that does not
// parse, or a text that uses an undeclared variable.
func NewTemplates(defs ...TemplateDef) (*Templates, error) {
	t := &Templates{byName: map[string]*compiled{}}
	for _, d := range defs {
		if strings.TrimSpace(d.Name) == "" {
			return nil, fmt.Errorf("template: a template has no name")
		}
		if _, dup := t.byName[d.Name]; dup {
			return nil, fmt.Errorf("template %s: defined twice", d.Name)
		}
		if strings.TrimSpace(d.ZH.Body) == "" {
			return nil, fmt.Errorf("template %s: the Chinese body is empty", d.Name)
		}
		c := &compiled{def: d, text: map[string][2]*template.Template{}}
		for _, lang := range []string{"zh", "en"} {
			tt := d.ZH
			if lang == "en" && d.EN.Body != "" {
				tt = d.EN
			}
			var pair [2]*template.Template
			for i, src := range []string{tt.Subject, tt.Body} {
				if src == "" {
					continue
				}
				p, err := parseText(d, lang, i, src)
				if err != nil {
					return nil, err
				}
				pair[i] = p
			}
			c.text[lang] = pair
		}
		if _, _, err := c.render("zh", sampleVars(d.Vars)); err != nil {
			return nil, fmt.Errorf("template %s: %w", d.Name, err)
		}
		if _, _, err := c.render("en", sampleVars(d.Vars)); err != nil {
			return nil, fmt.Errorf("template %s: %w", d.Name, err)
		}
		t.byName[d.Name] = c
	}
	return t, nil
}

// parseText parses one text of d and checks its variables.
func parseText(d TemplateDef, lang string, i int, src string) (*template.Template, error) {
	part := [2]string{"subject", "body"}[i]
	p, err := template.New(d.Name + "." + lang + "." + part).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("template %s (%s %s): %w", d.Name, lang, part, err)
	}
	for _, name := range fieldsUsed(p.Tree.Root) {
		if !slices.Contains(d.Vars, name) {
			return nil, fmt.Errorf("template %s (%s %s): unknown variable %q (declared: %s)", d.Name, lang, part,
				name, strings.Join(d.Vars, ", "))
		}
	}
	return p, nil
}

// fieldsUsed returns the first names of the fields (.name) a template
// refers to.
func fieldsUsed(n parse.Node) []string {
	var out []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			out = append(out, n.Ident[0])
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(n)
	return out
}

func sampleVars(names []string) map[string]any {
	m := map[string]any{}
	for _, n := range names {
		m[n] = "x"
	}
	return m
}

// render fills the texts of lang with vars.
func (c *compiled) render(lang string, vars map[string]any) (subject, body string, err error) {
	pair, ok := c.text[lang]
	if !ok {
		pair = c.text["zh"]
	}
	var out [2]string
	for i, t := range pair {
		if t == nil {
			continue
		}
		var b bytes.Buffer
		if err := t.Execute(&b, vars); err != nil {
			return "", "", fmt.Errorf("render: %w", err)
		}
		out[i] = b.String()
	}
	return out[0], out[1], nil
}

// Render fills template name in lang ("zh" or "en"; others fall back to
// Chinese) with vars. It returns errs.Invalid for an unknown template and
// for vars that lack a declared variable or hold an undeclared one.
func (t *Templates) Render(name, lang string, vars map[string]any) (subject, body string, err error) {
	c := t.byName[name]
	if c == nil {
		return "", "", errs.Field("template", "notify.template_unknown", "消息模板「"+name+"」不存在",
			"there is no message template "+name)
	}
	for _, v := range c.def.Vars {
		if _, ok := vars[v]; !ok {
			return "", "", errs.Field("vars", "notify.template_var_missing",
				fmt.Sprintf("消息模板「%s」缺少变量 %s", name, v), fmt.Sprintf("template %s needs the variable %s", name, v))
		}
	}
	for k := range vars {
		if !slices.Contains(c.def.Vars, k) {
			return "", "", errs.Field("vars", "notify.template_var_unknown",
				fmt.Sprintf("消息模板「%s」没有变量 %s", name, k), fmt.Sprintf("template %s has no variable %s", name, k))
		}
	}
	return c.render(lang, vars)
}

// Names returns the names of the templates, sorted.
func (t *Templates) Names() []string {
	out := make([]string, 0, len(t.byName))
	for n := range t.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Def returns the definition of template name and whether it exists.
func (t *Templates) Def(name string) (TemplateDef, bool) {
	c := t.byName[name]
	if c == nil {
		return TemplateDef{}, false
	}
	return c.def, true
}
