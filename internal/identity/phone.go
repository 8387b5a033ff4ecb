package identity

import (
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// ValidatePhone checks a mainland China mobile number and returns it as 11
// digits. Spaces and hyphens are ignored, and a leading +86, 0086 or 86
// (before 11 more digits) country code is removed. The number must be 11
// digits starting with 13–19.
//
// It returns an errs.Field error on field "phone": phone.empty, or
// phone.format for anything else.
func ValidatePhone(s string) (string, error) {
	p := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
	if p == "" {
		return "", errs.Field("phone", "phone.empty", "请填写手机号码", "the mobile number is required")
	}
	switch {
	case strings.HasPrefix(p, "+86"):
		p = p[3:]
	case strings.HasPrefix(p, "0086"):
		p = p[4:]
	case len(p) == 13 && strings.HasPrefix(p, "86"):
		p = p[2:]
	}
	if !mobileDigits(p) {
		return "", errs.Field("phone", "phone.format",
			"手机号码格式不正确，应为以1开头的11位中国大陆手机号码",
			"the mobile number must be an 11-digit mainland China number starting with 1")
	}
	return p, nil
}

// mobileDigits reports whether p is 11 ASCII digits starting 1[3-9].
func mobileDigits(p string) bool {
	if len(p) != 11 || p[0] != '1' || p[1] < '3' || p[1] > '9' {
		return false
	}
	for i := 2; i < 11; i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}
