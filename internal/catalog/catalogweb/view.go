package catalogweb

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// templateFuncs are the catalogue pages' own template functions.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"sourceKey":    func(s catalog.MaterialSource) string { return "catalog.source." + string(s) },
		"sourceHint":   func(s catalog.MaterialSource) string { return "catalog.source_hint." + string(s) },
		"applicantKey": func(a catalog.ApplicantKind) string { return "catalog.applicant." + string(a) },
		"fieldTypeKey": func(t catalog.FieldType) string { return "catalog.field_type." + string(t) },
		"itemFieldKey": func(f string) string { return "catalog.item_field." + f },
		"tripsKey":     tripsKey,
		"invalid":      invalid,
		"errField":     errField,
		"changeValue":  changeValue,
		"optionsText":  optionsText,
		"seq":          func(n int) []int { return make([]int, n) },
		"percent":      percent,
		"sep":          func(lang string) string { return map[bool]string{true: ", ", false: "、"}[lang == "en"] },
		"materialRow":  materialRow,
		"fieldRow":     fieldRow,
	}
}

// rowData is one row of the material or form-field table of the editor.
type rowData struct {
	Index   int
	M       *catalog.Material  // nil for a blank row
	F       *catalog.FormField // nil for a blank row
	Invalid bool               // the error is about this row
	Sources []catalog.MaterialSource
	Types   []catalog.FieldType
}

// materialRow is the data of material row i; m is a catalog.Material, or
// nil for a blank row.
func materialRow(i int, m any, d *adminItemData) rowData {
	r := rowData{Index: i, Sources: d.Sources, Invalid: invalid(d.Err, fmt.Sprintf("materials[%d]", i))}
	if v, ok := m.(catalog.Material); ok {
		r.M = &v
	}
	return r
}

// fieldRow is the data of form-field row i; f is a catalog.FormField, or
// nil for a blank row.
func fieldRow(i int, f any, d *adminItemData) rowData {
	r := rowData{Index: i, Types: d.Types, Invalid: invalid(d.Err, fmt.Sprintf("form_fields[%d]", i))}
	if v, ok := f.(catalog.FormField); ok {
		r.F = &v
	}
	return r
}

// percent formats n of total as a percentage with two decimals.
func percent(n, total int) string {
	if total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(n)/float64(total))
}

// tripsKey is the message key describing a number of trips in person.
func tripsKey(n int) string {
	switch n {
	case 0:
		return "catalog.trips.zero"
	case 1:
		return "catalog.trips.one"
	}
	return "catalog.trips.many"
}

// invalid reports whether err is about the input field (or a field below
// it, such as materials[2].name for "materials"), for aria-invalid.
func invalid(err error, field string) bool {
	f := errField(err)
	return f != "" && (f == field || strings.HasPrefix(f, field+"[") || strings.HasPrefix(f, field+"."))
}

// errField returns the field an error is about, or "".
func errField(err error) string {
	if e := errs.As(err); e != nil {
		return e.Field
	}
	return ""
}

// changeValue shows a JSON value of a change record as text: strings as
// they are, true and false as 是/否 (Yes/No), lists joined, materials and
// form fields by their names.
func changeValue(lang string, raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	return plain(lang, v)
}

func plain(lang string, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		if lang == "en" {
			return map[bool]string{true: "Yes", false: "No"}[v]
		}
		return map[bool]string{true: "是", false: "否"}[v]
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = plain(lang, e)
		}
		return strings.Join(parts, "；")
	case map[string]any:
		if name, ok := v["name"].(string); ok {
			var marks []string
			if src, ok := v["source"].(string); ok {
				marks = append(marks, src)
			}
			if t, ok := v["type"].(string); ok {
				marks = append(marks, t)
			}
			if req, ok := v["required"].(bool); ok && !req {
				marks = append(marks, map[bool]string{true: "optional", false: "可选"}[lang == "en"])
			}
			if len(marks) > 0 {
				return name + "（" + strings.Join(marks, "，") + "）"
			}
			return name
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	return fmt.Sprint(v)
}

// optionsText writes a select field's options one per line as
// "value|中文|English", the form the editor reads back.
func optionsText(opts []catalog.FieldOption) string {
	lines := make([]string, len(opts))
	for i, o := range opts {
		lines[i] = o.Value + "|" + o.LabelZH
		if o.LabelEN != "" {
			lines[i] += "|" + o.LabelEN
		}
	}
	return strings.Join(lines, "\n")
}

// deptNames returns the departments by code, logging a failure.
func (h *Handlers) deptNames(ctx context.Context) map[string]*catalog.Department {
	out := map[string]*catalog.Department{}
	list, err := h.Catalog.Departments(ctx)
	if err != nil {
		h.Log.WarnContext(ctx, "list departments", "err", err)
		return out
	}
	for _, d := range list {
		out[d.Code] = d
	}
	return out
}

// themeNames returns the themes by code, logging a failure.
func (h *Handlers) themeNames(ctx context.Context) map[string]*catalog.Theme {
	out := map[string]*catalog.Theme{}
	list, err := h.Catalog.Themes(ctx)
	if err != nil {
		h.Log.WarnContext(ctx, "list themes", "err", err)
		return out
	}
	for _, t := range list {
		out[t.Code] = t
	}
	return out
}
