package exchange_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangetest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// benchEnv is the demo registries with 1,000 more people, on a fresh
// database of the dialect.
func benchEnv(b *testing.B, dialect string) (*exchangetest.Env, []string) {
	b.Helper()
	env := exchangetest.NewEnv(b, dbtest.Open(b, db.Dialect(dialect)))
	if _, err := exchange.SeedDemo(context.Background(), env.Service); err != nil {
		b.Fatal(err)
	}
	var people []map[string]string
	var ids []string
	for i := range 1000 {
		p := exchangetest.Population(&exchangetest.PersonOpts{IDNumber: exchangetest.Ptr(benchID(i))})
		people = append(people, p)
		ids = append(ids, p["id_number"])
	}
	exchangetest.Import(b, env.Service, exchange.Population, people...)
	return env, ids
}

// benchID returns the i-th of 100,000 distinct valid identity numbers.
func benchID(i int) string {
	return identitytest.IDNumber("420106", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000), i%1000)
}

// graduateRead is a read by the graduate-settlement rules.
func graduateRead(dataset, subject string) exchange.Request {
	return exchange.Request{Actor: exchange.RuleActor("SZRS", exchange.GraduateItemCode, exchange.GraduateItemName),
		Dataset: dataset, Subject: subject, Purpose: exchange.RulePurpose(exchange.GraduateItemName), LegalBasis: exchange.DemoLegalBasis}
}

// BenchmarkRead measures one policy-checked read with its log append:
// one goroutine at a time ("serial", each read waits for its own commit)
// and 16 goroutines at once ("parallel", appends share commits).
func BenchmarkRead(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			env, ids := benchEnv(b, dialect)
			ctx := context.Background()
			b.Run("serial", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := env.Service.Read(ctx, graduateRead(exchange.Population, ids[i%len(ids)])); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run("parallel", func(b *testing.B) {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					i := 0
					for pb.Next() {
						if _, err := env.Service.Read(ctx, graduateRead(exchange.Population, ids[i%len(ids)])); err != nil {
							b.Error(err)
							return
						}
						i++
					}
				})
			})
		})
	}
}

// BenchmarkDecisionReads measures what one instant-approval decision of
// the graduate settlement reads: population, education, enterprise and
// hr_agency in one ReadMany (four policy checks, one round trip for the
// records, four log entries in one append): one decision at a time
// ("serial", the latency a decision adds) and from 16 goroutines
// ("parallel", ops/s is decisions/s).
func BenchmarkDecisionReads(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			env, _ := benchEnv(b, dialect)
			ctx := context.Background()
			reqs := []exchange.Request{
				graduateRead(exchange.Population, "420106200203153452"), graduateRead(exchange.Education, "420106200203153452"),
				graduateRead(exchange.Enterprise, "91440300MA5G1H2J3K"), graduateRead(exchange.HRAgency, "91440300MA5G1H2J3K"),
			}
			b.Run("serial", func(b *testing.B) {
				for b.Loop() {
					if answers, err := env.Service.ReadMany(ctx, reqs); err != nil || answers[3].Err != nil {
						b.Fatal(err, answers[3].Err)
					}
				}
			})
			b.Run("parallel", func(b *testing.B) {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						answers, err := env.Service.ReadMany(ctx, reqs)
						if err != nil || answers[3].Err != nil {
							b.Error(err, answers[3].Err)
							return
						}
					}
				})
			})
		})
	}
}

// BenchmarkImport100k imports a file of 100,000 population records in
// one transaction: into an empty dataset ("create"), and the same file
// again ("unchanged").
func BenchmarkImport100k(b *testing.B) {
	var buf strings.Builder
	for i := range 100_000 {
		p := exchangetest.Population(&exchangetest.PersonOpts{IDNumber: exchangetest.Ptr(benchID(i)), Name: exchangetest.Ptr(fmt.Sprintf("测试%d", i))})
		buf.WriteString(exchangetest.JSONL(p))
	}
	file := buf.String()
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			ctx := context.Background()
			for _, again := range []bool{false, true} {
				name := map[bool]string{false: "create", true: "unchanged"}[again]
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						b.StopTimer()
						env := exchangetest.NewEnv(b, dbtest.Open(b, db.Dialect(dialect)))
						if again {
							if _, err := env.Service.Import(ctx, exchange.Population, strings.NewReader(file), nil); err != nil {
								b.Fatal(err)
							}
						}
						b.StartTimer()
						rep, err := env.Service.Import(ctx, exchange.Population, strings.NewReader(file), nil)
						if err != nil || rep.Records != 100_000 {
							b.Fatalf("import: %+v, %v", rep.Errors, err)
						}
					}
				})
			}
		})
	}
}
