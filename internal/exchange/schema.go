package exchange

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// FieldType is the type of a dataset field. Every value is a JSON string;
// the type says which strings are valid.
type FieldType string

// The field types.
const (
	// Text is printable text of at most Field.MaxLen characters.
	Text FieldType = "text"
	// Date is a calendar date YYYY-MM-DD.
	Date FieldType = "date"
	// Division is a 6-digit administrative division code (GB/T 2260)
	// whose first two digits are a provincial-level code.
	Division FieldType = "division"
	// IDNumber is a resident identity number, checked by
	// identity.ParseIDNumber and stored normalised (final X upper-case).
	IDNumber FieldType = "id_number"
	// USCC is a unified social credit code, checked by
	// identity.ValidateUSCC and stored normalised.
	USCC FieldType = "uscc"
	// Enum is one of Field.Values.
	Enum FieldType = "enum"
	// Digits is a string of exactly Field.Len ASCII digits.
	Digits FieldType = "digits"
)

// Field is one field of a dataset's schema.
type Field struct {
	Name     string // the JSON name, e.g. "id_number"
	Label    string // Chinese label, e.g. 公民身份号码
	LabelEN  string // English label
	Type     FieldType
	Required bool     // the value must not be empty
	Values   []string // Enum: the allowed values ("" allowed only when not Required)
	Len      int      // Digits: the exact length
	MaxLen   int      // Text: the most characters; defaults to 200
}

// Dataset is a registry that a department owns and shares.
type Dataset struct {
	Name    string // e.g. "population"
	Title   string // Chinese name, e.g. 人口基础信息
	TitleEN string
	// Owner is the code of the department that maintains the dataset and
	// authorises its use.
	Owner string
	// Note says where the data comes from, in Chinese and English.
	Note, NoteEN string
	// Subject says whom records are about: persons (by identity number)
	// or enterprises (by credit code).
	Subject SubjectKind
	// SubjectField is the field holding the subject: "id_number" or "uscc".
	SubjectField string
	// KeyField is the field whose value identifies a record within the
	// dataset; it may be the subject field (one record per subject) or
	// another (several records per subject, such as diplomas).
	KeyField string
	// Fields is the schema, in display order.
	Fields []Field
	// check validates a record across fields; nil when there is nothing to
	// check.
	check func(rec map[string]string) []*errs.Error
}

// SubjectKind is whom a dataset's records are about.
type SubjectKind string

// The subject kinds.
const (
	PersonSubject     SubjectKind = "person"     // natural persons, by resident identity number
	EnterpriseSubject SubjectKind = "enterprise" // legal persons, by unified social credit code
)

// Field returns the field named name, or nil.
func (d *Dataset) Field(name string) *Field {
	for i := range d.Fields {
		if d.Fields[i].Name == name {
			return &d.Fields[i]
		}
	}
	return nil
}

// FieldNames returns the names of the schema's fields in order.
func (d *Dataset) FieldNames() []string {
	out := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		out[i] = f.Name
	}
	return out
}

// Validate checks a whole record: exactly the schema's fields, each value
// valid for its field, and the dataset's checks across fields. It returns
// the record with normalised values, or every problem found (each an
// errs.Field error on the field at fault). now is the current time, for
// identity numbers' birth dates.
func (d *Dataset) Validate(rec map[string]string, now time.Time) (map[string]string, []*errs.Error) {
	var problems []*errs.Error
	out := make(map[string]string, len(d.Fields))
	for name := range rec {
		if d.Field(name) == nil {
			problems = append(problems, errUnknownField(d, name))
		}
	}
	for _, f := range d.Fields {
		v, ok := rec[f.Name]
		if !ok {
			problems = append(problems, errs.Field(f.Name, "exchange.field_missing",
				fmt.Sprintf("缺少字段 %s（%s）", f.Name, f.Label),
				fmt.Sprintf("field %s (%s) is missing", f.Name, f.LabelEN)))
			continue
		}
		norm, err := f.Check(v, now)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		out[f.Name] = norm
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b *errs.Error) int {
			if c := d.fieldIndex(a.Field) - d.fieldIndex(b.Field); c != 0 {
				return c
			}
			return strings.Compare(a.Field, b.Field)
		})
		return nil, problems
	}
	if d.check != nil {
		if problems = d.check(out); len(problems) > 0 {
			return nil, problems
		}
	}
	return out, nil
}

// fieldIndex is the position of a field in the schema, unknown fields
// last.
func (d *Dataset) fieldIndex(name string) int {
	for i, f := range d.Fields {
		if f.Name == name {
			return i
		}
	}
	return len(d.Fields)
}

func errUnknownField(d *Dataset, name string) *errs.Error {
	name = clip(name, 40)
	return errs.Field(name, "exchange.field_unknown",
		fmt.Sprintf("数据集 %s 没有字段 %q（应有的字段：%s）", d.Name, name, strings.Join(d.FieldNames(), ", ")),
		fmt.Sprintf("dataset %s has no field %q (its fields: %s)", d.Name, name, strings.Join(d.FieldNames(), ", ")))
}

