package exchange

import (
	"maps"
	"testing"
	"unicode/utf8"
)

// FuzzParseFlat checks that the fast path of ParseLine agrees with the
// full parser on every line it accepts.
func FuzzParseFlat(f *testing.F) {
	for _, s := range []string{`{"a":"x","b":""}`, ` { "a" : "x\\"y" } `, `{}`, `{"a":"x","a":"y"}`, `{"a":1}`,
		`{"a":"\u738b"}`, `{"a":"x"}x`, `{"a":"x",}`, `{"a":"\ud800"}`, "{\"a\":\"\t\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if !utf8.Valid(line) {
			return // ParseLine refuses it before either parser runs
		}
		fast, ok := parseFlat(line)
		if !ok {
			return
		}
		slow, problems := parseLineSlow(line)
		if len(problems) > 0 {
			t.Fatalf("parseFlat accepted %q, which the full parser refuses: %v", line, problems)
		}
		if !maps.Equal(fast, slow) {
			t.Fatalf("parseFlat(%q) = %q, the full parser %q", line, fast, slow)
		}
	})
}
