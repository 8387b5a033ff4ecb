package catalogsearch

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

//go:embed synonyms.txt
var synonymsFile string

// Dictionary is the synonym table and the stop phrases of [synonyms.txt],
// normalised. It is read-only after [ParseDictionary].
type Dictionary struct {
	// synonyms are the phrases with their expansions, longest phrase
	// first.
	synonyms []synonym
	// stopHan are the Chinese stop phrases, longest first; stopLatin the
	// English ones as word sequences, longest first.
	stopHan   []string
	stopLatin [][]string
	// english are the words of the English phrases, for telling English
	// from pinyin and for correcting misspelt English words.
	english map[string]bool
}

// synonym is one phrase of a synonyms line and the terms it adds.
type synonym struct {
	phrase string   // normalised; Chinese phrases match as substrings
	words  []string // the phrase's words when it is Latin, else nil
	terms  []string
}

// ParseDictionary reads a synonyms file (the format is described at the
// top of synonyms.txt), normalising every phrase and term with n.
func ParseDictionary(text string, n *Normalizer) (*Dictionary, error) {
	d := &Dictionary{english: map[string]bool{}}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "stop:"); ok {
			for _, p := range splitList(rest, n) {
				if hasHan(p) {
					d.stopHan = append(d.stopHan, p)
				} else {
					d.stopLatin = append(d.stopLatin, strings.Fields(p))
				}
			}
			continue
		}
		lhs, rhs, ok := strings.Cut(line, "=>")
		phrases, terms := splitList(lhs, n), splitList(rhs, n)
		if !ok || len(phrases) == 0 || len(terms) == 0 {
			return nil, fmt.Errorf("synonyms line %d: want `phrases => terms`: %q", i+1, line)
		}
		for _, p := range phrases {
			s := synonym{phrase: p, terms: terms}
			if !hasHan(p) {
				s.words = strings.Fields(p)
				for _, w := range s.words {
					d.english[w] = true
				}
			}
			d.synonyms = append(d.synonyms, s)
		}
	}
	sort.SliceStable(d.synonyms, func(i, j int) bool { return len(d.synonyms[i].phrase) > len(d.synonyms[j].phrase) })
	sort.SliceStable(d.stopHan, func(i, j int) bool { return len(d.stopHan[i]) > len(d.stopHan[j]) })
	sort.SliceStable(d.stopLatin, func(i, j int) bool { return len(d.stopLatin[i]) > len(d.stopLatin[j]) })
	for _, ws := range d.stopLatin {
		for _, w := range ws {
			d.english[w] = true
		}
	}
	return d, nil
}

// splitList splits a comma-separated list and normalises its entries.
func splitList(s string, n *Normalizer) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = n.Normalize(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// correctEnglish returns the English word of the dictionary that w is a
// small misspelling of (one edit for words of 4 to 7 letters, two for
// longer ones), or "" when there is none or more than one equally close.
func (d *Dictionary) correctEnglish(w string) string {
	if len(w) < 4 || d.english[w] {
		return ""
	}
	limit := 1
	if len(w) >= 8 {
		limit = 2
	}
	best, bestDist, ties := "", limit+1, 0
	for e := range d.english {
		if len(e) < 4 || abs(len(e)-len(w)) > limit {
			continue
		}
		switch dist := editDistance(w, e, limit); {
		case dist < bestDist:
			best, bestDist, ties = e, dist, 1
		case dist == bestDist:
			ties++
		}
	}
	if ties != 1 {
		return ""
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance returns the Damerau–Levenshtein distance (with adjacent
// transpositions) of a and b, or limit+1 when it exceeds limit.
func editDistance(a, b string, limit int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}
