package approvaltest_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/approval/approvaltest"
	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/loadgen"
)

// BenchmarkSubmitDecide measures one graduate's application decided in
// process, from the submission to the committed decision, hand-over and
// notices (SQLite with synchronous=FULL, and PostgreSQL), with parallel
// submitters as a server sees them.
func BenchmarkSubmitDecide(b *testing.B) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(dialect), func(b *testing.B) {
			d := dbtest.Open(b, dialect)
			e := newEnvTB(b, d)
			ctx := context.Background()
			gs := loadgen.Graduates(b.N + 10)
			var pop, edu bytes.Buffer
			if err := loadgen.WriteRegistries(gs, &pop, &edu); err != nil {
				b.Fatal(err)
			}
			for ds, buf := range map[string]*bytes.Buffer{exchange.Population: &pop, exchange.Education: &edu} {
				if _, err := e.Exchange.Import(ctx, ds, buf, nil); err != nil {
					b.Fatal(err)
				}
			}
			blob, err := e.Files.Put(ctx, bytes.NewReader(casestest.PDF("diploma")), 1<<20)
			if err != nil {
				b.Fatal(err)
			}
			var next int64
			var mu = make(chan struct{}, 1)
			b.ReportAllocs()
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					mu <- struct{}{}
					g := gs[next]
					next++
					<-mu
					sub := cases.Submission{ItemCode: "4403-SZRS-001", Form: map[string]string{"channel": "employer", "name": g.Name,
						"id_number": g.IDNumber, "phone": "13900000000", "certificate_no": g.CertificateNo, "degree_certificate_no": g.DegreeNo},
						Materials: []cases.MaterialInput{{Material: "普通高等学校毕业证书", Blob: blob.SHA256}, {Material: "学位证书（本科及以上学历须提供）", Blob: blob.SHA256},
							{Material: "居民身份证", Blob: blob.SHA256}},
						Delivery: cases.Delivery{Method: cases.Pickup, Hall: "SMZX"}}
					_, dec, err := e.Service.Submit(ctx, e.Enterprise, sub)
					if err != nil || dec.Outcome != approval.Approve {
						panic(fmt.Sprintf("submit: %v %+v", err, dec))
					}
				}
			})
		})
	}
}

// newEnvTB is newEnv for benchmarks.
func newEnvTB(b *testing.B, d *db.DB) *approvaltest.Env {
	e := approvaltest.NewEnv(b, d)
	e.Clock.Advance(time.Date(2026, 7, 15, 2, 0, 0, 0, time.UTC).Sub(e.Clock.Now()))
	return e
}
