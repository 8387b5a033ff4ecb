package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium for the test, or skips (fails under CI)
// when it is not installed.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; browser tests must run in CI (apt-get install chromium fonts-wqy-microhei)")
		}
		t.Skip("chromium not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	return ctx
}

// screenshotDir is where screenshots go: $PENGCHENG_SCREENSHOTS if set (to
// look at them), else the test's temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("PENGCHENG_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// Viewports of the tabs: a desktop, and a phone for the pages checked at
// 375 px.
const (
	desktopWidth, desktopHeight = 1280, 900
	phoneWidth, phoneHeight     = 375, 740
)

// stepTimeout bounds each step of a tab, so that a page that never comes
// fails the step by name instead of the whole test.
const stepTimeout = 20 * time.Second

// album numbers the screenshots of a test across its tabs: 01-name.png, …
type album struct {
	dir string
	mu  sync.Mutex
	n   int
}

// next returns the path of the next screenshot called name.
func (a *album) next(name string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	return filepath.Join(a.dir, fmt.Sprintf("%02d-%s.png", a.n, name))
}

// tab is one actor's browser tab, in a browser context of its own so that
// actors do not share cookies. Every method fails the test with the
// actor and the step when the browser does not do what it was asked.
type tab struct {
	t     *testing.T
	ctx   context.Context
	who   string
	album *album
}

// newTab opens a tab for who in a new browser context of the browser that
// parent runs (parent must have run once), at the desktop size, with a
// browser that asks for pages in acceptLanguage (e.g. "zh-CN,zh").
func newTab(t *testing.T, parent context.Context, who, acceptLanguage string, a *album) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first run opens the tab and binds its life to its context: it
	// must not be a step's context, which ends with the step.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(desktopWidth, desktopHeight)); err != nil {
		t.Fatalf("%s: open a tab: %v", who, err)
	}
	b := &tab{t: t, ctx: ctx, who: who, album: a}
	ua := run(b, "read the user agent", chromedp.Evaluate[string]("navigator.userAgent"))
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride,
		emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: acceptLanguage}); err != nil {
		t.Fatalf("%s: set the browser's language: %v", who, err)
	}
	return b
}

// fail stops the test naming the actor and the step.
func (b *tab) fail(step string, err error) {
	b.t.Helper()
	b.t.Fatalf("%s: %s: %v", b.who, step, err)
}

// do runs actions as one step.
func (b *tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail(step, err)
	}
}

// load runs actions that load a page (a click on a link or a submit
// button, a navigation) and waits for it; it returns the page's HTTP
// status.
func (b *tab) load(step string, actions ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		b.fail(step, err)
	}
	return res.Status
}

// open navigates to path and fails unless the page answers 200.
func (b *tab) open(step, url string) {
	b.t.Helper()
	if res := run(b, step, chromedp.NavigateResponse(url)); res.Status != 200 {
		b.fail(step, fmt.Errorf("%s answered %d, want 200", url, res.Status))
	}
}

// follow clicks sel, waits for the page it loads and fails unless it
// answers 200.
func (b *tab) follow(step, sel string) {
	b.t.Helper()
	if st := b.load(step, chromedp.Click(chromedp.CSS(sel))); st != 200 {
		b.fail(step, fmt.Errorf("clicking %s loaded a page with status %d, want 200 (now at %s)", sel, st, b.location()))
	}
}

// run runs one action that returns a value, as one step.
func run[T any](b *tab, step string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(step, err)
	}
	return v
}

// text returns the visible text of the first element matching the CSS
// selector sel.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(run(b, "read "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// value returns the value of the form control matching sel.
func (b *tab) value(sel string) string {
	b.t.Helper()
	return run(b, "read the value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// location returns the tab's address.
func (b *tab) location() string {
	b.t.Helper()
	return run(b, "read the address", chromedp.Location())
}

// count returns how many elements match the CSS selector sel.
func (b *tab) count(sel string) int {
	b.t.Helper()
	return run(b, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
}

// shot saves a full-page screenshot as the next numbered file called name.
func (b *tab) shot(name string) {
	b.t.Helper()
	// Typing leaves a field focused and the page scrolled to it; Chromium
	// then leaves the far end of a full-page capture unpainted.
	b.do("settle the page for "+name, chromedp.Evaluate[chromedp.Void](
		`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`))
	png := run(b, "screenshot "+name, chromedp.FullScreenshot(100))
	if len(png) < 1000 {
		b.fail("screenshot "+name, fmt.Errorf("only %d bytes", len(png)))
	}
	if err := os.WriteFile(b.album.next(name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// phoneShot shows the page at 375 px, saves a screenshot called
// name-375, reports an error if the page scrolls sideways, and returns to
// the desktop size.
func (b *tab) phoneShot(name string) {
	b.t.Helper()
	b.do("narrow to a phone for "+name, chromedp.EmulateViewport(phoneWidth, phoneHeight))
	sizes := run(b, "measure "+name+" at 375 px", chromedp.Evaluate[[2]int](
		`[document.documentElement.scrollWidth, window.innerWidth]`))
	if sizes[0] > sizes[1] {
		b.t.Errorf("%s: page %s is %d px wide in a %d px viewport: it scrolls sideways on a phone", b.who, name, sizes[0], sizes[1])
	}
	b.shot(name + "-375")
	b.do("widen back to a desktop after "+name, chromedp.EmulateViewport(desktopWidth, desktopHeight))
}

// set sets the value of the form control matching sel, as a script
// would, and reports whether it exists.
func (b *tab) set(sel, v string) {
	b.t.Helper()
	js := fmt.Sprintf(`(e => { if (!e) return false; e.value = %q; e.dispatchEvent(new Event("change", {bubbles: true})); return true })(document.querySelector(%q))`, v, sel)
	if !run(b, "set "+sel, chromedp.Evaluate[bool](js)) {
		b.fail("set "+sel, fmt.Errorf("no element matches %s", sel))
	}
}

// fill replaces the value of the input matching sel with s, typed key by
// key.
func (b *tab) fill(sel, s string) {
	b.t.Helper()
	b.set(sel, "")
	b.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), s))
}
