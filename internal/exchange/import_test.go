package exchange_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangetest"
)

var ptr = exchangetest.Ptr[string]

// versions returns the current version of every record of dataset about
// subject, by key.
func versions(t *testing.T, env *exchangetest.Env, dataset, subject string) map[string]int {
	t.Helper()
	recs, err := env.Store.FindRecords(context.Background(), []exchange.RecordQuery{{Dataset: dataset, Subject: subject, Key: ""}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range recs {
		out[r.Key] = r.Version
	}
	return out
}

func TestImport(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		ctx := context.Background()
		env := exchangetest.NewEnv(t, d)
		s := env.Service
		wang := exchangetest.Population(&exchangetest.PersonOpts{IDNumber: ptr("420106200203153452"), Name: ptr("王磊")})
		li := exchangetest.Population(nil)
		var lines []int
		file := "\ufeff" + exchangetest.JSONL(wang) + "\n  \n" + exchangetest.JSONL(li)
		rep, err := s.Import(ctx, exchange.Population, strings.NewReader(file), func(n int) { lines = append(lines, n) })
		if err != nil {
			t.Fatalf("import: %v %v", err, rep.Errors)
		}
		if rep.Lines != 4 || rep.Records != 2 || rep.Created != 2 || rep.Updated != 0 || rep.Unchanged != 0 {
			t.Errorf("first import = %+v, want 4 lines, 2 records created", rep)
		}
		if len(lines) == 0 || lines[len(lines)-1] != 4 {
			t.Errorf("progress calls = %v, want the last to say 4 lines", lines)
		}

		rep, err = s.Import(ctx, exchange.Population, strings.NewReader(file), nil)
		if err != nil || rep.Unchanged != 2 || rep.Created+rep.Updated != 0 {
			t.Errorf("same file again = %+v, %v; want 2 unchanged", rep, err)
		}
		if got := versions(t, env, exchange.Population, "420106200203153452"); got["420106200203153452"] != 1 {
			t.Errorf("version after an idempotent import = %v, want 1", got)
		}

		wang["status"] = "注销"
		rep, err = s.Import(ctx, exchange.Population, strings.NewReader(exchangetest.JSONL(wang, li)), nil)
		if err != nil || rep.Updated != 1 || rep.Unchanged != 1 {
			t.Errorf("one change = %+v, %v; want 1 updated, 1 unchanged", rep, err)
		}
		recs, _ := env.Store.FindRecords(ctx, []exchange.RecordQuery{{Dataset: exchange.Population, Subject: "420106200203153452", Key: ""}})
		if len(recs) != 1 || recs[0].Version != 2 || recs[0].Content["status"] != "注销" {
			t.Fatalf("after the change: %+v, want version 2 with status 注销", recs)
		}
		old, err := env.Store.FindRecordVersion(ctx, exchange.Population, recs[0].ID, 1)
		if err != nil || old.Content["status"] != "正常" {
			t.Errorf("version 1 = %+v, %v; want the old status 正常 kept", old, err)
		}
		if h, _ := exchange.ContentHash(recs[0].Content); h != recs[0].Hash {
			t.Errorf("stored hash %s, want the content's %s", recs[0].Hash, h)
		}

		// Several diplomas of one person, keyed by certificate number.
		gao := "420106199910108532"
		b := exchangetest.Education(gao, &exchangetest.EducationOpts{Graduation: ptr("2022-06-30")})
		m := exchangetest.Education(gao, &exchangetest.EducationOpts{Level: ptr("硕士"), Degree: ptr("硕士")})
		exchangetest.Import(t, s, exchange.Education, b, m)
		if got := versions(t, env, exchange.Education, gao); len(got) != 2 {
			t.Errorf("diplomas of one person = %v, want 2", got)
		}
	})
}

