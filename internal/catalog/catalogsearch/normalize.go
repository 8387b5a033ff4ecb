package catalogsearch

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

// Normalizer turns what people type, and what the catalogue says, into
// one canonical form: Unicode NFKC (full-width letters and digits become
// ASCII), lower case, Traditional characters converted to Simplified
// (OpenCC's t2s tables, which include phrase-level conversions), and every
// run of punctuation, symbols and spaces turned into one space. An
// apostrophe inside a Latin word is dropped (driver's → drivers), so that
// English phrases match however they are typed. It is safe for concurrent
// use.
type Normalizer struct {
	t2s *opencc.OpenCC
}

// NewNormalizer loads the Traditional→Simplified tables, which OpenCC
// embeds (no files are read).
func NewNormalizer() (*Normalizer, error) {
	cc, err := opencc.New("t2s")
	if err != nil {
		return nil, fmt.Errorf("load Traditional→Simplified tables: %w", err)
	}
	return &Normalizer{t2s: cc}, nil
}

// Normalize returns s in canonical form; invalid UTF-8 is dropped.
func (n *Normalizer) Normalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = norm.NFKC.String(s)
	s = strings.ToLower(s)
	if hasHan(s) {
		if out, err := n.t2s.Convert(s); err == nil {
			s = out
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // at the start, or after a space
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '\'' || r == '’':
			if i > 0 && i+1 < len(rs) && isLatin(rs[i-1]) && isLatin(rs[i+1]) {
				continue // driver's → drivers
			}
			fallthrough
		case !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' || unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
		case r == '-':
			// Hyphens join Latin words (ride-hailing) and nothing else.
			if i > 0 && i+1 < len(rs) && isLatin(rs[i-1]) && isLatin(rs[i+1]) {
				b.WriteRune(r)
				space = false
			} else if !space {
				b.WriteByte(' ')
				space = true
			}
		default:
			b.WriteRune(r)
			space = false
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if isHan(r) {
			return true
		}
	}
	return false
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isLatin reports whether r is an ASCII letter or digit.
func isLatin(r rune) bool { return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
