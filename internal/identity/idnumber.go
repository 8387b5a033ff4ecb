package identity

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// IDNumberInfo is what a resident identity number (公民身份号码) says about
// its holder.
type IDNumberInfo struct {
	Number   string    // the normalised number: 18 characters, a final x upper-cased
	Division string    // the 6-digit address code (GB/T 2260) of the issuing county
	Birth    time.Time // the birth date, at midnight UTC
	Male     bool      // the 17th digit (sequence code) is odd
}

// idWeights are the GB 11643-1999 weights of the first 17 digits
// (2^(17-i) mod 11).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// provinceCodes are the 34 provincial-level division codes (GB/T 2260):
// 31 mainland provinces, autonomous regions and municipalities, then
// Taiwan (71), Hong Kong (81) and Macao (82).
var provinceCodes = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// earliestBirth is the earliest birth date accepted.
const earliestBirth = "19000101"

// ParseIDNumber checks a resident identity number against GB 11643-1999 as
// of the current time; see [ParseIDNumberAt].
func ParseIDNumber(s string) (IDNumberInfo, error) {
	return ParseIDNumberAt(s, time.Now())
}

// ParseIDNumberAt checks a resident identity number against GB 11643-1999,
// taking now as the current time, and returns what it encodes. Surrounding
// spaces are ignored and a final lower-case x is accepted.
//
// It checks, in this order, and returns an errs.Field error on field
// "id_number" with a distinct code for the first failure:
//
//   - idnumber.empty: nothing was given;
//   - idnumber.length: exactly 18 characters;
//   - idnumber.chars: 17 digits followed by a digit or X;
//   - idnumber.region: the address code's first two digits are one of the
//     34 provincial-level codes; for the 31 mainland provinces digits 3–4
//     (the prefecture) are not 00, since numbers are issued by county-level
//     offices within a prefecture; for Taiwan, Hong Kong and Macao (71, 81,
//     82), whose residence-permit numbers use the provincial code itself
//     (e.g. 810000), digits 3–6 are not checked;
//   - idnumber.birth: digits 7–14 are a real calendar date YYYYMMDD, not
//     before 1900-01-01 and not after today in China Standard Time (UTC+8);
//   - idnumber.checksum: the 18th character is the check character
//     "10X98765432"[Σ digit×weight mod 11] with weights 7 9 10 5 8 4 2 1 6 3
//     7 9 10 5 8 4 2.
func ParseIDNumberAt(s string, now time.Time) (IDNumberInfo, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return IDNumberInfo{}, idErr("idnumber.empty", "请填写身份证号码", "the identity number is required")
	}
	if n := utf8.RuneCountInString(s); n != 18 {
		return IDNumberInfo{}, idErr("idnumber.length",
			fmt.Sprintf("身份证号码应为18位（当前为%d位）", n),
			fmt.Sprintf("the identity number must have 18 characters (it has %d)", n))
	}
	if !idChars(s) {
		return IDNumberInfo{}, idErr("idnumber.chars",
			"身份证号码只能由17位数字加1位数字或字母X组成",
			"the identity number must be 17 digits followed by a digit or X")
	}
	s = strings.ToUpper(s)
	if err := checkIDRegion(s[:6]); err != nil {
		return IDNumberInfo{}, err
	}
	birth, err := checkIDBirth(s[6:14], now)
	if err != nil {
		return IDNumberInfo{}, err
	}
	if want := IDCheckChar(s[:17]); s[17] != want {
		return IDNumberInfo{}, idErr("idnumber.checksum",
			fmt.Sprintf("身份证号码校验位错误（应为 %c）", want),
			fmt.Sprintf("the identity number check character is wrong (expected %c)", want))
	}
	return IDNumberInfo{Number: s, Division: s[:6], Birth: birth, Male: (s[16]-'0')%2 == 1}, nil
}

// IDCheckChar returns the GB 11643-1999 check character for the first 17
// digits of an identity number. It panics if first17 is not 17 ASCII digits.
func IDCheckChar(first17 string) byte {
	if len(first17) != 17 {
		panic("identity: IDCheckChar needs 17 digits")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		d := first17[i]
		if d < '0' || d > '9' {
			panic("identity: IDCheckChar needs 17 digits")
		}
		sum += int(d-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// idChars reports whether s is 17 ASCII digits then a digit, X or x.
func idChars(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 18; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || i == 17 && (c == 'X' || c == 'x')) {
			return false
		}
	}
	return true
}

func checkIDRegion(div string) error {
	prov := div[:2]
	if !provinceCodes[prov] {
		return idErr("idnumber.region",
			fmt.Sprintf("身份证号码的地区码不正确（前两位 %s 不是省级行政区划代码）", prov),
			fmt.Sprintf("the identity number's region code is wrong (%s is not a provincial-level division code)", prov))
	}
	if prov != "71" && prov != "81" && prov != "82" && div[2:4] == "00" {
		return idErr("idnumber.region",
			fmt.Sprintf("身份证号码的地区码不正确（%s 不是县级行政区划代码）", div),
			fmt.Sprintf("the identity number's region code is wrong (%s is not a county-level division code)", div))
	}
	return nil
}

func checkIDBirth(ymd string, now time.Time) (time.Time, error) {
	birth, err := time.Parse("20060102", ymd)
	if err != nil {
		return time.Time{}, idErr("idnumber.birth",
			fmt.Sprintf("身份证号码中的出生日期 %s 不是有效日期", ymd),
			fmt.Sprintf("the birth date %s in the identity number is not a valid date", ymd))
	}
	if ymd < earliestBirth {
		return time.Time{}, idErr("idnumber.birth",
			fmt.Sprintf("身份证号码中的出生日期 %s 早于1900年", ymd),
			fmt.Sprintf("the birth date %s in the identity number is before 1900", ymd))
	}
	today := now.In(time.FixedZone("CST", 8*3600)).Format("20060102")
	if ymd > today {
		return time.Time{}, idErr("idnumber.birth",
			fmt.Sprintf("身份证号码中的出生日期 %s 晚于今天", ymd),
			fmt.Sprintf("the birth date %s in the identity number is in the future", ymd))
	}
	return birth, nil
}

func idErr(code, zh, en string) error {
	return errs.Field("id_number", code, zh, en)
}
