package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pengcheng-gov/pengcheng/internal/app/apptest"
	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/demo"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// The journey: a first exit-entry permit for Hong Kong and Macau, handled
// by the public security bureau (SZGA, caseworker ga-clerk), with three
// uploads and a paper result that can come by post.
const (
	journeyItem  = "4403-SZGA-001"
	journeyQuery = "去香港玩要办啥" // "going to Hong Kong for fun, what do I need" — not a name or keyword of the item
	citizenLogin = "44030619900512123X"
	citizenID4   = "123X"
	otherLogin   = "440304199508202346"
	clerkLogin   = "ga-clerk"
	hall         = "SMZX"
	address      = "深圳市宝安区新安街道创业一路1号"
	trackingNo   = "1151234567890"
	approveNote  = "材料齐全，准予签发"
	chinese      = "zh-CN,zh;q=0.9" // the actors' browsers ask for Chinese
)

// The item's materials, by name.
const (
	matIDCard = "居民身份证"
	matForm   = "出入境证件申请表"
	matPhoto  = "近期彩色证件照片"
)

// journey is what the actors of TestJourney share.
type journey struct {
	t       *testing.T
	in      *apptest.Instance
	item    *catalog.Item
	citizen *identity.Account
	album   *album
	inputs  map[string]string // material name → the file input's CSS selector
	pdf     string            // the application form, a real PDF
	pdfSum  string            // its SHA-256
	png     string            // a photo, a real PNG
	exe     string            // a program renamed .pdf
	other   string            // another person's serial number
	serial  string            // the citizen's application, once submitted
}

// TestJourney follows a citizen who has never used the portal: they find
// a service by an everyday phrase, apply with uploads (and meet a refused
// file on the way), book an appointment, and follow the application while
// a caseworker accepts, reviews, approves and posts the result; then
// anybody checks its progress with the serial number. Each step is
// screenshotted.
func TestJourney(t *testing.T) {
	j := newJourney(t)
	root := browser(t)
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	citizen := newTab(t, root, "citizen", chinese, j.album)
	j.findService(citizen)
	j.signInFromItem(citizen)
	j.refuseProgram(citizen)
	j.submit(citizen)
	j.book(citizen)

	clerk := newTab(t, root, "caseworker", chinese, j.album)
	j.handle(clerk)

	j.followUp(citizen)
	j.lookUp(newTab(t, root, "anybody", chinese, j.album))
}

// newJourney boots the platform and prepares the files and another
// person's application.
func newJourney(t *testing.T) *journey {
	t.Helper()
	ctx := context.Background()
	j := &journey{t: t, in: apptest.Start(t, apptest.Options{}), album: &album{dir: screenshotDir(t)}}
	var err error
	if j.item, err = j.in.App.Catalog.Item(ctx, journeyItem); err != nil {
		t.Fatalf("the catalogue has no %s: %v", journeyItem, err)
	}
	if j.citizen, err = j.in.App.Identity.AccountByLogin(ctx, citizenLogin); err != nil {
		t.Fatalf("demo citizen: %v", err)
	}
	j.inputs = map[string]string{}
	for i, m := range j.item.Materials {
		j.inputs[m.Name] = "#" + cases.MaterialField(i)
	}
	for _, name := range []string{matIDCard, matForm, matPhoto} {
		if j.inputs[name] == "" {
			t.Fatalf("%s no longer asks for %s; choose the journey's materials again", journeyItem, name)
		}
	}
	dir := t.TempDir()
	pdf, png := samplePDF(), samplePNG(t)
	sum := sha256.Sum256(pdf)
	j.pdf, j.pdfSum = writeFile(t, dir, "出入境证件申请表.pdf", pdf), hex.EncodeToString(sum[:])
	j.png = writeFile(t, dir, "证件照.png", png)
	j.exe = writeFile(t, dir, "申请表.pdf", sampleEXE())
	j.other = otherApplication(t, j.in, pdf, png)
	return j
}

// otherApplication files an application for another demo citizen and
// returns its serial number.
func otherApplication(t *testing.T, in *apptest.Instance, pdf, png []byte) string {
	t.Helper()
	ctx := context.Background()
	a, err := in.App.Identity.AccountByLogin(ctx, otherLogin)
	if err != nil {
		t.Fatalf("demo citizen %s: %v", otherLogin, err)
	}
	file := func(material, name string, b []byte) cases.MaterialInput {
		return cases.MaterialInput{Material: material, FileName: name, Content: bytes.NewReader(b), Size: int64(len(b))}
	}
	app, err := in.App.Cases.Submit(ctx, a, cases.Submission{ItemCode: journeyItem,
		Form: map[string]string{"applicant_name": a.DisplayName, "id_number": a.IDNumber, "phone": a.Phone},
		Materials: []cases.MaterialInput{file(matIDCard, "id.png", png), file(matForm, "form.pdf", pdf),
			file(matPhoto, "photo.png", png)},
		Delivery: cases.Delivery{Method: cases.Pickup, Hall: hall}})
	if err != nil {
		t.Fatalf("another citizen's application: %v", err)
	}
	return app.Serial
}