// TestImportBadLines imports a file with one bad line of each kind: every
// line is reported with its line number and field, and nothing changes.
func TestImportBadLines(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		ctx := context.Background()
		env := exchangetest.NewEnv(t, d)
		s := env.Service
		good := exchangetest.Population(&exchangetest.PersonOpts{IDNumber: ptr("420106200203153452"), Name: ptr("王磊")})
		exchangetest.Import(t, s, exchange.Population, good)
		changed := exchangetest.Population(&exchangetest.PersonOpts{IDNumber: ptr("420106200203153452"), Name: ptr("王磊"), Status: ptr("注销")})
		fresh := exchangetest.Population(nil)
		line := func(r map[string]string, kv ...string) string {
			m := map[string]string{}
			for k, v := range r {
				m[k] = v
			}
			for i := 0; i < len(kv); i += 2 {
				m[kv[i]] = kv[i+1]
			}
			return strings.TrimSuffix(exchangetest.JSONL(m), "\n")
		}
		idField := `"id_number":"` + fresh["id_number"] + `"`
		file := strings.Join([]string{
			line(changed), // 1: a valid change, which must not be applied
			line(fresh),   // 2: a valid new record, which must not be created
			line(exchangetest.Population(nil), "nickname", "x"),                                   // 3: unknown field
			strings.Replace(line(exchangetest.Population(nil)), `"status":"正常"`, `"status":1`, 1), // 4: wrong type
			line(exchangetest.Population(nil), "gender", "未知"),                                    // 5: invalid enum
			line(exchangetest.Population(nil), "id_number", "420106200203153453"),                 // 6: bad check digit
			line(fresh, "name", "重复的人"),                                                           // 7: duplicate key of line 2
			`{` + idField + `,` + idField + `}`,                                                   // 8: repeated member
			`not json`,                                                                            // 9
			line(exchangetest.Population(nil), "birth_date", "1990-13-01"),                        // 10: bad date
		}, "\n")
		rep, err := s.Import(ctx, exchange.Population, strings.NewReader(file), nil)
		if errs.KindOf(err) != errs.Invalid {
			t.Fatalf("import error = %v, want Invalid", err)
		}
		if rep.BadLines != 8 || rep.Created+rep.Updated+rep.Unchanged != 0 {
			t.Errorf("report = %d bad lines, %d/%d/%d applied; want 8 bad and nothing applied", rep.BadLines, rep.Created, rep.Updated, rep.Unchanged)
		}
		want := []string{
			"3 nickname exchange.field_unknown", "4 status exchange.field_type", "5 gender exchange.value_enum",
			"6 id_number idnumber.checksum", "7 id_number exchange.key_duplicate", "8 id_number exchange.field_duplicate",
			"9  exchange.line_json", "10 birth_date exchange.value_date",
		}
		var got []string
		for _, e := range rep.Errors {
			got = append(got, fmt.Sprintf("%d %s %s", e.Line, e.Field, e.Code))
			if e.Message("zh") == "" || !strings.HasPrefix(e.Message("en"), fmt.Sprintf("line %d: ", e.Line)) {
				t.Errorf("line %d: messages %q / %q", e.Line, e.Message("zh"), e.Message("en"))
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("reported problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		recs, _ := env.Store.FindRecords(ctx, []exchange.RecordQuery{{Dataset: exchange.Population, Subject: "420106200203153452", Key: ""}})
		if len(recs) != 1 || recs[0].Version != 1 || recs[0].Content["status"] != "正常" {
			t.Errorf("the good record after a failed import = %+v, want version 1 unchanged", recs)
		}
		if n, _ := s.CountRecords(ctx); n[exchange.Population] != 1 {
			t.Errorf("population holds %d records after a failed import, want 1", n[exchange.Population])
		}
	})
}

func TestImportRefusals(t *testing.T) {
	t.Parallel()
	env := exchangetest.NewEnv(t, dbtest.Open(t, db.SQLite))
	ctx := context.Background()
	if _, err := env.Service.Import(ctx, "nosuch", strings.NewReader(""), nil); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown dataset: error = %v, want NotFound", err)
	}
	long := `{"name":"` + strings.Repeat("x", exchange.MaxLineBytes) + `"}`
	rep, err := env.Service.Import(ctx, exchange.Population, strings.NewReader(long), nil)
	if errs.KindOf(err) != errs.Invalid || len(rep.Errors) != 1 || rep.Errors[0].Code != "exchange.line_long" || rep.Errors[0].Line != 1 {
		t.Errorf("over-long line: %v, %+v; want one line_long problem on line 1", err, rep.Errors)
	}
	rep, err = env.Service.Import(ctx, exchange.Population, strings.NewReader(""), nil)
	if err != nil || rep.Records != 0 {
		t.Errorf("empty file = %+v, %v; want nothing done and no error", rep, err)
	}
}

// TestImportMany imports more bad lines than a report lists: every bad
// line is counted, MaxImportErrors are listed.
func TestImportMany(t *testing.T) {
	t.Parallel()
	env := exchangetest.NewEnv(t, dbtest.Open(t, db.SQLite))
	var b strings.Builder
	for range exchange.MaxImportErrors + 10 {
		b.WriteString("{}\n")
	}
	rep, err := env.Service.Import(context.Background(), exchange.Enterprise, strings.NewReader(b.String()), nil)
	if errs.KindOf(err) != errs.Invalid || rep.BadLines != exchange.MaxImportErrors+10 || len(rep.Errors) != exchange.MaxImportErrors {
		t.Errorf("%d bad lines reported, %d listed; want %d and %d", rep.BadLines, len(rep.Errors), exchange.MaxImportErrors+10, exchange.MaxImportErrors)
	}
}
