package identity

import (
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

type validatorCase struct{ in, want, wantCode string }

func checkValidator(t *testing.T, name, field string, fn func(string) (string, error), tests []validatorCase) {
	t.Helper()
	for _, tc := range tests {
		got, err := fn(tc.in)
		if tc.wantCode == "" {
			if err != nil || got != tc.want {
				t.Errorf("%s(%q) = %q, %v; want %q", name, tc.in, got, err, tc.want)
			}
			continue
		}
		if e := errs.As(err); e == nil || e.Code != tc.wantCode || e.Field != field || e.Msg == "" || e.MsgEN == "" {
			t.Errorf("%s(%q) = %q, %v; want error %s on field %s", name, tc.in, got, err, tc.wantCode, field)
		}
	}
}

func TestValidateDisplayName(t *testing.T) {
	t.Parallel()
	checkValidator(t, "ValidateDisplayName", "display_name", ValidateDisplayName, []validatorCase{
		{"张晓明", "张晓明", ""},
		{"  深圳市鹏城示范科技有限公司（演示） ", "深圳市鹏城示范科技有限公司（演示）", ""},
		{"Anne-Marie O'Neil", "Anne-Marie O'Neil", ""},
		{"阿卜杜拉·买买提", "阿卜杜拉·买买提", ""},
		{"李　明", "李　明", ""}, // ideographic space
		{strings.Repeat("名", 64), strings.Repeat("名", 64), ""},
		{"", "", "name.empty"},
		{" \t ", "", "name.empty"},
		{strings.Repeat("名", 65), "", "name.long"},
		{"张\x00三", "", "name.chars"},
		{"张\n三", "", "name.chars"},
		{"张\u200b三", "", "name.chars"}, // zero-width space
		{"张\u202e三", "", "name.chars"}, // right-to-left override
		{"张\xff三", "", "name.chars"},
	})
}

func TestValidateUsername(t *testing.T) {
	t.Parallel()
	checkValidator(t, "ValidateUsername", "username", ValidateUsername, []validatorCase{
		{"admin", "admin", ""},
		{"rs-admin", "rs-admin", ""},
		{"Zhang.San_01", "zhang.san_01", ""},
		{"abc", "abc", ""},
		{strings.Repeat("a", 32), strings.Repeat("a", 32), ""},
		{"", "", "username.empty"},
		{"ab", "", "username.length"},
		{strings.Repeat("a", 33), "", "username.length"},
		{"zhang san", "", "username.chars"},
		{"张三丰", "", "username.chars"},
		{"a@b", "", "username.chars"},
		{"13800138000", "", "username.start"},
		{".admin", "", "username.start"},
	})
}

func TestValidateEmail(t *testing.T) {
	t.Parallel()
	checkValidator(t, "ValidateEmail", "email", ValidateEmail, []validatorCase{
		{"name@example.cn", "name@example.cn", ""},
		{" Name.Surname+tag@Example.GOV.cn ", "Name.Surname+tag@example.gov.cn", ""},
		{"", "", "email.empty"},
		{strings.Repeat("a", 250) + "@x.cn", "", "email.long"},
		{"name", "", "email.format"},
		{"name@localhost", "", "email.format"},
		{"Zhang <z@example.cn>", "", "email.format"},
		{"a@b@example.cn", "", "email.format"},
		{"a@example.cn.", "", "email.format"},
		{"a@[127.0.0.1]", "", "email.format"},
	})
}

func fuzzValidator(f *testing.F, field string, fn func(string) (string, error), seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := fn(s)
		if err != nil {
			if e := errs.As(err); e == nil || e.Field != field {
				t.Fatalf("(%q) error %v is not a field error on %s", s, err, field)
			}
			return
		}
		if again, err := fn(got); err != nil || again != got {
			t.Fatalf("accepted %q as %q, but re-validating gives %q, %v", s, got, again, err)
		}
	})
}

func FuzzValidateDisplayName(f *testing.F) {
	fuzzValidator(f, "display_name", ValidateDisplayName, "张晓明", " a ", "张\u200b三", "\xff")
}

func FuzzValidateUsername(f *testing.F) {
	fuzzValidator(f, "username", ValidateUsername, "admin", "Zhang.San", "ab", "13800138000")
}

func FuzzValidateEmail(f *testing.F) {
	fuzzValidator(f, "email", ValidateEmail, "name@example.cn", "Zhang <z@example.cn>", `"a b"@example.cn`, "a@Example.CN")
}