// findService: on the services page the citizen types an everyday phrase,
// sees suggestions, searches, finds the item among the first three
// results and opens it.
func (j *journey) findService(c *tab) {
	c.open("open the services page", j.in.URL+"/services")
	c.shot("services")
	c.do("type a colloquial query", chromedp.SendKeys(chromedp.CSS("#q"), journeyQuery))
	c.do("wait for the suggestions to offer "+journeyItem, chromedp.WaitVisible(chromedp.CSS(`#suggestions a[href="/services/`+journeyItem+`"]`)))
	c.shot("suggestions")
	c.follow("search", `#service-search button[type="submit"]`)
	top := run(c, "read the results", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#results ol a')].slice(0, 3).map(a => a.getAttribute('href'))`))
	if !slices.Contains(top, "/services/"+journeyItem) {
		j.t.Fatalf("citizen: search %q: top results %v, want /services/%s among them", journeyQuery, top, journeyItem)
	}
	c.shot("search")
	c.phoneShot("search")
	c.follow("open the item", `#results a[href="/services/`+journeyItem+`"]`)
	if h := c.text("main h1"); h != j.item.Name {
		j.t.Errorf("citizen: item page heading %q, want %q", h, j.item.Name)
	}
	c.shot("item")
	c.phoneShot("item")
}

// signInFromItem: "apply online" sends the anonymous citizen to the login
// page, which brings them back to the form, filled in from their account.
func (j *journey) signInFromItem(c *tab) {
	c.follow("click apply", "#apply")
	if loc := c.location(); !strings.Contains(loc, "/login?next=") {
		j.t.Fatalf("citizen: apply while signed out went to %s, want the login page", loc)
	}
	c.shot("login")
	c.fill("#login", citizenLogin)
	c.fill("#password", demo.Password)
	c.follow("log in", `#password-form button[type="submit"]`)
	if loc, want := c.location(), j.in.URL+"/apply/"+journeyItem; loc != want {
		j.t.Fatalf("citizen: after login at %s, want back at %s", loc, want)
	}
	for sel, want := range map[string]string{formField("applicant_name"): j.citizen.DisplayName, formField("id_number"): citizenLogin,
		formField("phone"): j.citizen.Phone, "#recipient": j.citizen.DisplayName, "#delivery_phone": j.citizen.Phone} {
		if got := c.value(sel); got != want {
			j.t.Errorf("citizen: form field %s pre-filled with %q, want %q", sel, got, want)
		}
	}
	c.fill(formField("purpose"), "赴香港旅游")
	c.do("choose postal delivery", chromedp.Click(chromedp.CSS(`input[name="delivery_method"][value="post"]`)))
	c.fill("#address", address)
	c.fill("#postcode", "518101")
	c.shot("form")
	c.phoneShot("form")
}

// formField is the CSS selector of the input of the item's form field
// called name.
func formField(name string) string { return `[name="f.` + name + `"]` }

// choose sets the files of the material inputs.
func (j *journey) choose(c *tab, files map[string]string) {
	for material, path := range files {
		c.do("choose "+filepath.Base(path)+" for "+material,
			chromedp.SetUploadFiles(chromedp.CSS(j.inputs[material]), []string{path}))
	}
}

// refuseProgram: a program renamed .pdf is refused with a message naming
// the material, the form keeps what was typed, and nothing is stored.
func (j *journey) refuseProgram(c *tab) {
	filesDir := filepath.Join(j.in.Config.DataDir, "files")
	before := countFiles(j.t, filesDir)
	j.choose(c, map[string]string{matIDCard: j.png, matForm: j.exe, matPhoto: j.png})
	st := c.load("submit with a renamed program", chromedp.Click(chromedp.CSS(`#apply-form button[type="submit"]`)))
	if st != 422 {
		j.t.Errorf("citizen: a program as %s answered %d, want 422", matForm, st)
	}
	msg := c.text("main .alert-error")
	for _, want := range []string{matForm, "只能上传 PDF、JPG 或 PNG"} {
		if !strings.Contains(msg, want) {
			j.t.Errorf("citizen: refusal %q does not say %q", msg, want)
		}
	}
	if n := c.count(j.inputs[matForm] + `[aria-invalid="true"]`); n != 1 {
		j.t.Errorf("citizen: the refused file's input is not marked invalid")
	}
	if got := c.value("#address"); got != address {
		j.t.Errorf("citizen: after the refusal the address is %q, want %q kept", got, address)
	}
	if n := c.count(`input[name="delivery_method"][value="post"]:checked`); n != 1 {
		j.t.Errorf("citizen: after the refusal postal delivery is no longer chosen")
	}
	_, n, err := j.in.App.CaseStore.FindApplications(context.Background(), cases.Filter{Party: j.citizen.ID})
	if err != nil || n != 0 {
		j.t.Errorf("citizen: after the refusal the citizen has %d applications (err %v), want 0", n, err)
	}
	if after := countFiles(j.t, filesDir); after != before {
		j.t.Errorf("citizen: the refused submission stored files: %d files, had %d", after, before)
	}
	c.shot("refused-program")
}

// submit: with a PDF and PNGs the application is filed, and the receipt
// shows a valid serial number.
func (j *journey) submit(c *tab) {
	j.choose(c, map[string]string{matIDCard: j.png, matForm: j.pdf, matPhoto: j.png})
	c.follow("submit the application", `#apply-form button[type="submit"]`)
	j.serial = c.text("#serial")
	if _, err := cases.ParseSerial(j.serial); err != nil {
		j.t.Fatalf("citizen: receipt serial %q: %v", j.serial, err)
	}
	if loc := c.location(); !strings.HasSuffix(loc, "/applications/"+j.serial+"/receipt") {
		j.t.Errorf("citizen: receipt at %s", loc)
	}
	app, err := j.in.App.CaseStore.FindApplicationBySerial(context.Background(), j.serial)
	if err != nil {
		j.t.Fatalf("citizen: %s is not stored: %v", j.serial, err)
	}
	if app.Delivery.Method != cases.Post || app.Delivery.Address != address {
		j.t.Errorf("citizen: stored delivery %+v, want post to %s", app.Delivery, address)
	}
	for _, m := range app.Materials {
		if m.Material == matForm && m.SHA256 != j.pdfSum {
			j.t.Errorf("citizen: stored %s has SHA-256 %s, want the uploaded PDF's %s", matForm, m.SHA256, j.pdfSum)
		}
	}
	c.shot("receipt")
	c.phoneShot("receipt")
}

// book: from "my appointments" the citizen books the first free slot for
// the item at the civic centre hall and gets a booking code.
func (j *journey) book(c *tab) {
	c.follow("open my appointments", `.main-nav a[href="/appointments"]`)
	c.follow("start a booking", `main a[href="/appointments/new"]`)
	c.follow("choose the item at the hall", `a[href="/appointments/new?item=`+journeyItem+`&hall=`+hall+`"]`)
	free := `#slots input[name="start"]:not([disabled])`
	if c.count(free) == 0 {
		j.t.Fatalf("citizen: no free slot for %s at %s on %s", journeyItem, hall, c.location())
	}
	c.do("pick the first free slot", chromedp.Click(chromedp.CSS(free)))
	c.shot("appointment")
	c.follow("book the slot", `#picker form[method="post"] button[type="submit"]`)
	if code := c.text("#booking-code"); code == "" {
		j.t.Errorf("citizen: the booking page shows no booking code")
	}
	if main := c.text("#booking"); !strings.Contains(main, j.item.Name) {
		j.t.Errorf("citizen: the booking does not name %s:\n%s", j.item.Name, main)
	}
	c.shot("booking")
}

// handle: the caseworker finds the application in the console's queue,
// claims, accepts, reviews and approves it, and records the shipment and
// its delivery.
func (j *journey) handle(k *tab) {
	k.open("open the login page", j.in.URL+"/login")
	k.fill("#login", clerkLogin)
	k.fill("#password", demo.Password)
	k.follow("log in", `#password-form button[type="submit"]`)
	k.follow("open the console", `.main-nav a[href="/console"]`)
	row := `#queue a[href="/console/applications/` + j.serial + `"]`
	if k.count(row) != 1 {
		j.t.Fatalf("caseworker: %s is not in the console's queue", j.serial)
	}
	k.shot("console")
	k.follow("open the application", row)
	if n := k.count(`a[href^="/applications/` + j.serial + `/materials/"]`); n != 3 {
		j.t.Errorf("caseworker: %d materials to open, want the 3 uploads", n)
	}
	k.shot("console-application")
	j.act(k, cases.ActClaim, cases.Submitted)
	j.act(k, cases.ActAccept, cases.Accepted)
	j.act(k, cases.ActReview, cases.UnderReview)
	k.fill("#reason-approve", approveNote)
	j.act(k, cases.ActApprove, cases.Approved)
	k.shot("console-approved")
	k.fill("#tracking_no", trackingNo)
	j.act(k, cases.ActShip, cases.Approved)
	k.set("#status", string(cases.Received))
	j.act(k, cases.ActTrack, cases.Delivered)
	k.shot("console-delivered")
}

// act presses the console's button for action and checks the state the
// application reached.
func (j *journey) act(k *tab, action cases.Action, want cases.State) {
	j.t.Helper()
	k.follow(string(action), "#act-"+string(action)+` button[type="submit"]`)
	if msg := k.text(".flash"); msg != "操作已完成。" {
		j.t.Errorf("caseworker: after %s the notice is %q", action, msg)
	}
	app, err := j.in.App.CaseStore.FindApplicationBySerial(context.Background(), j.serial)
	if err != nil {
		j.t.Fatalf("caseworker: %s: %v", action, err)
	}
	if app.State != want {
		j.t.Fatalf("caseworker: after %s the application is %s, want %s", action, app.State, want)
	}
}

// followUp: the citizen sees the decision and the delivery in "my
// applications" and on the application's timeline, then signs out.
func (j *journey) followUp(c *tab) {
	c.follow("open my applications", `.main-nav a[href="/applications"]`)
	if n := c.count("main table tbody tr"); n != 1 {
		j.t.Errorf("citizen: %d applications listed, want 1 (the refused submission must not count)", n)
	}
	if st := c.text("main table tbody tr td:nth-child(3)"); st != "已送达" {
		j.t.Errorf("citizen: my applications shows the state %q, want 已送达", st)
	}
	c.shot("my-applications")
	c.follow("open the application", `main a[href="/applications/`+j.serial+`"]`)
	timeline := c.text(".timeline")
	for _, want := range []string{"提交申请", "受理", "开始审查", "准予许可", approveNote, "交寄结果", trackingNo, "已送达"} {
		if !strings.Contains(timeline, want) {
			j.t.Errorf("citizen: the timeline does not show %q:\n%s", want, timeline)
		}
	}
	page := c.text("main")
	for _, want := range []string{address, trackingNo, "已签收"} {
		if !strings.Contains(page, want) {
			j.t.Errorf("citizen: the application page does not show %q", want)
		}
	}
	c.shot("application")
	c.follow("log out", `form[action="/logout"] button`)
	if n := c.count(`form[action="/logout"]`); n != 0 {
		j.t.Errorf("citizen: still signed in after logging out")
	}
}

// lookUp: anybody with the serial number and the last four characters of
// the identity number sees where the application stands, without
// personal data; another person's serial number is "not found".
func (j *journey) lookUp(v *tab) {
	v.open("open the progress page", j.in.URL+"/progress?serial="+j.serial)
	if got := v.value("#serial"); got != j.serial {
		j.t.Errorf("anybody: the progress form has serial %q, want %q from the address", got, j.serial)
	}
	v.fill("#id4", citizenID4)
	v.follow("look up", `#progress-form button[type="submit"]`)
	result := v.text("#progress-result")
	for _, want := range []string{j.item.Name, "已送达", "已签收"} {
		if !strings.Contains(result, want) {
			j.t.Errorf("anybody: the progress does not show %q:\n%s", want, result)
		}
	}
	body := v.text("body")
	for _, secret := range []string{"张晓明", citizenLogin, j.citizen.Phone, "创业一路", trackingNo, approveNote} {
		if strings.Contains(body, secret) {
			j.t.Errorf("anybody: the public progress page shows personal data %q", secret)
		}
	}
	v.shot("progress")

	v.fill("#serial", j.other)
	v.fill("#id4", citizenID4)
	if st := v.load("look up another person's serial", chromedp.Click(chromedp.CSS(`#progress-form button[type="submit"]`))); st != 404 {
		j.t.Errorf("anybody: another person's serial answered %d, want 404", st)
	}
	if msg := v.text("main .alert-error"); !strings.Contains(msg, "未找到该办件") {
		j.t.Errorf("anybody: another person's serial says %q, want 未找到该办件", msg)
	}
	if v.count("#progress-result") != 0 {
		j.t.Errorf("anybody: another person's application is shown")
	}
	v.shot("progress-not-found")
}
