package identity

import (
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

func usccWithCheck(first17 string) string { return first17 + string(USCCCheckChar(first17)) }

func TestValidateUSCC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		wantCode       string
		wantMsg        string
	}{
		{"standard's example", "91350100M000100Y43", "91350100M000100Y43", "", ""},
		{"generated, digits only", usccWithCheck("91440300123456789"), usccWithCheck("91440300123456789"), "", ""},
		{"a state organ (division 100000)", usccWithCheck("11100000000013127"), usccWithCheck("11100000000013127"), "", ""},
		{"lower case normalised", " 91350100m000100y43 ", "91350100M000100Y43", "", ""},
		{"empty", "", "", "uscc.empty", "请填写"},
		{"17 characters", "91350100M000100Y4", "", "uscc.length", "当前为17位"},
		{"contains I", "91350100I000100Y43", "", "uscc.chars", "不含 I、O、S、V、Z"},
		{"contains O", "91350100O000100Y43", "", "uscc.chars", "不含"},
		{"contains Z", "9135010Z0000100Y43", "", "uscc.chars", "不含"},
		{"contains lower-case s", "91350100s000100Y43", "", "uscc.chars", "不含"},
		{"punctuation", "91350100-000100Y43", "", "uscc.chars", "不含"},
		{"non-ASCII of 18 runes", "９１３５０１００Ｍ０００１００Ｙ４３", "", "uscc.chars", "不含"},
		{"letter in the division code", usccWithCheck("9135A100M000100Y4"), "", "uscc.region", "行政区划代码"},
		{"wrong check character", "91350100M000100Y44", "", "uscc.checksum", "应为 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ValidateUSCC(tc.in)
			if tc.wantCode == "" {
				if err != nil || got != tc.want {
					t.Errorf("ValidateUSCC(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			e := errs.As(err)
			if e == nil || e.Code != tc.wantCode || e.Field != "uscc" {
				t.Fatalf("ValidateUSCC(%q) error = %v; want code %s on field uscc", tc.in, err, tc.wantCode)
			}
			if !strings.Contains(e.Msg, tc.wantMsg) || e.MsgEN == "" {
				t.Errorf("message %q (en %q); want it to contain %q", e.Msg, e.MsgEN, tc.wantMsg)
			}
		})
	}
}

func TestUSCCWeights(t *testing.T) {
	t.Parallel()
	w := 1
	for i, got := range usccWeights {
		if got != w {
			t.Errorf("weight %d = %d, want 3^%d mod 31 = %d", i, got, i, w)
		}
		w = w * 3 % 31
	}
}

func FuzzValidateUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91350100m000100y43", "", "91350100I000100Y43", "９１３５０１００Ｍ０００１００Ｙ４３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := ValidateUSCC(s)
		if err != nil {
			if e := errs.As(err); e == nil || e.Field != "uscc" {
				t.Fatalf("ValidateUSCC(%q) error %v is not a field error", s, err)
			}
			return
		}
		again, err := ValidateUSCC(code)
		if err != nil || again != code || len(code) != 18 {
			t.Fatalf("accepted %q as %q, but re-validating gives %q, %v", s, code, again, err)
		}
	})
}
