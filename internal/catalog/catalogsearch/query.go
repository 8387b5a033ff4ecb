package catalogsearch

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// MaxQueryLength is the most characters a query may have.
const MaxQueryLength = 100

// Query is a search query after analysis: what the engine looks for, and
// where.
type Query struct {
	// Text is the query normalised (see [Normalizer]).
	Text string
	// Han is the Chinese part with stop phrases removed, runs separated
	// by spaces; Latin words that are not pinyin, initials or English
	// (KTV, CMA, 12345) are kept in it.
	Han string
	// Exact are the forms that, equal to an item's name or keyword, mark
	// it as the item meant.
	Exact []string
	// Expansions are the catalogue terms that synonyms added, each with
	// the share of the query its phrase covers.
	Expansions []Expansion
	// Pinyin are pinyin strings to match against the items' pinyin: the
	// reading of Han (to catch homophones typed by mistake) and Latin
	// words that are, or nearly are, pinyin.
	Pinyin []string
	// Sound are the syllable pairs of Han (see [Pinyin.SoundPairs]).
	Sound []string
	// Initials are Latin words read as pinyin initials (gatxz).
	Initials []string
	// English are the English words recognised, corrected when misspelt.
	English []string
}

// Expansion is a catalogue term added by a synonym.
type Expansion struct {
	Term string
	// Coverage is the share of the query's characters (or Latin words)
	// that the synonym's phrase covers, from 0 to 1: a synonym that
	// explains the whole query counts fully, one that explains a part
	// counts less than the rest of the query.
	Coverage float64
}

// Empty reports whether nothing is left to search for.
func (q Query) Empty() bool {
	return q.Han == "" && len(q.Expansions) == 0 && len(q.Pinyin) == 0 && len(q.Initials) == 0 && len(q.Exact) == 0
}

// String describes the analysis, for logs and tests.
func (q Query) String() string {
	exp := make([]string, len(q.Expansions))
	for i, x := range q.Expansions {
		exp[i] = fmt.Sprintf("%s:%.2f", x.Term, x.Coverage)
	}
	return fmt.Sprintf("text=%q han=%q exact=%q expand=%q sound=%q pinyin=%q initials=%q english=%q",
		q.Text, q.Han, q.Exact, exp, q.Sound, q.Pinyin, q.Initials, q.English)
}

// CheckQuery returns an errs.Invalid error on field q when s is empty
// after trimming or longer than [MaxQueryLength] characters.
func CheckQuery(s string) error {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return errs.Field("q", "search.q_empty", "请输入要搜索的内容", "enter what to search for")
	case n > MaxQueryLength:
		return errs.Field("q", "search.q_long", fmt.Sprintf("搜索内容不能超过 %d 个字符", MaxQueryLength),
			fmt.Sprintf("a search has at most %d characters", MaxQueryLength))
	}
	return nil
}

// Analyzer turns what someone typed into a [Query]. It is safe for
// concurrent use.
type Analyzer struct {
	norm *Normalizer
	dict *Dictionary
	py   *Pinyin
}

// NewAnalyzer returns an analyzer with the given parts.
func NewAnalyzer(n *Normalizer, d *Dictionary, p *Pinyin) *Analyzer {
	return &Analyzer{norm: n, dict: d, py: p}
}

// token is a run of Chinese or of Latin characters in a normalised query.
type token struct {
	text  string
	latin bool
	used  bool // taken by an English phrase
}

// tokens splits a normalised text into runs of Han and words of Latin
// characters (other scripts go with the Han runs).
func tokens(text string) []token {
	var out []token
	for _, f := range strings.Fields(text) {
		start, latin := 0, false
		for i, r := range f {
			l := isLatin(r) || r == '-'
			if i > 0 && l != latin {
				out = append(out, token{text: f[start:i], latin: latin})
				start = i
			}
			latin = l
		}
		out = append(out, token{text: f[start:], latin: latin})
	}
	return out
}

// Analyze reads s (at most MaxQueryLength characters are used).
func (a *Analyzer) Analyze(s string) Query {
	if r := []rune(s); len(r) > MaxQueryLength {
		s = string(r[:MaxQueryLength])
	}
	q := Query{Text: a.norm.Normalize(s)}
	if r := []rune(q.Text); len(r) > 2*MaxQueryLength {
		// NFKC expands a few characters (ﷺ) into many.
		q.Text = strings.TrimSpace(string(r[:2*MaxQueryLength]))
	}
	if q.Text == "" {
		return q
	}
	toks := tokens(q.Text)
	a.correct(toks)
	q.Expansions = a.expand(q.Text, toks, &q.English)
	a.dropLatinStops(toks)
	var han, pys, inis []string
	for _, t := range toks {
		switch {
		case t.used:
		case !t.latin:
			if h := a.stripStops(t.text); h != "" {
				han = append(han, h)
			}
		default:
			a.readLatin(t.text, &q, &han, &pys, &inis)
		}
	}
	// Pinyin typed with spaces (kai gong si) is one string, like the
	// items' pinyin.
	q.Pinyin = appendNew(q.Pinyin, strings.Join(pys, ""))
	q.Initials = appendNew(q.Initials, strings.Join(inis, ""))
	q.Han = strings.Join(han, " ")
	q.Sound = a.py.SoundPairs(q.Han)
	compact := strings.ReplaceAll(q.Text, " ", "")
	q.Exact = appendNew(q.Exact, compact)
	q.Exact = appendNew(q.Exact, strings.ReplaceAll(q.Han, " ", ""))
	return q
}

