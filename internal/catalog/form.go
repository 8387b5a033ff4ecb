package catalog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// FieldType is the type of a form field's value.
type FieldType string

// The field types.
const (
	FieldText     FieldType = "text"     // free text up to MaxLength
	FieldNumber   FieldType = "number"   // a decimal number
	FieldDate     FieldType = "date"     // YYYY-MM-DD
	FieldSelect   FieldType = "select"   // one of Options
	FieldIDNumber FieldType = "idnumber" // a resident identity number (GB 11643)
	FieldPhone    FieldType = "phone"    // a mainland mobile number
)

// FieldTypes are the field types in display order.
var FieldTypes = []FieldType{FieldText, FieldNumber, FieldDate, FieldSelect, FieldIDNumber, FieldPhone}

// Limits of form definitions.
const (
	MaxFormFields    = 40   // fields in one form
	MaxFieldOptions  = 50   // options of a select field
	MaxFieldLength   = 2000 // the largest MaxLength
	defaultMaxLength = 200  // MaxLength of text fields that set none
)

// FieldOption is a choice of a select field.
type FieldOption struct {
	Value   string `json:"value"`
	LabelZH string `json:"label_zh"`
	LabelEN string `json:"label_en,omitempty"`
}

// FormField is one field of an item's application form.
type FormField struct {
	// Name identifies the value in a submitted form: lower-case ASCII
	// letters, digits and underscores, starting with a letter.
	Name     string        `json:"name"`
	LabelZH  string        `json:"label_zh"`
	LabelEN  string        `json:"label_en,omitempty"`
	Type     FieldType     `json:"type"`
	Required bool          `json:"required"`
	Options  []FieldOption `json:"options,omitempty"` // select fields only
	// MaxLength bounds text values in characters; 0 means 200 for text
	// fields. Other types have their own formats.
	MaxLength int `json:"max_length,omitempty"`
}

// Label returns the field's label in lang ("en" or Chinese).
func (f FormField) Label(lang string) string {
	if lang == "en" && f.LabelEN != "" {
		return f.LabelEN
	}
	return f.LabelZH
}

// Limit returns the most characters a value may have.
func (f FormField) Limit() int {
	switch {
	case f.MaxLength > 0:
		return f.MaxLength
	case f.Type == FieldText:
		return defaultMaxLength
	case f.Type == FieldIDNumber:
		return 18
	case f.Type == FieldPhone:
		return 11
	case f.Type == FieldDate:
		return 10
	}
	return 100
}

var fieldNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// checkFormFields returns the problems of a form definition, with fields
// named form_fields[i].x.
func checkFormFields(fields []FormField) []*errs.Error {
	var out []*errs.Error
	if len(fields) > MaxFormFields {
		out = append(out, errs.Field("form_fields", "form.too_many",
			fmt.Sprintf("表单字段不能超过 %d 个", MaxFormFields), fmt.Sprintf("a form has at most %d fields", MaxFormFields)))
	}
	seen := map[string]bool{}
	for i, f := range fields {
		at := func(name string) string { return fmt.Sprintf("form_fields[%d].%s", i, name) }
		switch {
		case !fieldNamePattern.MatchString(f.Name):
			out = append(out, errs.Field(at("name"), "form.name",
				"字段名须以小写字母开头，只含小写字母、数字和下划线，最多 40 个字符："+f.Name,
				"field names start with a lower-case letter and hold only a-z, 0-9 and _, at most 40 characters: "+f.Name))
		case seen[f.Name]:
			out = append(out, errs.Field(at("name"), "form.duplicate", "字段名重复："+f.Name, "duplicate field name: "+f.Name))
		}
		seen[f.Name] = true
		if e := checkText(at("label_zh"), f.LabelZH, 1, 50, "中文标签", "Chinese label"); e != nil {
			out = append(out, e)
		}
		if e := checkText(at("label_en"), f.LabelEN, 0, 100, "英文标签", "English label"); e != nil {
			out = append(out, e)
		}
		out = append(out, checkFieldType(i, f)...)
	}
	return out
}

// checkFieldType checks the type, options and length of field i.
func checkFieldType(i int, f FormField) []*errs.Error {
	at := func(name string) string { return fmt.Sprintf("form_fields[%d].%s", i, name) }
	var out []*errs.Error
	known := false
	for _, t := range FieldTypes {
		known = known || t == f.Type
	}
	if !known {
		return []*errs.Error{errs.Field(at("type"), "form.type", "未知的字段类型："+string(f.Type),
			"unknown field type: "+string(f.Type)+" (text, number, date, select, idnumber or phone)")}
	}
	if f.MaxLength < 0 || f.MaxLength > MaxFieldLength {
		out = append(out, errs.Field(at("max_length"), "form.max_length",
			fmt.Sprintf("最大长度应在 0 到 %d 之间", MaxFieldLength), fmt.Sprintf("the maximum length is from 0 to %d", MaxFieldLength)))
	}
	switch {
	case f.Type == FieldSelect && len(f.Options) == 0:
		out = append(out, errs.Field(at("options"), "form.options_missing", "下拉选择字段须至少有一个选项", "a select field needs at least one option"))
	case f.Type != FieldSelect && len(f.Options) > 0:
		out = append(out, errs.Field(at("options"), "form.options_unused", "只有下拉选择字段可以设置选项", "only select fields have options"))
	case len(f.Options) > MaxFieldOptions:
		out = append(out, errs.Field(at("options"), "form.options_many",
			fmt.Sprintf("选项不能超过 %d 个", MaxFieldOptions), fmt.Sprintf("at most %d options", MaxFieldOptions)))
	}
	values := map[string]bool{}
	for j, o := range f.Options {
		oat := fmt.Sprintf("form_fields[%d].options[%d]", i, j)
		if e := checkText(oat+".value", o.Value, 1, 50, "选项值", "option value"); e != nil {
			out = append(out, e)
		} else if values[o.Value] {
			out = append(out, errs.Field(oat+".value", "form.option_duplicate", "选项值重复："+o.Value, "duplicate option value: "+o.Value))
		}
		values[o.Value] = true
		if e := checkText(oat+".label_zh", o.LabelZH, 1, 50, "选项中文标签", "option's Chinese label"); e != nil {
			out = append(out, e)
		}
		if e := checkText(oat+".label_en", o.LabelEN, 0, 100, "选项英文标签", "option's English label"); e != nil {
			out = append(out, e)
		}
	}
	return out
}

