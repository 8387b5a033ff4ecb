package exchange_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/exchange"
)

var now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

func dataset(t testing.TB, name string) *exchange.Dataset {
	t.Helper()
	for _, d := range exchange.Datasets() {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no dataset %s", name)
	return nil
}

func TestFieldCheck(t *testing.T) {
	t.Parallel()
	pop, edu := dataset(t, exchange.Population), dataset(t, exchange.Education)
	for _, tc := range []struct {
		ds    *exchange.Dataset
		field string
		in    string
		want  string // normalised value; "" with code set means an error
		code  string
	}{
		{pop, "id_number", "44030619900512123x", "44030619900512123X", ""},
		{pop, "id_number", "440306199005121230", "", "idnumber.checksum"},
		{pop, "id_number", "", "", "exchange.value_required"},
		{pop, "name", "  王磊 ", "王磊", ""},
		{pop, "name", "王\u200b磊", "", "exchange.value_chars"},
		{pop, "name", strings.Repeat("名", 65), "", "exchange.value_long"},
		{pop, "gender", "男", "男", ""},
		{pop, "gender", "M", "", "exchange.value_enum"},
		{pop, "birth_date", "2002-03-15", "2002-03-15", ""},
		{pop, "birth_date", "2002-02-30", "", "exchange.value_date"},
		{pop, "birth_date", "2002-3-15", "", "exchange.value_date"},
		{pop, "hukou_division", "420106", "420106", ""},
		{pop, "hukou_division", "42010", "", "exchange.value_division"},
		{pop, "hukou_division", "990106", "", "exchange.value_division"},
		{pop, "status", "注销", "注销", ""},
		{pop, "status", "迁出", "", "exchange.value_enum"},
		{edu, "certificate_no", "199021202650002603", "199021202650002603", ""},
		{edu, "certificate_no", "19902120265000260", "", "exchange.value_digits"},
		{edu, "degree", "", "", ""},
		{edu, "degree", "学位", "", "exchange.value_enum"},
		{edu, "degree_certificate_no", "", "", ""},
		{dataset(t, exchange.Enterprise), "uscc", "91440300ma5f0x1y2k", "91440300MA5F0X1Y2K", ""},
		{dataset(t, exchange.Enterprise), "uscc", "91440300MA5F0X1Y2A", "", "uscc.checksum"},
	} {
		f := tc.ds.Field(tc.field)
		got, err := f.Check(tc.in, now)
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%s.%s(%q): error %v, want %q", tc.ds.Name, tc.field, tc.in, err, tc.want)
		case tc.code == "" && got != tc.want:
			t.Errorf("%s.%s(%q) = %q, want %q", tc.ds.Name, tc.field, tc.in, got, tc.want)
		case tc.code != "" && (err == nil || err.Code != tc.code || err.Field != tc.field):
			t.Errorf("%s.%s(%q): error %v, want code %s on field %s", tc.ds.Name, tc.field, tc.in, err, tc.code, tc.field)
		}
	}
}

func TestDatasetValidate(t *testing.T) {
	t.Parallel()
	wang := map[string]string{"id_number": "420106200203153452", "name": "王磊", "gender": "男", "birth_date": "2002-03-15",
		"hukou_division": "420106", "hukou_address": "湖北省武汉市（虚构）", "status": "正常"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "<delete>" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	diploma := map[string]string{"id_number": "420106200203153452", "name": "王磊", "school": "某大学", "level": "本科",
		"study_mode": "全日制", "graduation_date": "2026-06-30", "certificate_no": "199021202650002603", "degree": "学士",
		"degree_certificate_no": "1990242026002603"}
	for _, tc := range []struct {
		name   string
		ds     string
		rec    map[string]string
		fields []string // the fields of the problems, in order; nil for valid
	}{
		{"valid person", exchange.Population, wang, nil},
		{"birth date differs from the id", exchange.Population, with(wang, "birth_date", "2002-03-16"), []string{"birth_date"}},
		{"gender differs from the id", exchange.Population, with(wang, "gender", "女"), []string{"gender"}},
		{"unknown and missing fields", exchange.Population, with(wang, "nickname", "磊磊", "status", "<delete>"), []string{"status", "nickname"}},
		{"several bad values", exchange.Population, with(wang, "gender", "X", "hukou_division", "1"), []string{"gender", "hukou_division"}},
		{"valid diploma", exchange.Education, diploma, nil},
		{"专科 with a degree", exchange.Education, with(diploma, "level", "专科"), []string{"degree"}},
		{"degree without its number", exchange.Education, with(diploma, "degree_certificate_no", ""), []string{"degree_certificate_no"}},
		{"no degree", exchange.Education, with(diploma, "degree", "", "degree_certificate_no", ""), nil},
		{"licence ends before it starts", exchange.HRAgency,
			map[string]string{"uscc": "91440300MA5F0X1Y2K", "licence_no": "L1", "valid_from": "2026-01-01", "valid_until": "2025-12-31"},
			[]string{"valid_until"}},
	} {
		got, problems := dataset(t, tc.ds).Validate(tc.rec, now)
		var fields []string
		for _, p := range problems {
			fields = append(fields, p.Field)
			if p.Msg == "" || p.MsgEN == "" {
				t.Errorf("%s: problem %s lacks a message", tc.name, p.Code)
			}
		}
		if strings.Join(fields, ",") != strings.Join(tc.fields, ",") {
			t.Errorf("%s: problems on %v, want %v (%v)", tc.name, fields, tc.fields, problems)
		}
		if tc.fields == nil && len(got) != len(tc.rec) {
			t.Errorf("%s: validated record has %d fields, want %d", tc.name, len(got), len(tc.rec))
		}
	}
}

func TestParseLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line   string
		want   map[string]string
		codes  []string
		fields []string
	}{
		{`{"a":"x","b":""}`, map[string]string{"a": "x", "b": ""}, nil, nil},
		{`{"a":"\u738b"}`, map[string]string{"a": "王"}, nil, nil},
		{`{"a":1,"b":true,"c":null,"d":[],"e":{}}`, nil,
			[]string{"exchange.field_type", "exchange.field_type", "exchange.field_type", "exchange.field_type", "exchange.field_type"},
			[]string{"a", "b", "c", "d", "e"}},
		{`{"a":"x","a":"y"}`, nil, []string{"exchange.field_duplicate"}, []string{"a"}},
		{`["a"]`, nil, []string{"exchange.line_object"}, []string{""}},
		{`"a"`, nil, []string{"exchange.line_object"}, []string{""}},
		{`{"a":"x"`, nil, []string{"exchange.line_json"}, []string{""}},
		{`{"a":"x"} {"b":"y"}`, nil, []string{"exchange.line_json"}, []string{""}},
		{"{\"a\":\"\xff\"}", nil, []string{"exchange.line_utf8"}, []string{""}},
	} {
		got, problems := exchange.ParseLine([]byte(tc.line))
		var codes, fields []string
		for _, p := range problems {
			codes, fields = append(codes, p.Code), append(fields, p.Field)
		}
		if strings.Join(codes, ",") != strings.Join(tc.codes, ",") || strings.Join(fields, ",") != strings.Join(tc.fields, ",") {
			t.Errorf("ParseLine(%s): problems %v on %v, want %v on %v", tc.line, codes, fields, tc.codes, tc.fields)
		}
		if tc.want != nil && (len(got) != len(tc.want) || got["a"] != tc.want["a"]) {
			t.Errorf("ParseLine(%s) = %v, want %v", tc.line, got, tc.want)
		}
	}
}

