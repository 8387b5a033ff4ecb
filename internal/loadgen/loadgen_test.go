package loadgen_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/app/apptest"
	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/loadgen"
)

// TestApprovalLoad boots the platform with the demo city and 2,000
// synthetic graduates, and offers their applications through the HTTP
// API with the load generator: every answer must be an approval, within
// the run's time. Set PENGCHENG_LOAD_RATE (0 for the peak) and
// PENGCHENG_LOAD_SECONDS to measure instead (see docs/benchmarks.md).
func TestApprovalLoad(t *testing.T) {
	in := apptest.Start(t, apptest.Options{})
	ctx := context.Background()
	gs := loadgen.Graduates(2000)
	var pop, edu bytes.Buffer
	if err := loadgen.WriteRegistries(gs, &pop, &edu); err != nil {
		t.Fatal(err)
	}
	for ds, buf := range map[string]*bytes.Buffer{exchange.Population: &pop, exchange.Education: &edu} {
		if _, err := in.App.Exchange.Import(ctx, ds, buf, nil); err != nil {
			t.Fatal(err)
		}
	}
	c, err := loadgen.SignIn(ctx, in.URL, "91440300MA5F0X1Y2K", "Demo@2026", 64)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := c.Upload(ctx, cases.DemoPDF("diploma"), "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	plan := loadgen.Plan{Rate: 100, Duration: 3 * time.Second}
	if os.Getenv("PENGCHENG_LOAD_SECONDS") != "" {
		d, _ := time.ParseDuration(os.Getenv("PENGCHENG_LOAD_SECONDS") + "s")
		plan.Duration = d
		if r, err := strconv.ParseFloat(os.Getenv("PENGCHENG_LOAD_RATE"), 64); err == nil {
			plan.Rate = r
		}
	}
	mats := []map[string]string{{"material": "普通高等学校毕业证书", "blob": blob}, {"material": "学位证书（本科及以上学历须提供）", "blob": blob},
		{"material": "居民身份证", "blob": blob}}
	rep := loadgen.Run(ctx, plan, func(ctx context.Context, i int) (string, error) {
		g := gs[i%len(gs)]
		var out struct{ State string }
		code, err := c.JSON(ctx, http.MethodPost, "/api/v1/applications", map[string]any{"item_code": "4403-SZRS-001",
			"form": map[string]string{"channel": "employer", "name": g.Name, "id_number": g.IDNumber, "phone": "13900000000",
				"certificate_no": g.CertificateNo, "degree_certificate_no": g.DegreeNo},
			"materials": mats, "delivery": map[string]string{"method": "pickup", "hall": "SMZX"}}, &out)
		if err == nil && code != http.StatusCreated {
			err = fmt.Errorf("status %d", code)
		}
		return out.State, err
	})
	t.Log(rep.String())
	if rep.Errors > 0 || rep.Outcomes["approved"] != rep.Done || rep.Done == 0 {
		t.Fatalf("%s; first error %v", rep, rep.FirstError)
	}
}

func TestField(t *testing.T) {
	doc := []byte(`{"serial":"4403","state":"approved","trace":[{"state":"x"}],"detail":"坏"}`)
	for name, want := range map[string]string{"state": "approved", "serial": "4403", "detail": "坏", "missing": ""} {
		if got := loadgen.Field(doc, name); got != want {
			t.Errorf("Field(%s) = %q, want %q", name, got, want)
		}
	}
}
