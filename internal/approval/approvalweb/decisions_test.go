package approvalweb_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// submitWang files 王磊's application on 2026-07-15 and returns its
// decision.
func submitWang(t *testing.T, f *fixture) *approval.Decision {
	t.Helper()
	f.env.Clock.Advance(time.Date(2026, 7, 15, 2, 0, 0, 0, time.UTC).Sub(f.env.Clock.Now()))
	var mats []cases.MaterialInput
	for _, name := range []string{"普通高等学校毕业证书", "学位证书（本科及以上学历须提供）", "居民身份证"} {
		mats = append(mats, cases.MaterialInput{Material: name, FileName: "scan.pdf", Content: bytes.NewReader(casestest.PDF(name))})
	}
	sub := cases.Submission{ItemCode: item, Materials: mats,
		Form: map[string]string{"channel": "individual", "name": "王磊", "phone": "13912345678",
			"certificate_no": "199021202650002603", "degree_certificate_no": "1990242026002603", "verification_code": "A1B2C3D4"},
		Delivery: cases.Delivery{Method: cases.Pickup, Hall: cases.DefaultHalls()[0].Code}}
	_, dec, err := f.env.Service.Submit(context.Background(), f.env.WangLei, sub)
	if err != nil {
		t.Fatal(err)
	}
	if dec == nil || dec.Outcome != approval.Approve {
		t.Fatalf("decision %+v, want approve", dec)
	}
	f.login(t) // the sessions of March have expired
	return dec
}

// TestDecisionPage shows a decision to its department's staff and replays
// it to the same outcome; nobody else sees it.
func TestDecisionPage(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		dec := submitWang(t, f)
		path := "/approval/decisions/" + dec.ID
		runScenarios(t, f, []scenario{
			{name: "the caseworker sees the decision", path: path, as: "rsClerk", status: http.StatusOK,
				want: []string{"秒批决定", "准予", `href="/applications/` + dec.Serial + `"`, "第 1 版", "身份核验", "户籍地区划代码 420106", "population",
					"420106********3452", "education", "individual", "重放此决定"}},
			{name: "in English", path: path + "?lang=en", as: "rsClerk", status: http.StatusOK,
				want: []string{"Instant decision", "Approve", "Replay this decision"}},
			{name: "the replay is the same", method: http.MethodPost, path: path + "/replay", as: "rsClerk", status: http.StatusOK,
				want: []string{`id="replay-result"`, "重放结果一致：准予"}, notWant: []string{"不一致"}},
			{name: "the platform administrator replays too", method: http.MethodPost, path: path + "/replay", as: "platform",
				status: http.StatusOK, want: []string{"重放结果一致"}},
			{name: "another department's caseworker may not see it", path: path, as: "gaClerk", status: http.StatusForbidden},
			{name: "nor replay it", method: http.MethodPost, path: path + "/replay", as: "gaClerk", status: http.StatusForbidden},
			{name: "the applicant uses his application's page instead", path: path, as: "wang", status: http.StatusForbidden},
			{name: "an unknown decision", path: "/approval/decisions/nope", as: "rsClerk", status: http.StatusNotFound},
		})
	})
}
