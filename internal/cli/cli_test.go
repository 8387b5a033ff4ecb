package cli_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cli"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// run runs the command in-process with the given environment and stdin.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return out.String(), errb.String(), code
}

func TestCommands(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			testCommands(t, dialect)
		})
	}
}

func testCommands(t *testing.T, dialect db.Dialect) {
	env := map[string]string{"PENGCHENG_DATA": t.TempDir(), "PENGCHENG_DB": dbtest.DSN(t, dialect)}
	steps := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []string // regular expressions the output must match
	}{
		{"migrate", "", []string{"migrate"}, 0, []string{`schema version (\d+) \(latest known to this binary: \d+\)`}},
		{"create staff", "Secret-pass-42\n", []string{"user", "create", "--kind", "staff", "--username", "ops-li", "--name", "李运维",
			"--department", "SZJXW", "--roles", "platform_admin", "--password-stdin"}, 1, []string{`部门`}},
		{"create person", "", []string{"user", "create", "--kind", "person", "--id-number", "44030619900512123X", "--name", "张三", "--phone", "13800138001"},
			0, []string{`created person account 44030619900512123X`, `password: \S+`}},
		{"bad id number", "", []string{"user", "create", "--kind", "person", "--id-number", "440306199005121231", "--name", "李四"},
			1, []string{`校验`}},
		{"duplicate", "", []string{"user", "create", "--kind", "person", "--id-number", "44030619900512123X", "--name", "张三"}, 1, []string{`已`}},
		{"list", "", []string{"user", "list"}, 0, []string{`44030619900512123X\s+person\s+张三`, `1 of 1 accounts`}},
		{"disable", "", []string{"user", "disable", "13800138001"}, 0, []string{`disabled 44030619900512123X`}},
		{"list disabled", "", []string{"user", "list", "--kind", "person"}, 0, []string{`disabled`}},
		{"reset password", "New-pass-2026\n", []string{"user", "reset-password", "--password-stdin", "44030619900512123X"}, 0, []string{`password of 44030619900512123X reset`}},
		{"weak password", "short\n", []string{"user", "reset-password", "--password-stdin", "44030619900512123X"}, 1, []string{`密码`}},
		{"unknown account", "", []string{"user", "disable", "nobody"}, 1, []string{`.`}},
		{"add client", "", []string{"oidc-client", "add", "--id", "rs-system", "--name", "人社业务系统", "--redirect-uri", "https://rs.example.gov.cn/cb",
			"--scopes", "openid,profile,idnumber"}, 0, []string{`client_id:\s+rs-system`, `client_secret: \S{20,}`}},
		{"bad redirect", "", []string{"oidc-client", "add", "--name", "坏系统", "--redirect-uri", "not a url"}, 1, []string{`.`}},
		{"list clients", "", []string{"oidc-client", "list"}, 0, []string{`rs-system\s+人社业务系统`, `1 relying parties`}},
		{"remove client", "", []string{"oidc-client", "remove", "rs-system"}, 0, []string{`removed relying party rs-system`}},
		{"clients gone", "", []string{"oidc-client", "list"}, 0, []string{`0 relying parties`}},
		{"import registry", "", []string{"exchange", "import", "population", "../exchange/testdata/population.jsonl"}, 0,
			[]string{`into population: \d+ records — \d+ created, 0 updated, 0 unchanged`}},
		{"import registry again", "", []string{"exchange", "import", "population", "../exchange/testdata/population.jsonl"}, 0,
			[]string{`0 created, 0 updated, \d+ unchanged`}},
		{"bad registry file", "", []string{"exchange", "import", "education", "../exchange/testdata/population.jsonl"}, 1,
			[]string{`bad lines in .*nothing was imported`, `第 1 行`}},
		{"verify log", "", []string{"exchange", "verify-log"}, 0, []string{`access log intact`}},
		{"unknown subcommand", "", []string{"user", "frobnicate"}, 2, []string{`unknown user command`}},
		{"unknown command", "", []string{"frobnicate"}, 2, []string{`unknown command`}},
		{"version", "", []string{"version"}, 0, []string{`^pengcheng `}},
	}
	for _, st := range steps {
		out, errOut, code := run(t, env, st.stdin, st.args...)
		if code != st.code {
			t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", st.name, code, st.code, out, errOut)
		}
		for _, w := range st.want {
			if !regexp.MustCompile(w).MatchString(out + errOut) {
				t.Errorf("%s: output does not match %q\nstdout:\n%s\nstderr:\n%s", st.name, w, out, errOut)
			}
		}
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string
		not  []string
	}{
		{"defaults", nil, []string{"config"}, 0, []string{`addr\s+127\.0\.0\.1:8080`, `db\s+sqlite:pengcheng-data/pengcheng\.db`, `base-url\s+http://127\.0\.0\.1:8080`}, nil},
		{"env and flags", map[string]string{"PENGCHENG_ADDR": "0.0.0.0:9000", "PENGCHENG_DB": "postgres://pc:topsecret@db:5432/pc"},
			[]string{"config", "--data", "/srv/pc"}, 0, []string{`addr\s+0\.0\.0\.0:9000`, `data\s+/srv/pc`, `postgres://pc:xxxxx@db:5432/pc`, `base-url\s+http://localhost:9000`}, []string{"topsecret"}},
		{"gateways", map[string]string{"PENGCHENG_SMPP_ADDR": "127.0.0.1:2775", "PENGCHENG_SMPP_SYSTEM_ID": "pengcheng", "PENGCHENG_SMPP_PASSWORD": "smsSecr",
			"PENGCHENG_SMPP_SOURCE": "106900001234", "PENGCHENG_SMTP_ADDR": "127.0.0.1:2525", "PENGCHENG_SMTP_FROM": "鹏城 <noreply@example.gov.cn>",
			"PENGCHENG_SMTP_USERNAME": "mailer", "PENGCHENG_SMTP_PASSWORD": "mailSecret"}, []string{"config"}, 0,
			[]string{`smpp\s+smpp://pengcheng@127\.0\.0\.1:2775`, `smtp\s+\S*127\.0\.0\.1:2525`}, []string{"smsSecr", "mailSecret"}},
		{"incomplete smpp", map[string]string{"PENGCHENG_SMPP_ADDR": "127.0.0.1:2775"}, []string{"config"}, 1, []string{`PENGCHENG_SMPP_`}, nil},
		{"flag beats env", map[string]string{"PENGCHENG_ADDR": "127.0.0.1:9000"}, []string{"config", "--addr", "127.0.0.1:9100"}, 0, []string{`addr\s+127\.0\.0\.1:9100`}, nil},
		{"bad db", nil, []string{"config", "--db", "mysql://x"}, 1, []string{`db: .* must start with sqlite: or postgres://`}, nil},
		{"bad addr", map[string]string{"PENGCHENG_ADDR": "nonsense"}, []string{"config"}, 1, []string{`addr: "nonsense" is not host:port`}, nil},
		{"bad duration", map[string]string{"PENGCHENG_SESSION_TTL": "forever"}, []string{"config"}, 1, []string{`PENGCHENG_SESSION_TTL: "forever" is not a duration`}, nil},
		{"bad flag", nil, []string{"config", "--nope"}, 2, []string{`flag provided but not defined`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := run(t, tt.env, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !regexp.MustCompile(w).MatchString(out + errOut) {
					t.Errorf("output does not match %q:\n%s%s", w, out, errOut)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out+errOut, n) {
					t.Errorf("output contains %q:\n%s%s", n, out, errOut)
				}
			}
		})
	}
}

