package casesweb

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// MaskNumber shows the first four and last four characters of an identity
// number or credit code: 440304199001011234 → 4403**********1234.
func MaskNumber(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}

// templateFuncs are the applications pages' own template functions.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"hasPrefix":   strings.HasPrefix,
		"stateKey":    key("cases.state."),
		"actionKey":   key("cases.action."),
		"channelKey":  key("cases.channel."),
		"repKey":      key("cases.rep."),
		"methodKey":   key("cases.delivery."),
		"shipmentKey": key("cases.shipment."),
		"deadlineKey": key("cases.deadline."),
		"sourceKey":   key("cases.source."),
		"stateBadge":  stateBadge,
		"deadlineBadge": func(d cases.DeadlineStatus) string {
			switch d {
			case cases.Overdue:
				return "badge badge-red"
			case cases.DueSoon:
				return "badge badge-warn"
			}
			return "badge"
		},
		"mask":        MaskNumber,
		"invalid":     invalid,
		"fieldErr":    fieldErr,
		"humanSize":   files.HumanSize,
		"value":       func(m map[string]string, k string) string { return m[k] },
		"lines":       func(s []string) string { return strings.Join(s, "\n") },
		"fieldName":   func(f catalog.FormField) string { return formPrefix + f.Name },
		"optionLabel": optionLabel,
		"isAction":    func(list []cases.Action, a string) bool { return hasAction(list, cases.Action(a)) },
		"hasState":    func(s cases.State, names ...string) bool { return hasState(s, names) },
	}
}

// optionLabel shows a form value: a select field's option by its label in
// lang, other values as they are.
func optionLabel(f catalog.FormField, v, lang string) string {
	for _, o := range f.Options {
		if o.Value == v {
			if lang == "en" && o.LabelEN != "" {
				return o.LabelEN
			}
			return o.LabelZH
		}
	}
	return v
}

// key returns a template function giving the message key of a value
// (a state, an action, …) under prefix.
func key(prefix string) func(v any) string {
	return func(v any) string { return prefix + fmt.Sprint(v) }
}

func hasAction(list []cases.Action, a cases.Action) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

func hasState(s cases.State, names []string) bool {
	for _, n := range names {
		if string(s) == n {
			return true
		}
	}
	return false
}

// stateBadge is the badge class of a state.
func stateBadge(s cases.State) string {
	switch s {
	case cases.Approved, cases.Delivered, cases.Closed:
		return "badge badge-ok"
	case cases.Correction, cases.UnderReview:
		return "badge badge-warn"
	case cases.Rejected, cases.NotAccepted, cases.Withdrawn:
		return "badge badge-red"
	}
	return "badge"
}

// invalid reports whether err is about the input field, for aria-invalid.
func invalid(err error, field string) bool {
	e := errs.As(err)
	return e != nil && e.Field == field
}

// fieldErr returns err when it is about field, for messages beside inputs.
func fieldErr(err error, field string) error {
	if invalid(err, field) {
		return err
	}
	return nil
}

// formPrefix marks the item's form fields among a page's inputs.
const formPrefix = "f."

// redirect sends the browser to a local address after a form post.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, web.SafeNext(to), http.StatusSeeOther)
	return nil
}

// shown reports whether err is a domain error a page shows beside its
// form; other errors go to the error page.
func shown(err error) bool {
	e := errs.As(err)
	return e != nil && e.Kind != errs.Internal && e.Kind != errs.NotFound && e.Kind != errs.Unauthenticated
}

// deptName returns a department's name, or its code when unknown.
func (h *Handlers) deptName(r *http.Request, code string) string {
	d, err := h.Catalog.FindDepartment(r.Context(), code)
	if err != nil {
		return code
	}
	return d.Name
}

// hallNames maps the halls' codes to names.
func (h *Handlers) hallNames() map[string]string {
	out := map[string]string{}
	for _, x := range h.Cases.Halls() {
		out[x.Code] = x.Name
	}
	return out
}
