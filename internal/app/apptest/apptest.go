// Package apptest boots the whole platform for end-to-end tests: the real
// app on a fresh database (SQLite or PostgreSQL), listening on a random
// loopback port, seeded with the demo city.
package apptest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/app"
	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/demo"
)

// Instance is a running platform.
type Instance struct {
	URL    string   // base URL, e.g. http://127.0.0.1:41234
	App    *app.App // the wired application, for direct service calls
	Config config.Config
}

// Options tunes Start.
type Options struct {
	Dialect db.Dialect // defaults to SQLite
	NoSeed  bool       // skip the demo seed
	// Applications is how many demo applications the seed generates;
	// 0 means none (they take seconds).
	Applications int
	// Configure may change the configuration before the app opens.
	Configure func(*config.Config)
}

// Start boots the platform and stops it when the test ends.
func Start(t testing.TB, o Options) *Instance {
	t.Helper()
	if o.Dialect == "" {
		o.Dialect = db.SQLite
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	cfg := config.Default()
	cfg.Addr = ln.Addr().String()
	cfg.DataDir = t.TempDir()
	cfg.DB = dbtest.DSN(t, o.Dialect)
	cfg.BaseURL = "http://" + ln.Addr().String()
	cfg.ShutdownTimeout = 5 * time.Second
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	if err := cfg.Complete(); err != nil {
		t.Fatalf("config: %v", err)
	}
	logw := io.Discard
	if os.Getenv("PENGCHENG_TEST_LOG") != "" {
		logw = os.Stderr
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(logw, nil)))
	if err != nil {
		cancel()
		ln.Close()
		t.Fatalf("open app: %v", err)
	}
	if !o.NoSeed {
		deps := a.DemoDeps()
		deps.Applications = o.Applications
		if deps.Applications == 0 {
			deps.Applications = -1
		}
		if _, err := demo.Seed(ctx, deps); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("server did not stop within 10s")
		}
		a.Close()
	})
	return &Instance{URL: cfg.BaseURL, App: a, Config: cfg}
}

// Client returns an HTTP client with a cookie jar that does not follow
// redirects, for driving the pages like a browser.
func (in *Instance) Client(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
