package catalogsearch_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsearch"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// BenchmarkSearch searches the full shipped catalogue with the queries of
// the evaluation set in turn (exact names, colloquial phrasings,
// Traditional characters, pinyin, initials, typos and English), and
// reports the 50th and 99th percentile latency of one search.
func BenchmarkSearch(b *testing.B) {
	e := shippedEngine(b)
	cases := readEval(b)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := e.Search(ctx, cases[i%len(cases)].query, 10); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// BenchmarkBuild builds the index of the full shipped catalogue from the
// database, as at start-up and after each catalogue change.
func BenchmarkBuild(b *testing.B) {
	svc, _, err := newEngine(dbtest.Open(b, db.SQLite))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e, err := catalogsearch.New(svc, slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		if err := e.Refresh(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
