package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/app/apptest"
)

// TestApprovalEval runs `pengcheng approval eval` against a seeded demo
// database (while the platform serves it) and checks the specified JSON:
// exactly outcome, rules (id, result, reason) and ruleset_version.
func TestApprovalEval(t *testing.T) {
	in := apptest.Start(t, apptest.Options{})
	env := map[string]string{"PENGCHENG_DATA": in.Config.DataDir, "PENGCHENG_DB": in.Config.DB}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pass := write("wang.json", `{"channel":"individual","applied_on":"2026-11-27",
		"applicant":{"id_number":"420106200203153452","name":"王磊","phone":"13800138003"},
		"education":{"certificate_no":"199021202650002603","degree_certificate_no":"1990242026002603","verification_code":"A1B2"},
		"materials":["id_card","graduation_certificate","degree_certificate","verification_report"]}`)
	part := write("zhao.json", `{"channel":"individual","applied_on":"2026-11-27",
		"applicant":{"id_number":"430102200109090869","name":"赵婷","phone":"13800138009"},
		"education":{"certificate_no":"199031202650002604","degree_certificate_no":"1990342026002604","verification_code":""},
		"materials":["id_card","graduation_certificate","degree_certificate","verification_report"]}`)
	for _, c := range []struct {
		file, outcome, failing string
	}{{pass, "approve", ""}, {part, "reject", "education"}} {
		out, errOut, code := run(t, env, "", "approval", "eval", "--service", "4403-SZRS-001", "--input", c.file)
		if code != 0 {
			t.Fatalf("eval %s: exit %d: %s", c.file, code, errOut)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &raw); err != nil || len(raw) != 3 || raw["outcome"] == nil || raw["rules"] == nil || raw["ruleset_version"] == nil {
			t.Fatalf("output %s: want exactly outcome, rules, ruleset_version (%v)", out, err)
		}
		var res struct {
			Outcome string
			Rules   []map[string]string
			Version int `json:"ruleset_version"`
		}
		json.Unmarshal([]byte(out), &res)
		if res.Outcome != c.outcome || res.Version != 1 || len(res.Rules) != 8 {
			t.Errorf("%s: %+v", c.file, res)
		}
		for _, r := range res.Rules {
			if len(r) != 3 || r["id"] == "" || r["reason"] == "" {
				t.Errorf("rule %v: want exactly id, result, reason", r)
			}
			if want := "pass"; r["id"] != c.failing && r["result"] != want {
				t.Errorf("%s: rule %s %s", c.file, r["id"], r["result"])
			}
			if r["id"] == c.failing && (r["result"] != "fail" || !strings.Contains(r["reason"], "非全日制")) {
				t.Errorf("%s: rule %s = %v", c.file, r["id"], r)
			}
		}
	}
	bad := write("bad.json", `{"channel":"post","applied_on":"2026-11-27"}`)
	if _, errOut, code := run(t, env, "", "approval", "eval", "--service", "4403-SZRS-001", "--input", bad); code == 0 || !strings.Contains(errOut, "申报渠道") {
		t.Errorf("bad input: exit %d, %s", code, errOut)
	}
	if _, errOut, code := run(t, env, "", "approval", "eval", "--service", "4403-SZGA-001", "--input", pass); code == 0 || !strings.Contains(errOut, "没有已发布的秒批规则") {
		t.Errorf("item without rules: exit %d, %s", code, errOut)
	}
}
