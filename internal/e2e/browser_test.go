package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pengcheng-gov/pengcheng/internal/app/apptest"
	"github.com/pengcheng-gov/pengcheng/internal/demo"
)

func TestBrowserLogin(t *testing.T) {
	in := apptest.Start(t, apptest.Options{})
	dir := screenshotDir(t)

	tests := []struct {
		name          string
		width, height int64
	}{
		{"desktop", 1280, 900},
		{"phone", 375, 740},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tctx := browser(t)
			fail := func(step string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("browser: %s: %v", step, err)
				}
			}
			fail("open login page", chromedp.Do(tctx,
				chromedp.EmulateViewport(tt.width, tt.height),
				chromedp.Navigate(in.URL+"/login"),
				chromedp.WaitVisible(`input[name="login"]`),
			))
			loginShot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
			fail("screenshot", err)
			fail("log in", chromedp.Do(tctx,
				chromedp.SendKeys(`input[name="login"]`, "44030619900512123X"),
				chromedp.SendKeys(`input[name="password"]`, demo.Password),
				chromedp.Submit(`input[name="password"]`),
				chromedp.WaitVisible(`form[action="/logout"]`),
			))
			body, err := chromedp.Run(tctx, chromedp.Text("body"))
			fail("read page", err)
			scrollWidth, err := chromedp.Run(tctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
			fail("measure", err)
			innerWidth, err := chromedp.Run(tctx, chromedp.Evaluate[int64](`window.innerWidth`))
			fail("measure", err)
			accountShot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
			fail("screenshot", err)
			if !strings.Contains(body, "张晓明") {
				t.Errorf("after login the page does not show the citizen's name; body:\n%s", body)
			}
			if strings.Contains(body, "44030619900512123X") {
				t.Errorf("the account page shows the full identity number; it must be masked")
			}
			if scrollWidth > innerWidth {
				t.Errorf("page is %d px wide in a %d px viewport: it scrolls sideways", scrollWidth, innerWidth)
			}
			for name, png := range map[string][]byte{"login": loginShot, "account": accountShot} {
				if len(png) < 1000 {
					t.Errorf("%s screenshot is only %d bytes", name, len(png))
				}
				if err := os.WriteFile(filepath.Join(dir, tt.name+"-"+name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
