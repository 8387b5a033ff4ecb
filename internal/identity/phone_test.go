package identity

import (
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

func TestValidatePhone(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want, wantCode string }{
		{"13800138000", "13800138000", ""},
		{"199 0000 1111", "19900001111", ""},
		{"138-0013-8000", "13800138000", ""},
		{"+86 138 0013 8000", "13800138000", ""},
		{"+8613800138000", "13800138000", ""},
		{"008613800138000", "13800138000", ""},
		{"8613800138000", "13800138000", ""},
		{"", "", "phone.empty"},
		{"   ", "", "phone.empty"},
		{"12800138000", "", "phone.format"},  // 12x is not a mobile range
		{"23800138000", "", "phone.format"},  // must start with 1
		{"1380013800", "", "phone.format"},   // 10 digits
		{"138001380001", "", "phone.format"}, // 12 digits
		{"1380013800a", "", "phone.format"},
		{"+85261234567", "", "phone.format"}, // Hong Kong
		{"１３８００１３８０００", "", "phone.format"},
	}
	for _, tc := range tests {
		got, err := ValidatePhone(tc.in)
		if tc.wantCode == "" {
			if err != nil || got != tc.want {
				t.Errorf("ValidatePhone(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		if e := errs.As(err); e == nil || e.Code != tc.wantCode || e.Field != "phone" || e.Msg == "" {
			t.Errorf("ValidatePhone(%q) = %q, %v; want error %s on field phone", tc.in, got, err, tc.wantCode)
		}
	}
}

func FuzzValidatePhone(f *testing.F) {
	for _, s := range []string{"13800138000", "+86 138 0013 8000", "8613800138000", "", "+86", "0086"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ValidatePhone(s)
		if err != nil {
			if e := errs.As(err); e == nil || e.Field != "phone" {
				t.Fatalf("ValidatePhone(%q) error %v is not a field error", s, err)
			}
			return
		}
		if again, err := ValidatePhone(p); err != nil || again != p || !mobileDigits(p) {
			t.Fatalf("accepted %q as %q, but re-validating gives %q, %v", s, p, again, err)
		}
	})
}
