package catalog_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// itemKeys are the fields of a test item record, in file order.
var itemKeys = []string{"code", "name", "department", "category", "applicant", "max_trips", "online_full_process",
	"no_meeting_batch1", "legal_days", "promised_days", "fee_yuan", "materials", "themes", "keywords", "description"}

// baseItems are the two items of the small catalogue, as raw JSON values.
var baseItems = []map[string]string{
	{"code": `"4403-TESTA-001"`, "name": `"测试事项一"`, "department": `"TESTA"`, "category": `"行政许可"`,
		"applicant": `["person"]`, "max_trips": "0", "online_full_process": "true", "no_meeting_batch1": "false",
		"legal_days": "20", "promised_days": "5", "fee_yuan": "0",
		"materials": `[{"name": "居民身份证", "required": true, "source": "licence"}]`,
		"themes":    `["测试主题"]`, "keywords": `["测试一"]`, "description": `"第一个测试事项。"`},
	{"code": `"4403-TESTB-001"`, "name": `"测试事项二"`, "department": `"TESTB"`, "category": `"行政许可"`,
		"applicant": `["enterprise"]`, "max_trips": "0", "online_full_process": "true", "no_meeting_batch1": "false",
		"legal_days": "10", "promised_days": "3", "fee_yuan": "12.5",
		"materials": `[{"name": "营业执照", "required": true, "source": "licence"}, {"name": "申请书", "required": false, "source": "upload"}]`,
		"themes":    `[]`, "keywords": `["测试二"]`, "description": `"第二个测试事项。"`},
}

// smallCatalogue returns two departments, a theme and two items, one field
// per line. edits change item records (by index): a value replaces the
// field's raw JSON, "-" removes the field, and unknown keys are added.
func smallCatalogue(edits map[int]map[string]string) fstest.MapFS {
	var b strings.Builder
	b.WriteString("[\n")
	for i, base := range baseItems {
		if i > 0 {
			b.WriteString(",\n")
		}
		var lines []string
		for _, k := range itemKeys {
			v := base[k]
			if e, ok := edits[i][k]; ok {
				v = e
			}
			if v != "-" {
				lines = append(lines, `    "`+k+`": `+v)
			}
		}
		for k, v := range edits[i] {
			if _, known := base[k]; !known {
				lines = append(lines, `    "`+k+`": `+v)
			}
		}
		b.WriteString("  {\n" + strings.Join(lines, ",\n") + "\n  }")
	}
	b.WriteString("\n]\n")
	return fstest.MapFS{
		"departments.json": {Data: []byte(`[
  {"code": "TESTA", "name": "测试部门甲", "short_name": "甲部门", "gbt2260": "440300"},
  {"code": "TESTB", "name": "测试部门乙", "short_name": "乙部门", "gbt2260": "440300"}
]
`)},
		"themes.json": {Data: []byte(`[
  {"code": "T_ONE", "name": "测试主题", "description": "测试用的主题", "audience": "person"}
]
`)},
		"items.json": {Data: []byte(b.String())},
	}
}

// lineOf returns the line of the first line holding marker at or after
// the record-th "{" line (1-based) of text, or of the record's start when
// marker is "".
func lineOf(text string, record int, marker string) int {
	lines := strings.Split(text, "\n")
	seen := 0
	for i, l := range lines {
		if strings.TrimSpace(l) == "{" || strings.HasPrefix(strings.TrimSpace(l), "{\"") {
			seen++
		}
		if seen == record && (marker == "" || strings.Contains(l, marker)) {
			return i + 1
		}
	}
	return -1
}

