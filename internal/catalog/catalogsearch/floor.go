package catalogsearch

// The relevance floor. Sound and character-pair matching are tolerant by
// design, and a query about something the catalogue does not offer
// (咖喱鸡块) still shares a syllable pair or a character with a few items
// (代理记账 shares li_ji). Ranking alone cannot tell that such matches are
// noise, because scores are relative to the query. So a query written in
// Chinese, which no synonym explained, keeps only the items whose text
// (name, keywords and themes) holds at least half of its characters, or whose names and keywords
// sound like at least three quarters of its syllables; homophone typos
// (港奥通行证, 架驶证) pass by sound, partial phrasings by characters.

// itemText is what an item's text holds, for the floor.
type itemText struct {
	chars map[rune]bool   // Chinese characters of name, keywords and themes
	pairs map[string]bool // syllable pairs of name and keywords
}

func newItemText(d *doc) itemText {
	t := itemText{chars: map[rune]bool{}, pairs: map[string]bool{}}
	all := append(append([]string{d.Name}, d.Keywords...), d.Themes...)
	for _, s := range all {
		for _, r := range s {
			if isHan(r) {
				t.chars[r] = true
			}
		}
	}
	for _, p := range d.Sound {
		t.pairs[p] = true
	}
	return t
}

// floor is the relevance floor of one query.
type floor struct {
	active bool
	chars  []rune
	pairs  []string
}

func newFloor(q Query) floor {
	f := floor{}
	if len(q.Expansions) > 0 {
		return f // a synonym explained the query
	}
	seen := map[rune]bool{}
	for _, r := range q.Han {
		if isHan(r) && !seen[r] {
			seen[r] = true
			f.chars = append(f.chars, r)
		}
	}
	f.pairs = q.Sound
	f.active = len(f.chars) >= 2
	return f
}

// passes reports whether an item's text is close enough to the query.
func (f floor) passes(t itemText) bool {
	if !f.active {
		return true
	}
	chars := 0
	for _, r := range f.chars {
		if t.chars[r] {
			chars++
		}
	}
	if 2*chars >= len(f.chars) {
		return true
	}
	pairs := 0
	for _, p := range f.pairs {
		if t.pairs[p] {
			pairs++
		}
	}
	return len(f.pairs) > 0 && 2*pairs >= len(f.pairs)
}
