package identity

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	related := []string{"zhangsan", "lisi2026", "13800138000", "44030619900512123X", "", "ab1"}
	tests := []struct {
		name, pw string
		wantCode string
	}{
		{"letters and digits", "correct7horse", ""},
		{"Chinese letters count as letters", "鹏城数字政府2026", ""},
		{"exactly 8", "abcdefg1", ""},
		{"exactly 128", strings.Repeat("a", 127) + "1", ""},
		{"7 characters", "abcdef1", "password.short"},
		{"empty", "", "password.short"},
		{"129 characters", strings.Repeat("a", 128) + "1", "password.long"},
		{"letters only", "abcdefghij", "password.letter_digit"},
		{"digits only", "1234567890", "password.letter_digit"},
		{"symbols and digits", "!!!!1234", "password.letter_digit"},
		{"equals the username", "lisi2026", "password.related"},
		{"short related values are ignored", "xab1xab1", ""},
		{"contains the username", "Zhangsan2026", "password.related"},
		{"contains the phone", "tel13800138000", "password.related"},
		{"contains the identity number, any case", "id44030619900512123x", "password.related"},
	}
	for _, tc := range tests {
		err := ValidatePassword(tc.pw, related...)
		if tc.wantCode == "" {
			if err != nil {
				t.Errorf("%s: ValidatePassword(%q) = %v, want nil", tc.name, tc.pw, err)
			}
			continue
		}
		if e := errs.As(err); e == nil || e.Code != tc.wantCode || e.Field != "password" || e.Msg == "" {
			t.Errorf("%s: ValidatePassword(%q) = %v, want code %s", tc.name, tc.pw, err, tc.wantCode)
		}
	}
}

func TestPolicyPasswordLength(t *testing.T) {
	t.Parallel()
	p := Policy{MinPasswordLength: 12}
	if err := p.ValidatePassword("abcdefghij1"); errs.As(err) == nil || errs.As(err).Code != "password.short" {
		t.Errorf("11 characters under a 12-character policy: got %v, want password.short", err)
	}
	if err := p.ValidatePassword("abcdefghijk1"); err != nil {
		t.Errorf("12 characters under a 12-character policy: got %v, want nil", err)
	}
	if err := (Policy{}).ValidatePassword("abcdefg1"); err != nil {
		t.Errorf("zero policy uses MinPasswordLength: got %v, want nil", err)
	}
}

func FuzzValidatePassword(f *testing.F) {
	f.Add("correct7horse", "zhangsan")
	f.Add("abc", "")
	f.Add("鹏城数字政府2026", "鹏城")
	f.Fuzz(func(t *testing.T, pw, related string) {
		err := ValidatePassword(pw, related)
		if err != nil {
			if e := errs.As(err); e == nil || e.Field != "password" {
				t.Fatalf("ValidatePassword(%q) error %v is not a field error", pw, err)
			}
			return
		}
		n := utf8.RuneCountInString(pw)
		hasLetter := strings.IndexFunc(pw, unicode.IsLetter) >= 0
		hasDigit := strings.IndexFunc(pw, unicode.IsDigit) >= 0
		r := strings.ToLower(strings.TrimSpace(related))
		if n < MinPasswordLength || n > MaxPasswordLength || !hasLetter || !hasDigit ||
			utf8.RuneCountInString(r) >= minRelatedLength && strings.Contains(strings.ToLower(pw), r) {
			t.Fatalf("accepted %q (related %q) against the policy", pw, related)
		}
		if err := ValidatePassword(pw, related); err != nil {
			t.Fatalf("accepted %q once, refused it again: %v", pw, err)
		}
	})
}