// ValidateForm checks submitted values against a form: required fields
// are present, values have their type's format and fit the length, select
// values are among the options, and no value is for an unknown field. It
// returns the cleaned values (trimmed; identity numbers with an upper-case
// X) or the first problem as an errs.Invalid error naming the field.
func ValidateForm(fields []FormField, values map[string]string) (map[string]string, error) {
	known := map[string]bool{}
	out := map[string]string{}
	for _, f := range fields {
		known[f.Name] = true
		v := strings.TrimSpace(values[f.Name])
		if v == "" {
			if f.Required {
				return nil, errs.Field(f.Name, "form.required", "请填写"+f.LabelZH, labelEN(f)+" is required")
			}
			continue
		}
		clean, err := checkValue(f, v)
		if err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(clean) > f.Limit() {
			return nil, errs.Field(f.Name, "form.too_long", fmt.Sprintf("%s不能超过 %d 个字符", f.LabelZH, f.Limit()),
				fmt.Sprintf("%s has at most %d characters", labelEN(f), f.Limit()))
		}
		out[f.Name] = clean
	}
	for name := range values {
		if !known[name] {
			return nil, errs.Field(name, "form.unknown", "表单没有此字段："+name, "the form has no field "+name)
		}
	}
	return out, nil
}

// checkValue checks one non-empty value against its field's type.
func checkValue(f FormField, v string) (string, error) {
	bad := func(zh, en string) error {
		return errs.Field(f.Name, "form.format", f.LabelZH+zh, labelEN(f)+en)
	}
	switch f.Type {
	case FieldNumber:
		if _, err := strconv.ParseFloat(v, 64); err != nil || strings.ContainsAny(v, "eEinfINFxX_") {
			return "", bad("应为数字", " must be a number")
		}
	case FieldDate:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "", bad("应为日期，例如 2024-03-01", " must be a date such as 2024-03-01")
		}
	case FieldSelect:
		for _, o := range f.Options {
			if o.Value == v {
				return v, nil
			}
		}
		return "", bad("的选项无效", " is not one of the choices")
	case FieldIDNumber:
		v = strings.ToUpper(v)
		if _, err := identity.ParseIDNumber(v); err != nil {
			return "", bad("不是有效的身份证号码", " is not a valid resident identity number")
		}
	case FieldPhone:
		p, err := identity.ValidatePhone(v)
		if err != nil {
			return "", bad("不是有效的手机号码", " is not a valid mobile number")
		}
		v = p
	}
	return v, nil
}

func labelEN(f FormField) string {
	if f.LabelEN != "" {
		return f.LabelEN
	}
	return f.Name
}

// DefaultForm returns the form an item gets when its catalogue entry gives
// none: who applies (name, identity number or credit code, contact) for
// its kinds of applicant, and what the application is for.
func DefaultForm(applicants []ApplicantKind) []FormField {
	person, enterprise := false, false
	for _, a := range applicants {
		person = person || a == ApplicantPerson
		enterprise = enterprise || a == ApplicantEnterprise
	}
	var out []FormField
	both := person && enterprise
	if both {
		out = append(out, FormField{Name: "applicant_kind", LabelZH: "申请人类型", LabelEN: "Applicant", Type: FieldSelect, Required: true,
			Options: []FieldOption{{Value: "person", LabelZH: "个人", LabelEN: "Person"}, {Value: "enterprise", LabelZH: "单位", LabelEN: "Organisation"}}})
	}
	if person {
		out = append(out,
			FormField{Name: "applicant_name", LabelZH: "申请人姓名", LabelEN: "Applicant's name", Type: FieldText, Required: !both, MaxLength: 50},
			FormField{Name: "id_number", LabelZH: "身份证号码", LabelEN: "Resident ID number", Type: FieldIDNumber, Required: !both})
	}
	if enterprise {
		out = append(out,
			FormField{Name: "org_name", LabelZH: "单位名称", LabelEN: "Organisation name", Type: FieldText, Required: !both, MaxLength: 100},
			FormField{Name: "uscc", LabelZH: "统一社会信用代码", LabelEN: "Unified social credit code", Type: FieldText, Required: !both, MaxLength: 18},
			FormField{Name: "contact_name", LabelZH: "联系人", LabelEN: "Contact person", Type: FieldText, Required: !both, MaxLength: 50})
	}
	return append(out,
		FormField{Name: "phone", LabelZH: "联系电话", LabelEN: "Mobile number", Type: FieldPhone, Required: true},
		FormField{Name: "purpose", LabelZH: "申请事由", LabelEN: "What the application is for", Type: FieldText, MaxLength: 500})
}
