package cases

import (
	"fmt"
	"strconv"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// A serial number (统一流水号) names one application across every
// department. It has 21 characters:
//
//		440300 20260302 000123 7
//		region day      seq    check
//
//	  - region: the 6-digit GB/T 2260 division code of the handling
//	    department's government (e.g. 440300 for Shenzhen);
//	  - day: the submission date YYYYMMDD in China Standard Time;
//	  - seq: the application's number among that region's submissions of
//	    that day, from 000001, drawn from a counter in the database in the
//	    submitting transaction, so it is unique across server instances and
//	    never reused (a rolled-back submission may leave a gap);
//	  - check: the ISO 7064 MOD 11-2 check character (0–9 or X) over the
//	    20 digits before it, which catches every single mistyped digit and
//	    every swap of two adjacent digits.
const (
	SerialLen    = 21
	regionLen    = 6
	dayLen       = 8
	seqLen       = 6
	MaxSerialSeq = 999_999 // the most submissions of one region on one day
)

// Serial is a parsed serial number.
type Serial struct {
	Region string    // 6-digit division code
	Day    time.Time // submission day, midnight China time
	Seq    int       // from 1
}

// String formats s with its check character.
func (s Serial) String() string {
	digits := s.Region + s.Day.In(chinaTime).Format("20060102") + fmt.Sprintf("%06d", s.Seq)
	return digits + string(CheckChar(digits))
}

// CheckChar returns the ISO 7064 MOD 11-2 check character of a string of
// decimal digits: the c in 0–10 that makes the weighted sum of the digits
// and c (weights 2^i mod 11 counting from the check position, i = 0)
// divisible by 11, written X for 10. It panics on a non-digit.
func CheckChar(digits string) byte {
	p := 0
	for i := 0; i < len(digits); i++ {
		d := digits[i]
		if d < '0' || d > '9' {
			panic("cases.CheckChar: not a digit: " + strconv.Quote(digits))
		}
		p = (p + int(d-'0')) * 2 % 11
	}
	c := (12 - p) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

// SerialDay returns the day part of the serial number of an application
// submitted at t: the date in China Standard Time, as YYYYMMDD.
func SerialDay(t time.Time) string { return t.In(chinaTime).Format("20060102") }

// FormatSerial returns the serial number of the seq-th submission in
// region on the China-time day of t. It returns an error when region is
// not a 6-digit division code or seq is out of 1–MaxSerialSeq.
func FormatSerial(region string, t time.Time, seq int) (string, error) {
	if !validRegion(region) {
		return "", fmt.Errorf("serial number: region %q is not a 6-digit division code", region)
	}
	if seq < 1 || seq > MaxSerialSeq {
		return "", fmt.Errorf("serial number: sequence %d is out of 1–%d for region %s on %s", seq, MaxSerialSeq, region, SerialDay(t))
	}
	d, _ := time.ParseInLocation("20060102", SerialDay(t), chinaTime)
	return Serial{Region: region, Day: d, Seq: seq}.String(), nil
}

// validRegion reports whether s looks like a GB/T 2260 code: six digits,
// the first two a province (11–82).
func validRegion(s string) bool {
	if len(s) != regionLen || !allDigits(s) {
		return false
	}
	return s[:2] >= "11" && s[:2] <= "82"
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ParseSerial checks a serial number and returns its parts. Surrounding
// spaces are ignored and a final lower-case x is accepted. It returns an
// errs.Field error on field "serial": serial.format when the shape is
// wrong (21 characters: 20 digits, then a digit or X; a plausible region;
// a real date; a sequence from 1), serial.checksum when the check
// character does not match.
func ParseSerial(s string) (Serial, error) {
	s = trimUpper(s)
	if len(s) != SerialLen || !allDigits(s[:SerialLen-1]) {
		return Serial{}, errSerialFormat()
	}
	region, day, seq := s[:regionLen], s[regionLen:regionLen+dayLen], s[regionLen+dayLen:SerialLen-1]
	d, err := time.ParseInLocation("20060102", day, chinaTime)
	n, _ := strconv.Atoi(seq)
	if !validRegion(region) || err != nil || n < 1 {
		return Serial{}, errSerialFormat()
	}
	if want := CheckChar(s[:SerialLen-1]); s[SerialLen-1] != want {
		return Serial{}, errs.Field("serial", "serial.checksum",
			"流水号校验位不正确，请核对是否输错", "the serial number's check character does not match; please check for a typo")
	}
	return Serial{Region: region, Day: d, Seq: n}, nil
}

// NormalizeSerial returns s trimmed, with a final x upper-cased, for
// look-ups; it does not check it.
func NormalizeSerial(s string) string { return trimUpper(s) }

func trimUpper(s string) string {
	b := []byte(s)
	i, j := 0, len(b)
	for i < j && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	for j > i && (b[j-1] == ' ' || b[j-1] == '\t' || b[j-1] == '\n' || b[j-1] == '\r') {
		j--
	}
	b = b[i:j]
	if n := len(b); n > 0 && b[n-1] == 'x' {
		b[n-1] = 'X'
	}
	return string(b)
}

func errSerialFormat() error {
	return errs.Field("serial", "serial.format",
		"流水号格式不正确：应为 21 位，前 20 位是数字，最后一位是数字或 X",
		"the serial number is malformed: 21 characters, 20 digits followed by a digit or X")
}

// chinaTime is China Standard Time (UTC+8 all year, no daylight saving),
// in which serial days, deadlines and working days are counted. It is an
// immutable value, like a constant.
var chinaTime = time.FixedZone("CST", 8*3600)

// ChinaTime returns China Standard Time, the zone of serial days and
// working days.
func ChinaTime() *time.Location { return chinaTime }