// Check validates one value of the field and returns it normalised
// (surrounding spaces removed; identity numbers and credit codes
// upper-cased). An empty value is valid only for fields that are not
// Required. The error is an errs.Field error on the field's name.
func (f *Field) Check(v string, now time.Time) (string, *errs.Error) {
	if !utf8.ValidString(v) {
		return "", f.invalid("exchange.value_utf8", "不是有效的 UTF-8 文本", "is not valid UTF-8 text")
	}
	v = strings.TrimSpace(v)
	if v == "" {
		if f.Required {
			return "", errs.Field(f.Name, "exchange.value_required",
				fmt.Sprintf("字段 %s（%s）不能为空", f.Name, f.Label),
				fmt.Sprintf("field %s (%s) must not be empty", f.Name, f.LabelEN))
		}
		return "", nil
	}
	switch f.Type {
	case Text:
		return f.checkText(v)
	case Date:
		if _, err := ParseDate(v); err != nil {
			return "", f.invalid("exchange.value_date", fmt.Sprintf("%.40q 不是 YYYY-MM-DD 格式的有效日期", v),
				fmt.Sprintf("%.40q is not a valid date in the form YYYY-MM-DD", v))
		}
		return v, nil
	case Division:
		if !digits(v, 6) || v[:2] < "11" || v[:2] > "82" {
			return "", f.invalid("exchange.value_division", fmt.Sprintf("%.40q 不是6位行政区划代码", v),
				fmt.Sprintf("%.40q is not a 6-digit administrative division code", v))
		}
		return v, nil
	case IDNumber:
		info, err := identity.ParseIDNumberAt(v, now)
		if err != nil {
			return "", f.wrap(err)
		}
		return info.Number, nil
	case USCC:
		code, err := identity.ValidateUSCC(v)
		if err != nil {
			return "", f.wrap(err)
		}
		return code, nil
	case Enum:
		if !slices.Contains(f.Values, v) {
			return "", f.invalid("exchange.value_enum", fmt.Sprintf("%.40q 不是允许的取值（%s）", v, f.choices()),
				fmt.Sprintf("%.40q is not one of the allowed values (%s)", v, f.choices()))
		}
		return v, nil
	case Digits:
		if !digits(v, f.Len) {
			return "", f.invalid("exchange.value_digits", fmt.Sprintf("%.40q 应为%d位数字", v, f.Len),
				fmt.Sprintf("%.40q must be %d digits", v, f.Len))
		}
		return v, nil
	}
	return "", f.invalid("exchange.field_type", "字段类型未知："+string(f.Type), "unknown field type: "+string(f.Type))
}

func (f *Field) checkText(v string) (string, *errs.Error) {
	limit := f.MaxLen
	if limit == 0 {
		limit = 200
	}
	if n := utf8.RuneCountInString(v); n > limit {
		return "", f.invalid("exchange.value_long", fmt.Sprintf("不能超过%d个字符（当前为%d个）", limit, n),
			fmt.Sprintf("must not have more than %d characters (it has %d)", limit, n))
	}
	for _, r := range v {
		if !unicode.IsPrint(r) && r != '\u3000' || unicode.Is(unicode.Cf, r) {
			return "", f.invalid("exchange.value_chars", "包含不可显示的字符", "contains characters that cannot be displayed")
		}
	}
	return v, nil
}

// choices lists an enumeration's values for messages, "" shown as “空”.
func (f *Field) choices() string {
	var vs []string
	for _, v := range f.Values {
		if v != "" {
			vs = append(vs, v)
		}
	}
	s := strings.Join(vs, "|")
	if !f.Required {
		s += "，或为空"
	}
	return s
}

// invalid returns an errs.Field error about the field's value.
func (f *Field) invalid(code, zh, en string) *errs.Error {
	return errs.Field(f.Name, code, fmt.Sprintf("字段 %s（%s）的值%s", f.Name, f.Label, zh),
		fmt.Sprintf("field %s (%s): the value %s", f.Name, f.LabelEN, en))
}

// wrap puts an identity validation error on this field.
func (f *Field) wrap(err error) *errs.Error {
	e := errs.As(err)
	if e == nil {
		return f.invalid("exchange.value_invalid", "无效", "is invalid")
	}
	return &errs.Error{Kind: errs.Invalid, Code: e.Code, Field: f.Name,
		Msg:   fmt.Sprintf("字段 %s（%s）：%s", f.Name, f.Label, e.Msg),
		MsgEN: fmt.Sprintf("field %s (%s): %s", f.Name, f.LabelEN, e.MsgEN)}
}

// digits reports whether s is exactly n ASCII digits.
func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseDate parses a date YYYY-MM-DD (exactly that form) as midnight UTC.
func ParseDate(s string) (time.Time, error) {
	if len(s) != 10 {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", s, err)
	}
	return t, nil
}

// clip shortens s to at most n characters, for messages.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
