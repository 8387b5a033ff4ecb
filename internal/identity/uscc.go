package identity

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// usccChars is the GB 32100-2015 character set: digits and upper-case
// letters without I, O, Z, S and V. A character's value is its index.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the weights of the first 17 characters, 3^i mod 31.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateUSCC checks a unified social credit code (统一社会信用代码)
// against GB 32100-2015 and returns it normalised (spaces around it
// removed, letters upper-cased).
//
// It returns an errs.Field error on field "uscc" with a distinct code for
// the first failure: uscc.empty; uscc.length (18 characters); uscc.chars
// (only 0–9 and the letters A–Y without I, O, S, V and Z); uscc.region
// (characters 3–8, the registering authority's division code, are digits);
// uscc.checksum (the 18th character is usccChars[(31 − Σ value×3^i mod 31)
// mod 31]).
func ValidateUSCC(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", usccErr("uscc.empty", "请填写统一社会信用代码", "the unified social credit code is required")
	}
	if n := utf8.RuneCountInString(s); n != 18 {
		return "", usccErr("uscc.length",
			fmt.Sprintf("统一社会信用代码应为18位（当前为%d位）", n),
			fmt.Sprintf("the unified social credit code must have 18 characters (it has %d)", n))
	}
	if len(s) != 18 {
		return "", usccCharsErr()
	}
	s = strings.ToUpper(s)
	for i := 0; i < 18; i++ {
		if strings.IndexByte(usccChars, s[i]) < 0 {
			return "", usccCharsErr()
		}
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", usccErr("uscc.region",
				"统一社会信用代码第3至8位应为登记管理机关的行政区划代码（6位数字）",
				"characters 3 to 8 of the unified social credit code must be a 6-digit division code")
		}
	}
	if want := USCCCheckChar(s[:17]); s[17] != want {
		return "", usccErr("uscc.checksum",
			fmt.Sprintf("统一社会信用代码校验位错误（应为 %c）", want),
			fmt.Sprintf("the unified social credit code check character is wrong (expected %c)", want))
	}
	return s, nil
}

// USCCCheckChar returns the GB 32100-2015 check character for the first 17
// characters of a unified social credit code. It panics if first17 is not
// 17 characters of the code's character set.
func USCCCheckChar(first17 string) byte {
	if len(first17) != 17 {
		panic("identity: USCCCheckChar needs 17 characters")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccChars, first17[i])
		if v < 0 {
			panic("identity: USCCCheckChar: character outside the code's set")
		}
		sum += v * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31]
}

func usccCharsErr() error {
	return usccErr("uscc.chars",
		"统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z）",
		"the unified social credit code may only contain digits and the letters A–Y except I, O, S, V and Z")
}

func usccErr(code, zh, en string) error {
	return errs.Field("uscc", code, zh, en)
}
