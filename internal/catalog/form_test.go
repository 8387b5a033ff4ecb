package catalog_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogtest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

var testForm = []catalog.FormField{
	{Name: "applicant_name", LabelZH: "姓名", LabelEN: "Name", Type: catalog.FieldText, Required: true, MaxLength: 4},
	{Name: "id_number", LabelZH: "身份证号码", Type: catalog.FieldIDNumber, Required: true},
	{Name: "phone", LabelZH: "手机号", Type: catalog.FieldPhone},
	{Name: "born", LabelZH: "出生日期", Type: catalog.FieldDate},
	{Name: "income", LabelZH: "月收入", Type: catalog.FieldNumber},
	{Name: "grade", LabelZH: "年级", Type: catalog.FieldSelect, Options: []catalog.FieldOption{{Value: "1", LabelZH: "一年级"}, {Value: "2", LabelZH: "二年级"}}},
}

func TestValidateForm(t *testing.T) {
	t.Parallel()
	id := identitytest.SampleIDNumbers()[0]
	idX := ""
	for _, s := range identitytest.SampleIDNumbers() {
		if strings.HasSuffix(s, "X") {
			idX = s
		}
	}
	ok := map[string]string{"applicant_name": "张三", "id_number": id}
	with := func(k, v string) map[string]string {
		m := map[string]string{"applicant_name": "张三", "id_number": id}
		m[k] = v
		return m
	}
	tests := []struct {
		name   string
		values map[string]string
		field  string // "" when valid
		code   string
		clean  map[string]string
	}{
		{"minimal", ok, "", "", ok},
		{"all fields", map[string]string{"applicant_name": " 张三 ", "id_number": id, "phone": "+86 138 0013 8000", "born": "1990-01-31",
			"income": "8500.5", "grade": "2"}, "", "",
			map[string]string{"applicant_name": "张三", "id_number": id, "phone": "13800138000", "born": "1990-01-31", "income": "8500.5", "grade": "2"}},
		{"lower-case x", with("id_number", strings.ToLower(idX)), "", "", with("id_number", idX)},
		{"missing required", map[string]string{"id_number": id}, "applicant_name", "form.required", nil},
		{"blank required", with("applicant_name", "   "), "applicant_name", "form.required", nil},
		{"too long", with("applicant_name", "欧阳东方不败"), "applicant_name", "form.too_long", nil},
		{"bad identity number", with("id_number", id[:17]+"0"), "id_number", "form.format", nil},
		{"bad phone", with("phone", "12345"), "phone", "form.format", nil},
		{"bad date", with("born", "1990-02-30"), "born", "form.format", nil},
		{"bad number", with("income", "many"), "income", "form.format", nil},
		{"no exponents", with("income", "1e9"), "income", "form.format", nil},
		{"not an option", with("grade", "9"), "grade", "form.format", nil},
		{"unknown field", with("hobby", "chess"), "hobby", "form.unknown", nil},
	}
	for _, tc := range tests {
		got, err := catalog.ValidateForm(testForm, tc.values)
		if tc.field == "" {
			if err != nil || len(got) != len(tc.clean) {
				t.Errorf("%s: got %v, %v; want %v", tc.name, got, err, tc.clean)
			}
			for k, v := range tc.clean {
				if got[k] != v {
					t.Errorf("%s: %s = %q, want %q", tc.name, k, got[k], v)
				}
			}
			continue
		}
		e := errs.As(err)
		if e == nil || e.Kind != errs.Invalid || e.Field != tc.field || e.Code != tc.code || e.Msg == "" || e.MsgEN == "" {
			t.Errorf("%s: err = %v, want Invalid %s on %s", tc.name, err, tc.code, tc.field)
		}
	}
}

func TestDefaultFormsAreValid(t *testing.T) {
	t.Parallel()
	for _, apps := range [][]catalog.ApplicantKind{
		{catalog.ApplicantPerson}, {catalog.ApplicantEnterprise}, {catalog.ApplicantPerson, catalog.ApplicantEnterprise},
	} {
		it := catalogtest.Item("4403-TESTA-001", &catalogtest.ItemOpts{Applicants: &apps})
		if p := it.Check(); len(p) != 0 {
			t.Errorf("item for %v: problems %v", apps, p)
		}
		names := map[string]bool{}
		for _, f := range it.FormFields {
			names[f.Name] = true
		}
		if !names["phone"] || names["id_number"] != it.ForApplicant(catalog.ApplicantPerson) || names["uscc"] != it.ForApplicant(catalog.ApplicantEnterprise) {
			t.Errorf("default form for %v has fields %v", apps, names)
		}
	}
}

func TestFormDefinitionProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		field catalog.FormField
		want  string // the problem's field
	}{
		{"bad name", catalog.FormField{Name: "Full Name", LabelZH: "姓名", Type: catalog.FieldText}, "form_fields[0].name"},
		{"no label", catalog.FormField{Name: "x", Type: catalog.FieldText}, "form_fields[0].label_zh"},
		{"unknown type", catalog.FormField{Name: "x", LabelZH: "某项", Type: "colour"}, "form_fields[0].type"},
		{"select without options", catalog.FormField{Name: "x", LabelZH: "某项", Type: catalog.FieldSelect}, "form_fields[0].options"},
		{"options on text", catalog.FormField{Name: "x", LabelZH: "某项", Type: catalog.FieldText,
			Options: []catalog.FieldOption{{Value: "a", LabelZH: "甲"}}}, "form_fields[0].options"},
		{"duplicate option", catalog.FormField{Name: "x", LabelZH: "某项", Type: catalog.FieldSelect,
			Options: []catalog.FieldOption{{Value: "a", LabelZH: "甲"}, {Value: "a", LabelZH: "乙"}}}, "form_fields[0].options[1].value"},
		{"negative length", catalog.FormField{Name: "x", LabelZH: "某项", Type: catalog.FieldText, MaxLength: -1}, "form_fields[0].max_length"},
	}
	for _, tc := range tests {
		it := catalogtest.Item("4403-TESTA-001", nil)
		it.FormFields = []catalog.FormField{tc.field}
		e := errs.As(it.Validate())
		if e == nil || e.Field != tc.want {
			t.Errorf("%s: %v, want a problem on %s", tc.name, e, tc.want)
		}
	}
	it := catalogtest.Item("4403-TESTA-001", nil)
	it.FormFields = append(it.FormFields, it.FormFields[0])
	if e := errs.As(it.Validate()); e == nil || e.Code != "form.duplicate" {
		t.Errorf("duplicate field name: %v", e)
	}
}

func FuzzValidateForm(f *testing.F) {
	f.Add("张三", "440306199005121235", "13800138000", "1990-01-01", "12.5", "1")
	f.Add("", "x", "+86", "2024-13-01", "NaN", "")
	f.Fuzz(func(t *testing.T, name, id, phone, born, income, grade string) {
		values := map[string]string{"applicant_name": name, "id_number": id, "phone": phone, "born": born, "income": income, "grade": grade}
		got, err := catalog.ValidateForm(testForm, values)
		if err != nil {
			if e := errs.As(err); e == nil || e.Kind != errs.Invalid || e.Field == "" {
				t.Fatalf("error %v is not an Invalid field error", err)
			}
			return
		}
		// Whatever is accepted must pass again unchanged.
		again, err := catalog.ValidateForm(testForm, got)
		if err != nil || len(again) != len(got) {
			t.Fatalf("accepted values %v fail again: %v", got, err)
		}
		for k, v := range got {
			if again[k] != v {
				t.Fatalf("cleaning is not stable: %s %q → %q", k, v, again[k])
			}
		}
	})
}

// FuzzImportItems feeds arbitrary items.json content to the importer: it
// must never panic, and either import or report problems that name a line
// of the file.
func FuzzImportItems(f *testing.F) {
	base := smallCatalogue(nil)
	f.Add(base["items.json"].Data)
	f.Add([]byte(`[{"code": "4403-TESTA-001", "materials": [{"name": 1}], "form_fields": [{"options": [null]}]}]`))
	f.Add([]byte(`[{"code": null}, 3, "x", [], {"fee_yuan": 1e400}]`))
	f.Add([]byte("\xef\xbb\xbf[\n]"))
	d := dbtest.Open(f, db.SQLite)
	svc := newService(f, d)
	mustImport(f, svc, base)
	f.Fuzz(func(t *testing.T, data []byte) {
		files := smallCatalogue(nil)
		files["items.json"] = &fstest.MapFile{Data: data}
		rep, err := svc.Import(context.Background(), files, nil)
		if err != nil && !errs.Is(err, errs.Invalid) {
			t.Fatalf("import: %v", err)
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, p := range rep.Problems {
			if p.Line < 1 || p.Line > lines || p.Err == nil || p.Err.Msg == "" {
				t.Fatalf("problem %+v: line outside 1..%d or no message", p, lines)
			}
		}
		if err == nil && len(rep.Problems) > 0 {
			t.Fatalf("problems without an error: %v", rep.Problems)
		}
	})
}