func TestImportReportsBadRecords(t *testing.T) {
	t.Parallel()
	type want struct {
		file   string
		record int
		marker string // text on the problem's line within the record; "" for the record's first line
		field  string
		code   string
	}
	tests := []struct {
		name  string
		edits map[int]map[string]string
		files map[string]string // replace whole files
		want  []want
	}{
		{name: "unknown field", edits: map[int]map[string]string{1: {"colour": `"red"`}},
			want: []want{{"items.json", 2, `"colour"`, "colour", "import.unknown_field"}}},
		{name: "wrong type", edits: map[int]map[string]string{1: {"max_trips": `"one"`}},
			want: []want{{"items.json", 2, `"max_trips"`, "max_trips", "import.type"}}},
		{name: "number where text belongs", edits: map[int]map[string]string{0: {"name": `42`}},
			want: []want{{"items.json", 1, `"name"`, "name", "import.type"}}},
		{name: "missing required field", edits: map[int]map[string]string{1: {"name": "-"}},
			want: []want{{"items.json", 2, "", "name", "import.missing_field"}}},
		{name: "null", edits: map[int]map[string]string{1: {"department": "null"}},
			want: []want{{"items.json", 2, `"department"`, "department", "import.null"}}},
		{name: "unknown department", edits: map[int]map[string]string{1: {"department": `"NOPE"`}},
			want: []want{{"items.json", 2, `"department"`, "department", "import.unknown_department"}}},
		{name: "unknown theme", edits: map[int]map[string]string{0: {"themes": `["测试主题", "不存在的主题"]`}},
			want: []want{{"items.json", 1, `"themes"`, "themes[1]", "import.unknown_theme"}}},
		{name: "duplicate code", edits: map[int]map[string]string{1: {"code": `"4403-TESTA-001"`}},
			want: []want{{"items.json", 2, `"code"`, "code", "import.duplicate_code"}}},
		{name: "duplicate name", edits: map[int]map[string]string{1: {"name": `"测试事项一"`}},
			want: []want{{"items.json", 2, `"name"`, "name", "import.duplicate_name"}}},
		{name: "bad material source", edits: map[int]map[string]string{1: {"materials": `[{"name": "x", "required": true, "source": "fax"}]`}},
			want: []want{{"items.json", 2, `"materials"`, "materials[0].source", "item.material_source"}}},
		{name: "unknown field of a material", edits: map[int]map[string]string{0: {"materials": `[{"name": "x", "required": true, "source": "upload", "pages": 2}]`}},
			want: []want{{"items.json", 1, `"materials"`, "materials[0].pages", "import.unknown_field"}}},
		{name: "promised longer than legal", edits: map[int]map[string]string{0: {"promised_days": "30"}},
			want: []want{{"items.json", 1, `"promised_days"`, "promised_days", "item.promised_days"}}},
		{name: "zero trips but not online", edits: map[int]map[string]string{0: {"online_full_process": "false"}},
			want: []want{{"items.json", 1, `"online_full_process"`, "online_full_process", "item.zero_trip_online"}}},
		{name: "fee with three decimals", edits: map[int]map[string]string{1: {"fee_yuan": "1.005"}},
			want: []want{{"items.json", 2, `"fee_yuan"`, "fee_yuan", "import.fee_precision"}}},
		{name: "bad form field type", edits: map[int]map[string]string{1: {"form_fields": `[{"name": "x", "label_zh": "某项", "type": "colour"}]`}},
			want: []want{{"items.json", 2, `"form_fields"`, "form_fields[0].type", "form.type"}}},
		{name: "several problems at once", edits: map[int]map[string]string{0: {"max_trips": "-1"}, 1: {"applicant": `["robot"]`, "legal_days": "1.5"}},
			want: []want{
				{"items.json", 1, `"max_trips"`, "max_trips", "item.max_trips"},
				{"items.json", 2, `"legal_days"`, "legal_days", "import.type"},
			}},
		{name: "truncated file", files: map[string]string{"items.json": "[\n  {\"code\": \"4403-TESTA-001\",\n"},
			want: []want{{"items.json", 0, "", "", "import.truncated"}}},
		{name: "not an array", files: map[string]string{"themes.json": `{"code": "T_ONE"}`},
			want: []want{{"themes.json", 0, "", "", "import.not_array"}}},
		{name: "bad theme audience", files: map[string]string{"themes.json": "[\n  {\"code\": \"T_ONE\", \"name\": \"测试主题\", \"description\": \"\", \"audience\": \"robot\"}\n]"},
			want: []want{{"themes.json", 1, "", "audience", "theme.audience"}}},
		{name: "bad department code", files: map[string]string{"departments.json": "[\n  {\"code\": \"testa\", \"name\": \"测试部门甲\", \"short_name\": \"甲\", \"gbt2260\": \"440300\"}\n]"},
			want: []want{{"departments.json", 1, "", "code", "department.code"}}},
	}
	d := dbtest.Open(t, db.SQLite)
	svc := newService(t, d)
	ctx := context.Background()
	mustImport(t, svc, smallCatalogue(nil))
	rev, _ := svc.Revision(ctx)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := smallCatalogue(tc.edits)
			for name, text := range tc.files {
				files[name] = &fstest.MapFile{Data: []byte(text)}
			}
			rep, err := svc.Import(ctx, files, nil)
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if len(rep.Problems) < len(tc.want) {
				t.Fatalf("problems = %v, want %d", rep.Problems, len(tc.want))
			}
			for i, w := range tc.want {
				p := rep.Problems[i]
				text := string(files[w.file].Data)
				line := lineOf(text, w.record, w.marker)
				if w.record == 0 {
					line = p.Line // checked below to be within the file
				}
				if p.File != w.file || p.Record != w.record || p.Field != w.field || p.Err.Code != w.code || p.Line != line ||
					p.Line < 1 || p.Line > strings.Count(text, "\n")+1 {
					t.Errorf("problem %d = %s (record %d, field %q, code %s); want %s:%d record %d field %q code %s",
						i, p.Message("en"), p.Record, p.Field, p.Err.Code, w.file, line, w.record, w.field, w.code)
				}
				if p.Err.Msg == "" || p.Err.MsgEN == "" || !strings.Contains(p.Message("zh"), "第") {
					t.Errorf("problem %d lacks a message: %q / %q", i, p.Message("zh"), p.Message("en"))
				}
			}
			if r, _ := svc.Revision(ctx); r != rev {
				t.Errorf("a refused import moved the revision")
			}
			it, err := svc.Item(ctx, "4403-TESTA-001")
			if err != nil || it.Version != 1 || it.MaxTrips != 0 {
				t.Errorf("a refused import changed an item: %+v, %v", it, err)
			}
			if _, total, _ := svc.Items(ctx, catalog.ItemFilter{}); total != 2 {
				t.Errorf("items after a refused import = %d, want 2", total)
			}
		})
	}
}

func TestImportRefusesNameOfStoredItem(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	svc := newService(t, d)
	mustImport(t, svc, smallCatalogue(nil))
	files := smallCatalogue(map[int]map[string]string{1: {"code": `"4403-TESTB-009"`, "name": `"测试事项二"`}})
	// Item TESTB-001 stays in the database with the name 测试事项二.
	rep, err := svc.Import(context.Background(), files, nil)
	if !errs.Is(err, errs.Invalid) || len(rep.Problems) != 1 || rep.Problems[0].Err.Code != "import.name_taken" || rep.Problems[0].Record != 2 {
		t.Fatalf("import = %v, %+v; want one name_taken problem on record 2", err, rep.Problems)
	}
}

func TestImportNeedsAFile(t *testing.T) {
	t.Parallel()
	svc := newService(t, dbtest.Open(t, db.SQLite))
	_, err := svc.Import(context.Background(), fstest.MapFS{"other.json": {Data: []byte("[]")}}, nil)
	if !errs.Is(err, errs.Invalid) {
		t.Errorf("import of a directory without catalogue files: %v, want Invalid", err)
	}
}