// FuzzParseLine checks that no line makes the parser panic, that it
// returns either a record or problems, and that a record it returns
// encodes canonically and parses back to itself.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{`{"a":"x"}`, `{"a":1}`, `{}`, `[`, `{"a":"x","a":"y"}`, `{"\u0000":"\n"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		rec, problems := exchange.ParseLine(line)
		if (rec == nil) == (len(problems) == 0) {
			t.Fatalf("ParseLine(%q) = %v, %v: want exactly one of a record and problems", line, rec, problems)
		}
		if rec == nil {
			return
		}
		b, err := exchange.Canonical(rec)
		if err != nil {
			t.Fatalf("canonical of %v: %v", rec, err)
		}
		back, problems := exchange.ParseLine(b)
		if len(problems) > 0 || len(back) != len(rec) {
			t.Fatalf("canonical %s of %q parses as %v, %v", b, line, back, problems)
		}
		for k, v := range rec {
			if back[k] != v {
				t.Fatalf("canonical round trip changed %q: %q → %q", k, v, back[k])
			}
		}
	})
}

// FuzzFieldCheck checks that a value a field accepts is accepted again,
// unchanged, after normalisation.
func FuzzFieldCheck(f *testing.F) {
	for _, s := range []string{"44030619900512123x", "2026-02-29", "420106", "91440300MA5F0X1Y2K", "本科", " 王 ", "199021202650002603"} {
		f.Add(s)
	}
	var fields []exchange.Field
	for _, d := range exchange.Datasets() {
		fields = append(fields, d.Fields...)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, fd := range fields {
			norm, err := fd.Check(v, now)
			if err != nil {
				if err.Field != fd.Name || err.Msg == "" || err.MsgEN == "" {
					t.Fatalf("%s(%q): error %+v lacks its field or messages", fd.Name, v, err)
				}
				continue
			}
			again, err := fd.Check(norm, now)
			if err != nil || again != norm {
				t.Fatalf("%s: %q normalised to %q, which checks as %q, %v", fd.Name, v, norm, again, err)
			}
		}
	})
}

func TestCanonical(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   any
		want string
	}{
		{map[string]string{"b": "2", "a": "1"}, `{"a":"1","b":"2"}`},
		{map[string]any{"z": []string{"x"}, "n": int64(-3), "t": true, "u": nil, "o": []any{map[string]any{"k": 1}}},
			`{"n":-3,"o":[{"k":1}],"t":true,"u":null,"z":["x"]}`},
		{"<王>\"\\\n\t\x01/", `"<王>\"\\\n\t\u0001/"`},
	} {
		got, err := exchange.Canonical(tc.in)
		if err != nil || string(got) != tc.want {
			t.Errorf("Canonical(%v) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	if _, err := exchange.Canonical(3.5); err == nil {
		t.Error("Canonical(3.5) succeeded; floats are not canonical here")
	}
	// SHA-256 of {"a":"1"}, computed independently with sha256sum.
	if h, err := exchange.ContentHash(map[string]string{"a": "1"}); h != "9afeb0f2b203f254312ec8ded441d0318b7c34c57f8695ede42d2215a30c0960" {
		t.Errorf("ContentHash = %s, %v; want sha256sum's", h, err)
	}
}