// TestDemo runs the demo command twice on one data directory: the first
// start seeds, the second reuses the data; both serve the login page and
// stop cleanly when the context ends.
func TestDemo(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PENGCHENG_DATA": t.TempDir(), "PENGCHENG_ADDR": "127.0.0.1:0"}
	for i, wantCreated := range []string{"13 demo accounts and 317 generated accounts created, 40 demo applications", "0 demo accounts and 0 generated accounts created, 0 demo applications"} {
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		var errb bytes.Buffer
		done := make(chan int, 1)
		go func() {
			done <- cli.Main(ctx, []string{"demo", "--applications", "40"}, cli.Env{Stdin: strings.NewReader(""), Stdout: pw, Stderr: &errb,
				Getenv: func(k string) string { return env[k] }})
			pw.Close()
		}()
		banner := readUntil(t, pr, "─")
		go io.Copy(io.Discard, pr)
		if !strings.Contains(banner, wantCreated) || !strings.Contains(banner, "admin") || !strings.Contains(banner, "Demo@2026") {
			t.Fatalf("start %d: banner lacks %q or the logins:\n%s", i+1, wantCreated, banner)
		}
		url := regexp.MustCompile(`Open (http://127\.0\.0\.1:\d+)/login`).FindStringSubmatch(banner)
		if url == nil {
			t.Fatalf("start %d: no URL in banner:\n%s", i+1, banner)
		}
		res, err := http.Get(url[1] + "/login")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), `name="password"`) {
			t.Fatalf("start %d: GET /login = %d\n%s", i+1, res.StatusCode, body)
		}
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("start %d: exit %d\n%s", i+1, code, errb.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("start %d: did not stop after cancel", i+1)
		}
	}
}

func readUntil(t *testing.T, r io.Reader, marker string) string {
	t.Helper()
	var buf bytes.Buffer
	b := make([]byte, 1)
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(buf.String(), marker) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in output within 60s:\n%s", marker, buf.String())
		}
		if _, err := r.Read(b); err != nil {
			t.Fatalf("read output: %v\n%s", err, buf.String())
		}
		buf.Write(b)
	}
	return buf.String()
}
