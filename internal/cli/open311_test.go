package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// runOpen311Cmd runs the open311 command in-process (the lead registers it
// in commands(); until then this calls it directly).
func runOpen311Cmd(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = runOpen311(context.Background(), Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}, args)
	return out.String(), errb.String(), err
}

// TestOpen311Keys adds keys, lists them, revokes one by name and one by
// id, and refuses what makes no sense.
func TestOpen311Keys(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"PENGCHENG_DATA": t.TempDir(), "PENGCHENG_DB": dbtest.DSN(t, dialect)}
			out, errOut, err := runOpen311Cmd(t, env, "key", "add", "--name", "宝安通 App")
			if err != nil {
				t.Fatalf("add: %v\n%s", err, errOut)
			}
			secret := strings.TrimSpace(out)
			if !regexp.MustCompile(`^o311_[A-Za-z0-9_-]{32}$`).MatchString(secret) || !strings.Contains(errOut, "shown only this once") {
				t.Fatalf("add printed %q, %q", out, errOut)
			}
			if _, _, err := runOpen311Cmd(t, env, "key", "add", "--name", "宝安通 App"); err == nil {
				t.Fatal("a second valid key of the same name")
			}
			if _, _, err := runOpen311Cmd(t, env, "key", "add"); err == nil {
				t.Fatal("a key without a name")
			}
			out, _, err = runOpen311Cmd(t, env, "key", "add", "--name", "网格通")
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(out) == secret {
				t.Fatal("two keys with the same secret")
			}
			out, _, err = runOpen311Cmd(t, env, "key", "list")
			if err != nil {
				t.Fatal(err)
			}
			row := regexp.MustCompile(`(?m)^(\S{36})\s+宝安通 App\s+` + regexp.QuoteMeta(secret[:11]) + `…\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+-$`)
			m := row.FindStringSubmatch(out)
			if m == nil || !strings.Contains(out, "2 keys") || strings.Contains(out, secret) {
				t.Fatalf("list:\n%s", out)
			}
			if out, _, err = runOpen311Cmd(t, env, "key", "revoke", "宝安通 App"); err != nil || !strings.Contains(out, "revoked Open311 key 宝安通 App") {
				t.Fatalf("revoke by name: %q, %v", out, err)
			}
			if _, _, err = runOpen311Cmd(t, env, "key", "revoke", m[1]); err == nil {
				t.Fatal("revoked a revoked key again")
			}
			out, _, _ = runOpen311Cmd(t, env, "key", "list")
			if !regexp.MustCompile(`宝安通 App\s+\S+…\s+\S+ \S+\s+\d{4}-\d\d-\d\d \d\d:\d\d`).MatchString(out) {
				t.Fatalf("list after revoke:\n%s", out)
			}
			for _, bad := range [][]string{{"key"}, {"keys", "list"}, {"key", "frob"}, {"key", "revoke"}, {"key", "list", "extra"}} {
				if _, _, err := runOpen311Cmd(t, env, bad...); err == nil || !strings.Contains(err.Error(), "usage") && !strings.Contains(err.Error(), "revoke") {
					t.Errorf("%v: %v", bad, err)
				}
			}
		})
	}
}
