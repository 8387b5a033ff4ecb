package identityweb

import (
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

func TestMasks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		mask           func(string) string
	}{
		{"id number", "44030419900101123X", "4403**********123X", MaskIDNumber},
		{"short id", "1234", "****", MaskIDNumber},
		{"empty id", "", "", MaskIDNumber},
		{"phone", "13800138000", "138****8000", MaskPhone},
		{"short phone", "12345", "*****", MaskPhone},
		{"login id number", "44030419900101123X", "4403**********123X", maskLogin},
		{"login phone", "13800138000", "138****8000", maskLogin},
		{"login username", "worker-a", "worker-a", maskLogin},
		{"login credit code", "91440300MA5FXXXX1X", "91440300MA5FXXXX1X", maskLogin},
	}
	for _, tt := range tests {
		if got := tt.mask(tt.in); got != tt.want {
			t.Errorf("%s: mask(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestLoginName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a    identity.Account
		want string
	}{
		{identity.Account{Kind: identity.Person, Username: "44030419900101123X", IDNumber: "44030419900101123X"}, "4403**********123X"},
		{identity.Account{Kind: identity.Person, Username: "zhangsan", IDNumber: "44030419900101123X"}, "zhangsan"},
		{identity.Account{Kind: identity.Enterprise, Username: "91440300MA5FXXXX1X"}, "91440300MA5FXXXX1X"},
		{identity.Account{Kind: identity.Staff, Username: "worker-a"}, "worker-a"},
	}
	for _, tt := range tests {
		if got := loginName(&tt.a); got != tt.want {
			t.Errorf("loginName(%q) = %q, want %q", tt.a.Username, got, tt.want)
		}
	}
}

// TestMessages checks that every text the pages show exists in both
// languages, including keys built from roles, kinds and event kinds.
func TestMessages(t *testing.T) {
	t.Parallel()
	r, err := web.NewRenderer(web.RendererOptions{Sets: []web.TemplateSet{Templates()}})
	if err != nil {
		t.Fatal(err)
	}
	if keys := r.UndefinedKeys(); len(keys) > 0 {
		t.Errorf("templates use undefined message keys %v", keys)
	}
	var dynamic []string
	for _, k := range kindOptions {
		dynamic = append(dynamic, "identity.kind."+string(k))
	}
	for _, role := range identity.Roles {
		dynamic = append(dynamic, "identity.role."+string(role))
	}
	for _, k := range eventKinds {
		dynamic = append(dynamic, "identity.event."+string(k))
	}
	dynamic = append(dynamic, "identity.logout.done", "identity.account.password_changed", "identity.account.lang_saved",
		"identity.admin.created", "identity.admin.saved", "identity.admin.disabled", "identity.admin.enabled", "identity.admin.password_reset")
	for _, k := range dynamic {
		m, ok := messages[k]
		if !ok || m.ZH == "" || m.EN == "" {
			t.Errorf("message %q is missing or lacks a language", k)
		}
	}
}