// correct replaces misspelt English words, and leaves pinyin alone.
func (a *Analyzer) correct(toks []token) {
	for i, t := range toks {
		if !t.latin || a.dict.english[t.text] {
			continue
		}
		if _, ok := a.py.Syllables(t.text); ok {
			continue
		}
		if c := a.dict.correctEnglish(t.text); c != "" {
			toks[i].text = c
		}
	}
}

// expand returns the terms of the synonyms that occur in the query,
// marking the Latin words of matched English phrases used and recording
// them as English. A Chinese phrase of three or more characters also
// matches with one character inserted (开个公司 for 开公司, 生个孩子 for
// 生孩子), as people say it.
func (a *Analyzer) expand(text string, toks []token, english *[]string) []Expansion {
	var out []Expansion
	hanLen, words := 0, 0
	for _, t := range toks {
		if t.latin {
			words++
		} else {
			hanLen += utf8.RuneCountInString(t.text)
		}
	}
	add := func(terms []string, cover float64) {
		for _, t := range terms {
			i := slices.IndexFunc(out, func(x Expansion) bool { return x.Term == t })
			switch {
			case i < 0:
				out = append(out, Expansion{Term: t, Coverage: min(cover, 1)})
			case out[i].Coverage < cover:
				out[i].Coverage = min(cover, 1)
			}
		}
	}
	for _, s := range a.dict.synonyms {
		if s.words == nil {
			if containsLoosely(text, s.phrase) {
				add(s.terms, float64(utf8.RuneCountInString(s.phrase))/float64(max(hanLen, 1)))
			}
			continue
		}
		if i := findWords(toks, s.words); i >= 0 {
			for j := range s.words {
				toks[i+j].used = true
				*english = appendNew(*english, toks[i+j].text)
			}
			add(s.terms, float64(len(s.words))/float64(max(words, 1)))
		}
	}
	return out
}

// containsLoosely reports whether text holds phrase, or for phrases of
// three or more characters, phrase with one character inserted after its
// first.
func containsLoosely(text, phrase string) bool {
	if strings.Contains(text, phrase) {
		return true
	}
	first, size := utf8.DecodeRuneInString(phrase)
	rest := phrase[size:]
	if utf8.RuneCountInString(phrase) < 3 {
		return false
	}
	for i := 0; i < len(text); {
		j := strings.IndexRune(text[i:], first)
		if j < 0 {
			return false
		}
		at := i + j + size
		if at < len(text) {
			_, gap := utf8.DecodeRuneInString(text[at:])
			if text[at:at+gap] != " " && strings.HasPrefix(text[at+gap:], rest) {
				return true
			}
		}
		i = at
	}
	return false
}

// findWords returns the index of the first run of unused Latin tokens
// equal to words, or -1.
func findWords(toks []token, words []string) int {
outer:
	for i := 0; i+len(words) <= len(toks); i++ {
		for j, w := range words {
			if t := toks[i+j]; !t.latin || t.used || t.text != w {
				continue outer
			}
		}
		return i
	}
	return -1
}

// dropLatinStops marks English filler words used, unless the query is a
// single Latin word (which could be pinyin, like an).
func (a *Analyzer) dropLatinStops(toks []token) {
	latin := 0
	for _, t := range toks {
		if t.latin {
			latin++
		}
	}
	if latin < 2 {
		return
	}
	for _, ws := range a.dict.stopLatin {
		for i := findWords(toks, ws); i >= 0; i = findWords(toks, ws) {
			for j := range ws {
				toks[i+j].used = true
			}
		}
	}
}

// stripStops removes Chinese stop phrases from a Han run.
func (a *Analyzer) stripStops(s string) string {
	for _, p := range a.dict.stopHan {
		s = strings.ReplaceAll(s, p, " ")
	}
	return strings.Join(strings.Fields(s), " ")
}

// readLatin decides what a Latin word that no English phrase took is:
// pinyin (it splits into syllables), an English word of the dictionary
// (kept as a word: some keywords are English), digits or an acronym kept
// as a word, or pinyin initials with a possibly mistyped pinyin word.
func (a *Analyzer) readLatin(w string, q *Query, han, pys, inis *[]string) {
	switch _, isPinyin := a.py.Syllables(w); {
	case a.dict.english[w]:
		q.English = appendNew(q.English, w)
		*han = append(*han, w)
	case isPinyin && len(w) > 1:
		*pys = append(*pys, w)
	case strings.Trim(w, "0123456789-") == "" || len(w) < 2:
		*han = append(*han, w)
	default:
		*inis = append(*inis, w)
		if len(w) >= 5 {
			*pys = append(*pys, w) // perhaps pinyin with a typo
		}
		*han = append(*han, w) // or an acronym: KTV, CMA
	}
}

// appendNew appends the non-empty values that list lacks.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
