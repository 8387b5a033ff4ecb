package exchange_test

import (
	"context"
	"os"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangetest"
)

// TestSeedDemo seeds the demo registries twice and reads them as the
// graduate-settlement rules will.
func TestSeedDemo(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		ctx := context.Background()
		env := exchangetest.NewEnv(t, d)
		s := env.Service
		rep, err := exchange.SeedDemo(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		created := 0
		for _, r := range rep.Imports {
			created += r.Created
		}
		if created != 31 || rep.Policies != len(exchange.DemoPolicies()) {
			t.Errorf("first seed: %d records, %d policies; want 31 and %d", created, rep.Policies, len(exchange.DemoPolicies()))
		}
		if rep, err = exchange.SeedDemo(ctx, s); err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Imports {
			if r.Created+r.Updated != 0 || r.Unchanged != r.Records {
				t.Errorf("second seed of %s = %+v, want everything unchanged", r.Dataset, r)
			}
		}
		if rep.Policies != 0 {
			t.Errorf("second seed created %d policies, want 0", rep.Policies)
		}

		rule := exchange.RuleActor("SZRS", exchange.GraduateItemCode, exchange.GraduateItemName)
		read := func(dataset, subject string) exchange.Request {
			return exchange.Request{Actor: rule, Dataset: dataset, Subject: subject,
				Purpose: exchange.RulePurpose(exchange.GraduateItemName), LegalBasis: exchange.DemoLegalBasis, Reference: "demo"}
		}
		answers, err := s.ReadMany(ctx, []exchange.Request{
			read(exchange.Population, "420106200203153452"),
			read(exchange.Education, "420106200203153452"),
			read(exchange.Enterprise, "91440300MA5F0X1Y2K"),
			read(exchange.HRAgency, "91440300MA5G1H2J3K"),
			read(exchange.Population, "44130220020819742X"),
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range answers {
			if a.Err != nil {
				t.Fatalf("demo read %d: %v", i, a.Err)
			}
		}
		pop, edu := answers[0].Result.Records[0], answers[1].Result.Records[0]
		if pop.Fields["name"] != "王磊" || pop.Fields["hukou_division"] != "420106" || pop.Fields["status"] != "正常" || !pop.Demo {
			t.Errorf("王磊's population record = %+v", pop)
		}
		if _, has := pop.Fields["hukou_address"]; has {
			t.Error("the graduate rules may read the hukou address; the demo policy leaves it out")
		}
		if edu.Fields["level"] != "本科" || edu.Fields["study_mode"] != "全日制" || edu.Fields["graduation_date"] != "2026-06-30" ||
			edu.Fields["degree"] != "学士" || edu.Fields["degree_certificate_no"] == "" {
			t.Errorf("王磊's education record = %+v", edu)
		}
		if answers[2].Result.Records[0].Fields["status"] != "存续" || answers[3].Result.Records[0].Fields["valid_until"] != "2028-08-31" {
			t.Errorf("the demo employer and agency = %+v, %+v", answers[2].Result.Records, answers[3].Result.Records)
		}
		if answers[4].Result.Found() {
			t.Error("林嘉怡 must have no population record")
		}
		clerk := exchange.Actor{Kind: exchange.ActorStaff, ID: "clerk", Name: "窗口", Department: "SZGA"}
		if _, err := s.Read(ctx, exchange.Request{Actor: clerk, Dataset: exchange.Education, Subject: "420106200203153452",
			Purpose: "户籍迁入办理", LegalBasis: "《中华人民共和国户口登记条例》；《深圳市户籍迁入若干规定》（演示授权）"}); err != nil {
			t.Errorf("the public security bureau's demo read: %v", err)
		}
	})
}

// TestDemoFilesImport loads the shipped JSONL files the way the import
// command does.
func TestDemoFilesImport(t *testing.T) {
	t.Parallel()
	env := exchangetest.NewEnv(t, dbtest.Open(t, db.SQLite))
	for _, ds := range env.Service.Datasets() {
		f, err := os.Open("testdata/" + ds.Name + ".jsonl")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := env.Service.Import(context.Background(), ds.Name, f, nil)
		f.Close()
		if err != nil || rep.Created == 0 || rep.Created != rep.Records {
			t.Errorf("import testdata/%s.jsonl = %+v, %v", ds.Name, rep, err)
		}
	}
}
