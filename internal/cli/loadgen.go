package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/loadgen"
)

// runLoadgen is `pengcheng loadgen graduates|approval`: synthetic graduates
// for the registries, and applications for 高校应届毕业生引进入户 offered to
// a running server through the JSON API, with latency percentiles.
func runLoadgen(ctx context.Context, env Env, args []string) error {
	usage := fmt.Errorf("%w: pengcheng loadgen graduates --count N --dir DIR | pengcheng loadgen approval --url URL [--rate R] [--duration D] | %s", errUsage, loadgenEventsUsage)
	if len(args) == 0 {
		return usage
	}
	if args[0] == "events" {
		return runLoadgenEvents(ctx, env, args[1:])
	}
	fs := flag.NewFlagSet("pengcheng loadgen "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	count := fs.Int("count", 20000, "graduates (the same ones for the same count)")
	switch args[0] {
	case "graduates":
		dir := fs.String("dir", "", "directory for population.jsonl and education.jsonl")
		if err := fs.Parse(args[1:]); err != nil || *dir == "" || *count <= 0 || *count > 899999 {
			return usage
		}
		return writeGraduates(env, *count, *dir)
	case "approval":
		p := approvalLoad{count: count}
		fs.StringVar(&p.url, "url", "http://127.0.0.1:8080", "the running server")
		fs.StringVar(&p.login, "login", "91440300MA5F0X1Y2K", "the employer that applies for the graduates")
		fs.StringVar(&p.password, "password", "Demo@2026", "its password")
		fs.Float64Var(&p.plan.Rate, "rate", 200, "applications offered per second; 0 for as many as --workers can send (the peak)")
		fs.DurationVar(&p.plan.Duration, "duration", 30*time.Second, "how long to offer load")
		fs.IntVar(&p.plan.Workers, "workers", 0, "requests in flight at most (default 256 at a rate, 32 at the peak)")
		fs.IntVar(&p.offset, "offset", 0, "the first graduate to use (to run again without repeating graduates)")
		if err := fs.Parse(args[1:]); err != nil || *count <= 0 {
			return usage
		}
		return p.run(ctx, env)
	}
	return usage
}

func writeGraduates(env Env, n int, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	pf, err := os.Create(filepath.Join(dir, "population.jsonl"))
	if err != nil {
		return err
	}
	defer pf.Close()
	ef, err := os.Create(filepath.Join(dir, "education.jsonl"))
	if err != nil {
		return err
	}
	defer ef.Close()
	if err := loadgen.WriteRegistries(loadgen.Graduates(n), pf, ef); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %d synthetic graduates to %s; load them with\n  pengcheng exchange import population %s\n  pengcheng exchange import education %s\n",
		n, dir, filepath.Join(dir, "population.jsonl"), filepath.Join(dir, "education.jsonl"))
	return errors.Join(pf.Sync(), ef.Sync())
}

// graduateApplication is the JSON of an employer's application for a
// graduate.
type graduateApplication struct {
	ItemCode  string              `json:"item_code"`
	Form      graduateForm        `json:"form"`
	Materials []map[string]string `json:"materials"`
	Delivery  map[string]string   `json:"delivery"`
}

type graduateForm struct {
	Channel       string `json:"channel"`
	Name          string `json:"name"`
	IDNumber      string `json:"id_number"`
	Phone         string `json:"phone"`
	CertificateNo string `json:"certificate_no"`
	DegreeNo      string `json:"degree_certificate_no"`
	Verification  string `json:"verification_code"`
}

// approvalLoad is one run of `pengcheng loadgen approval`.
type approvalLoad struct {
	url, login, password string
	count                *int
	offset               int
	plan                 loadgen.Plan
}

func (p *approvalLoad) run(ctx context.Context, env Env) error {
	conns := p.plan.Workers
	if conns <= 0 {
		conns = 256
	}
	c, err := loadgen.SignIn(ctx, p.url, p.login, p.password, conns)
	if err != nil {
		return err
	}
	pdf, err := c.Upload(ctx, cases.DemoPDF("毕业证书（压测）"), "application/pdf")
	if err != nil {
		return err
	}
	gs := loadgen.Graduates(*p.count)
	fmt.Fprintf(env.Stderr, "offering applications for %d graduates to %s (rate %.0f/s, %s)\n", len(gs), p.url, p.plan.Rate, p.plan.Duration)
	p.plan.Progress = func(done, errs int) { fmt.Fprintf(env.Stderr, "\r%d answered, %d errors", done, errs) }
	mats := []map[string]string{
		{"material": "普通高等学校毕业证书", "blob": pdf, "file_name": "diploma.pdf"},
		{"material": "学位证书（本科及以上学历须提供）", "blob": pdf, "file_name": "degree.pdf"},
		{"material": "居民身份证", "blob": pdf, "file_name": "id.pdf"},
	}
	rep := loadgen.Run(ctx, p.plan, func(ctx context.Context, i int) (string, error) {
		g := gs[(p.offset+i)%len(gs)]
		body, err := json.Marshal(graduateApplication{ItemCode: "4403-SZRS-001",
			Form: graduateForm{Channel: "employer", Name: g.Name, IDNumber: g.IDNumber, Phone: "13900000000",
				CertificateNo: g.CertificateNo, DegreeNo: g.DegreeNo, Verification: "LOADTEST"},
			Materials: mats, Delivery: map[string]string{"method": "pickup", "hall": "SMZX"}})
		if err != nil {
			return "", err
		}
		code, res, err := c.Post(ctx, "/api/v1/applications", body)
		if err != nil {
			return "", err
		}
		if code != http.StatusCreated {
			return "", fmt.Errorf("status %d: %s", code, loadgen.Field(res, "detail"))
		}
		return loadgen.Field(res, "state"), nil
	})
	fmt.Fprintln(env.Stderr)
	fmt.Fprintln(env.Stdout, rep.String())
	if rep.FirstError != nil {
		fmt.Fprintf(env.Stdout, "first error: %v\n", rep.FirstError)
	}
	return nil
}
