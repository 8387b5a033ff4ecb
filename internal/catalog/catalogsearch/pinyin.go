package catalogsearch

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// Pinyin turns Chinese text into toneless pinyin (ü written v, as on
// keyboards) and into initials (首字母), and recognises strings that are
// pinyin. Its readings come from go-pinyin's dictionary, read once into a
// table (go-pinyin converts with regular expressions on every call, too
// slow to index the catalogue quickly). It is safe for concurrent use.
type Pinyin struct {
	readings  map[rune][]string // toneless readings, the usual one first
	syllables map[string]bool   // every toneless syllable with a vowel
	longest   int
}

// toneless maps tone-marked letters of the dictionary to plain ones.
var toneless = strings.NewReplacer(
	"ā", "a", "á", "a", "ǎ", "a", "à", "a",
	"ē", "e", "é", "e", "ě", "e", "è", "e",
	"ī", "i", "í", "i", "ǐ", "i", "ì", "i",
	"ō", "o", "ó", "o", "ǒ", "o", "ò", "o",
	"ū", "u", "ú", "u", "ǔ", "u", "ù", "u",
	"ü", "v", "ǖ", "v", "ǘ", "v", "ǚ", "v", "ǜ", "v",
	"ń", "n", "ň", "n", "ǹ", "n", "ḿ", "m",
	"\u0300", "", "\u0304", "", "\u030c", "",
)

// NewPinyin reads go-pinyin's dictionary into the converter's tables.
func NewPinyin() *Pinyin {
	p := &Pinyin{readings: make(map[rune][]string, len(pinyin.PinyinDict)), syllables: map[string]bool{}}
	for r, list := range pinyin.PinyinDict {
		var rs []string
		for _, s := range strings.Split(list, ",") {
			s = toneless.Replace(s)
			if s == "" || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") != "" || slices.Contains(rs, s) {
				continue
			}
			rs = append(rs, s)
			// Interjections without a vowel (m, n, ng, hm) are left out
			// of the syllables: they would make any consonant string
			// look like pinyin.
			if strings.ContainsAny(s, "aeiouv") {
				p.syllables[s] = true
				p.longest = max(p.longest, len(s))
			}
		}
		if len(rs) > 0 {
			p.readings[rune(r)] = rs
		}
	}
	return p
}

// Reading returns the toneless pinyin of the Chinese characters of s in
// their usual reading, joined without spaces; ASCII letters and digits are
// kept, other characters dropped. Characters with several readings (行,
// 重, 长) are read the usual way: go-pinyin's dictionary lists archaic
// readings too (港 hong, 澳 yu), and reading them all would match more
// noise than the rare other reading of a catalogue word is worth.
func (p *Pinyin) Reading(s string) string {
	var b strings.Builder
	for _, r := range s {
		if rs := p.readings[r]; len(rs) > 0 {
			b.WriteString(rs[0])
		} else if isLatin(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SoundPairs returns the pairs of neighbouring syllables of each run of
// Chinese characters of s in their usual reading, as "gang_ao": 港澳通行证
// gives gang_ao ao_tong tong_xing xing_zheng. Two texts that sound alike
// share their pairs whatever characters were typed, which is how
// homophone mistakes (港奥, 身分证) still find the right item; pairs,
// unlike single syllables, are specific enough to be cheap to search.
func (p *Pinyin) SoundPairs(s string) []string {
	var out []string
	prev := ""
	for _, r := range s {
		rs := p.readings[r]
		if len(rs) == 0 {
			prev = ""
			continue
		}
		if prev != "" {
			out = appendNew(out, prev+"_"+rs[0])
		}
		prev = rs[0]
	}
	return out
}

// Initials returns the first letters of the pinyin of the Chinese
// characters of s (港澳通行证 → gatxz); ASCII letters and digits are kept.
func (p *Pinyin) Initials(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case isHan(r):
			if rs := p.readings[r]; len(rs) > 0 {
				b.WriteByte(rs[0][0])
			}
		case isLatin(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Syllables splits s, a run of ASCII letters, into pinyin syllables, the
// fewest possible; ok is false when s is not pinyin. Apostrophes and
// spaces are not expected (the normaliser removed them).
func (p *Pinyin) Syllables(s string) (parts []string, ok bool) {
	n := len(s)
	if n == 0 || !utf8.ValidString(s) {
		return nil, false
	}
	// best[i] is the fewest syllables covering s[:i], prev[i] where the
	// last one starts.
	best := make([]int, n+1)
	prev := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = -1
		for l := 1; l <= p.longest && l <= i; l++ {
			if best[i-l] >= 0 && p.syllables[s[i-l:i]] && (best[i] < 0 || best[i-l]+1 < best[i]) {
				best[i], prev[i] = best[i-l]+1, i-l
			}
		}
	}
	if best[n] < 0 {
		return nil, false
	}
	for i := n; i > 0; i = prev[i] {
		parts = append([]string{s[prev[i]:i]}, parts...)
	}
	return parts, true
}
