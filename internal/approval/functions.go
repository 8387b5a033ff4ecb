package approval

import (
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// The functions rules may call besides CEL's own and its string, list and
// binding extensions:
//
//	date(string) timestamp             "2026-06-30" → that day, 00:00 UTC
//	birth_date(string) timestamp       the birth date an identity number encodes
//	years_between(timestamp, timestamp) int   full years from the first to the second (an age)
//	add_years(timestamp, int) timestamp        the same day n years later (29 Feb → 28 Feb)
//	valid_id_number(string) bool       GB 11643 resident identity number
//	valid_uscc(string) bool            GB 32100 unified social credit code
//	mask(string) string                an identity number or code with its middle hidden
//
// date and birth_date fail on malformed input, which makes the rule that
// needs them indeterminate.
func functions() []cel.EnvOption {
	ts := cel.TimestampType
	return []cel.EnvOption{
		cel.Function("date", cel.Overload("date_string", []*cel.Type{cel.StringType}, ts,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				s, _ := v.Value().(string)
				t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
				if err != nil {
					return types.NewErr("date(%q): not a date YYYY-MM-DD", s)
				}
				return types.Timestamp{Time: t}
			}))),
		cel.Function("birth_date", cel.Overload("birth_date_string", []*cel.Type{cel.StringType}, ts,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				s, _ := v.Value().(string)
				info, err := identity.ParseIDNumberAt(s, farFuture)
				if err != nil {
					return types.NewErr("birth_date: not a valid identity number")
				}
				return types.Timestamp{Time: info.Birth}
			}))),
		cel.Function("years_between", cel.Overload("years_between_ts_ts", []*cel.Type{ts, ts}, cel.IntType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				return types.Int(yearsBetween(a.(types.Timestamp).Time, b.(types.Timestamp).Time))
			}))),
		cel.Function("add_years", cel.Overload("add_years_ts_int", []*cel.Type{ts, cel.IntType}, ts,
			cel.BinaryBinding(func(a, n ref.Val) ref.Val {
				return types.Timestamp{Time: addYears(a.(types.Timestamp).Time, int(n.(types.Int)))}
			}))),
		cel.Function("valid_id_number", cel.Overload("valid_id_number_string", []*cel.Type{cel.StringType}, cel.BoolType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				s, _ := v.Value().(string)
				_, err := identity.ParseIDNumberAt(s, farFuture)
				return types.Bool(err == nil)
			}))),
		cel.Function("valid_uscc", cel.Overload("valid_uscc_string", []*cel.Type{cel.StringType}, cel.BoolType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				s, _ := v.Value().(string)
				_, err := identity.ValidateUSCC(s)
				return types.Bool(err == nil)
			}))),
		cel.Function("mask", cel.Overload("mask_string", []*cel.Type{cel.StringType}, cel.StringType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				s, _ := v.Value().(string)
				return types.String(maskMiddle(s))
			}))),
	}
}

// farFuture is the "now" identity numbers are checked against in rules: a
// birth date in the future is the rule's business (an age), not the
// validator's.
var farFuture = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// yearsBetween returns the full years from a to b: an age on b for a
// birth date a. It is negative when b is before a.
func yearsBetween(a, b time.Time) int {
	y := b.Year() - a.Year()
	if b.Month() < a.Month() || (b.Month() == a.Month() && b.Day() < a.Day()) {
		y--
	}
	return y
}

// addYears returns t moved n years, with 29 February becoming 28 February
// in years that lack it.
func addYears(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	out := time.Date(y+n, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	if out.Month() != m {
		out = time.Date(y+n, m, 28, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	}
	return out
}

// maskMiddle hides the middle of s, keeping up to 4 characters at each
// end: 4203**********3452.
func maskMiddle(s string) string {
	r := []rune(s)
	keep := 4
	if len(r) <= 2*keep {
		keep = len(r) / 4
	}
	for i := keep; i < len(r)-keep; i++ {
		r[i] = '*'
	}
	return string(r)
}
