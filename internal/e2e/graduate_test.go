package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pengcheng-gov/pengcheng/internal/app/apptest"
	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/demo"
	"github.com/pengcheng-gov/pengcheng/internal/notify/smpp"
	"github.com/pengcheng-gov/pengcheng/internal/notify/smpp/smpptest"
)

// The graduate: 王磊, a new graduate with a Wuhan hukou, whose records in
// the demo registries pass every rule of 高校应届毕业生引进入户.
const (
	graduateItem   = "4403-SZRS-001"
	graduateLogin  = "420106200203153452"
	graduateName   = "王磊"
	graduatePhone  = "13800138003"
	graduateCert   = "199021202650002603"
	graduateDegree = "1990242026002603"
)

// TestGraduateSettlement: the graduate, tried as a new user would, finds
// the item, signs in, fills the form and uploads the diploma, the degree
// certificate and the identity card, and sees the approval on the next
// page; the SMS reaches the SMS centre; public security's hand-over case
// appears in its queue and on the graduate's timeline; the access log
// shows each registry read and verifies, and a tampered entry makes the
// verification fail.
func TestGraduateSettlement(t *testing.T) {
	smsc := smpptest.Start(t, "pengcheng", "smpp-pw")
	in := apptest.Start(t, apptest.Options{Configure: func(c *config.Config) {
		c.SMPP = smpp.Config{Addr: smsc.Addr(), SystemID: "pengcheng", Password: "smpp-pw", Source: "1069"}
	}})
	root := browser(t)
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	al := &album{dir: screenshotDir(t)}
	g := newTab(t, root, "graduate", chinese, al)

	g.open("open the item", in.URL+"/services/"+graduateItem)
	g.shot("graduate-item")
	g.follow("click apply", "#apply")
	g.fill("#login", graduateLogin)
	g.fill("#password", demo.Password)
	g.follow("log in", `#password-form button[type="submit"]`)
	if loc := g.location(); loc != in.URL+"/apply/"+graduateItem {
		t.Fatalf("graduate: after login at %s, want the form", loc)
	}
	g.do("choose the individual channel", chromedp.SetValue(chromedp.CSS(formField("channel")), "individual"))
	g.fill(formField("name"), graduateName)
	g.fill(formField("certificate_no"), graduateCert)
	g.fill(formField("degree_certificate_no"), graduateDegree)
	g.fill(formField("verification_code"), "A1B2C3D4E5")
	it, err := in.App.Catalog.Item(context.Background(), graduateItem)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pdf, png := writeFile(t, dir, "毕业证书.pdf", samplePDF()), writeFile(t, dir, "身份证.png", samplePNG(t))
	for i, m := range it.Materials {
		file := map[string]string{"普通高等学校毕业证书": pdf, "学位证书（本科及以上学历须提供）": pdf, "居民身份证": png}[m.Name]
		if file != "" {
			g.do("choose a file for "+m.Name, chromedp.SetUploadFiles(chromedp.CSS("#"+cases.MaterialField(i)), []string{file}))
		}
	}
	g.shot("graduate-form")
	g.phoneShot("graduate-form")
	g.follow("submit", `#apply-form button[type="submit"]`)

	// The same page view: the receipt shows the decision.
	serial := g.text("#serial")
	if got := run(g, "read the outcome", chromedp.AttributeValue(chromedp.CSS("#decision"), "data-outcome")).Value; got != "approve" {
		t.Fatalf("graduate: outcome %q on the receipt, want approve; panel: %s", got, g.text("#decision"))
	}
	if txt := g.text("#outcome"); !strings.Contains(txt, "已通过秒批") {
		t.Errorf("graduate: outcome text %q", txt)
	}
	if n := g.count(`#decision li[data-result="pass"]`); n != 8 {
		t.Errorf("graduate: %d passed rules shown, want 8", n)
	}
	g.shot("graduate-approved")
	g.phoneShot("graduate-approved")

	// The SMS reaches the SMS centre, naming both serial numbers.
	hand := handover(t, in, serial)
	text := waitSMS(t, smsc, graduatePhone, serial)
	if !strings.Contains(text, hand.Serial) {
		t.Errorf("SMS %q does not name the hand-over %s", text, hand.Serial)
	}

	// The timeline links the hand-over, whose page links back.
	g.open("open the application", in.URL+"/applications/"+serial)
	g.follow("open the hand-over", `.timeline a[href="/applications/`+hand.Serial+`"]`)
	if origin := g.text("#origin a"); origin != serial {
		t.Errorf("graduate: hand-over page names origin %q, want %s", origin, serial)
	}
	g.shot("graduate-handover")

	// Every registry read is in the graduate's data use records.
	g.open("open my data use", in.URL+"/my/data-use")
	rows := run(g, "read the data use rows", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('table tbody tr')].map(r => r.innerText)`))
	reads := 0
	for _, r := range rows {
		if strings.Contains(r, "秒批规则") && strings.Contains(r, "高校应届毕业生引进入户") {
			reads++
		}
	}
	if reads < 2 {
		t.Errorf("graduate: %d rule reads in my data use records (%q), want population and education", reads, rows)
	}
	g.shot("graduate-data-use")
	verifyThenTamper(t, in)
}

// handover returns public security's case handed over from serial, as its
// caseworker's queue shows it.
func handover(t *testing.T, in *apptest.Instance, serial string) *cases.Application {
	t.Helper()
	ctx := context.Background()
	clerk, err := in.App.Identity.AccountByLogin(ctx, "ga-clerk")
	if err != nil {
		t.Fatal(err)
	}
	queue, _, err := in.App.Cases.Queue(ctx, clerk, cases.QueueFilter{ItemCode: approval.HandoverItemCode})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range queue {
		if a.Origin == serial {
			if a.Form["name"] != graduateName || a.Form["certificate_no"] != graduateCert {
				t.Errorf("hand-over form %v", a.Form)
			}
			return a
		}
	}
	t.Fatalf("no hand-over of %s in public security's queue (%d cases)", serial, len(queue))
	return nil
}

// waitSMS waits for a text to phone that names serial and returns it.
func waitSMS(t *testing.T, smsc *smpptest.Server, phone, serial string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for dest, text := range smsc.Texts() {
			if strings.Contains(dest, phone) && strings.Contains(text, serial) {
				return text
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no SMS to %s naming %s reached the SMS centre; it has %v", phone, serial, smsc.Texts())
	return ""
}

// verifyThenTamper: the access log verifies; after one entry's purpose is
// changed in the database, verification fails at that entry.
func verifyThenTamper(t *testing.T, in *apptest.Instance) {
	t.Helper()
	ctx := context.Background()
	rep, err := in.App.Exchange.VerifyLog(ctx, nil)
	if err != nil || !rep.OK || rep.Entries < 2 {
		t.Fatalf("verify the access log: %+v, %v", rep, err)
	}
	var seq int64
	if err := in.App.DB.QueryRow(ctx, `SELECT MIN(seq) FROM exchange_access_log WHERE actor_kind = 'rule'`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if _, err := in.App.DB.Exec(ctx, `UPDATE exchange_access_log SET purpose = 'tampered' WHERE seq = ?`, seq); err != nil {
		t.Fatal(err)
	}
	rep, err = in.App.Exchange.VerifyLog(ctx, nil)
	if err != nil || rep.OK || rep.FirstBroken != seq {
		t.Fatalf("after tampering with entry %d: %+v, %v", seq, rep, err)
	}
	fmt.Fprintf(testWriter{t}, "access log: %d entries verified; tampering with entry %d detected\n", rep.Entries, seq)
}

// testWriter writes to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
