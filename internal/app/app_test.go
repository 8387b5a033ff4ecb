package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/app"
	"github.com/pengcheng-gov/pengcheng/internal/app/apptest"
	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// TestGracefulShutdown starts a request whose body is still arriving,
// cancels the server's context, and checks that the request is answered
// before the server stops.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.BaseURL = ln.Addr().String(), t.TempDir(), "http://"+ln.Addr().String()
	cfg.ShutdownTimeout = 10 * time.Second
	if err := cfg.Complete(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()

	// A client that sends the request line and headers, then the body slowly.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "login=nobody&password=x"
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		ln.Addr(), len(body), body[:5])
	time.Sleep(200 * time.Millisecond) // the server is now reading the body
	cancel()
	time.Sleep(200 * time.Millisecond) // shutdown has begun
	if _, err := io.WriteString(conn, body[5:]); err != nil {
		t.Fatalf("finish request: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	reply, err := io.ReadAll(conn)
	if err != nil && !strings.Contains(string(reply), "HTTP/1.1") {
		t.Fatalf("read reply: %v", err)
	}
	if !strings.HasPrefix(string(reply), "HTTP/1.1 403") { // the form carries no CSRF token
		t.Fatalf("in-flight request got %q, want a full 403 answer", firstLine(string(reply)))
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	// New connections are refused once the server has stopped.
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Fatal("the server still accepts connections after shutdown")
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\r\n")
	return line
}

// TestPlatform boots the platform with the demo city on both databases and
// checks the public surface: health, readiness, metrics, discovery, the
// login page, and that a second seed reuses the data.
func TestPlatform(t *testing.T) {
	t.Parallel()
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			dsn := dbtest.DSN(t, dialect)
			in := apptest.Start(t, apptest.Options{Configure: func(c *config.Config) { c.DB = dsn }})
			checks := []struct {
				path, want string
				status     int
			}{
				{"/healthz", "ok", 200},
				{"/readyz", "ready", 200},
				{"/login", `name="password"`, 200},
				{"/.well-known/openid-configuration", `"issuer":"` + in.URL + `"`, 200},
				{"/oauth/keys", `"kty":"RSA"`, 200},
				{"/api/v1/me", `"status":401`, 401},
				{"/admin/accounts", "", 303},
				{"/metrics", `pengcheng_http_requests_total{code="200",method="GET",route="GET /login"}`, 200},
			}
			c := in.Client(t)
			for _, ck := range checks {
				res, err := c.Get(in.URL + ck.path)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != ck.status || !strings.Contains(string(b), ck.want) {
					t.Errorf("GET %s = %d, want %d with %q\n%.400s", ck.path, res.StatusCode, ck.status, ck.want, b)
				}
			}
			n, err := in.App.Identity.CountAccounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// A second platform on the same database seeds nothing new.
			again := apptest.Start(t, apptest.Options{Configure: func(c *config.Config) { c.DB = dsn }})
			m, err := again.App.Identity.CountAccounts(context.Background())
			if err != nil || m != n || n != 13+317 {
				t.Fatalf("accounts after second start = %d (%v), first %d; want 330 (13 demo, 317 generated) both times", m, err, n)
			}
			res, err := http.Get(again.URL + "/healthz")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("second instance healthz: %v %v", res, err)
			}
			res.Body.Close()
		})
	}
}
