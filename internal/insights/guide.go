package insights

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
)

// OrderSteps orders items (given in their base order: see [Service.Guide])
// as the steps of a guide, and returns how many pairs of them the data
// ordered.
//
// For every pair that at least minSupport applicants applied for both of
// (by prec, the count of applicants who took one first), the item most of
// them took first must come first. Within those constraints the base
// order is kept: each step is, among the items that no remaining item must
// precede, the one that must precede the earliest item in the base order
// (itself included), so an item that people take before another moves up
// to that one's place rather than the other moving down. When the data
// contradicts itself (A before B before C before A), the remaining item
// with the most net wins over the others goes next.
func OrderSteps(items []string, prec []Precedence, minSupport int) ([]string, int) {
	pos := make(map[string]int, len(items))
	for i, it := range items {
		pos[it] = i
	}
	n := len(items)
	count := make([][]int, n)
	for i := range count {
		count[i] = make([]int, n)
	}
	for _, p := range prec {
		a, okA := pos[p.First]
		b, okB := pos[p.Then]
		if okA && okB && a != b {
			count[a][b] += p.Applicants
		}
	}
	// before[a][b]: the data says a comes before b.
	before := make([][]bool, n)
	for a := range n {
		before[a] = make([]bool, n)
	}
	pairs := 0
	for a := range n {
		for b := a + 1; b < n; b++ {
			ab, ba := count[a][b], count[b][a]
			if ab+ba < minSupport || ab == ba {
				continue
			}
			pairs++
			if ab > ba {
				before[a][b] = true
			} else {
				before[b][a] = true
			}
		}
	}
	return topoOrder(items, before), pairs
}

// topoOrder sorts items so that before[a][b] puts a ahead of b; see
// OrderSteps.
func topoOrder(items []string, before [][]bool) []string {
	n := len(items)
	done := make([]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		pick, key := -1, 0
		for i := range n {
			if done[i] || hasPredecessor(i, before, done) {
				continue
			}
			if k := earliestReach(i, before, done); pick < 0 || k < key {
				pick, key = i, k
			}
		}
		if pick < 0 {
			pick = mostWins(before, done)
		}
		done[pick] = true
		out = append(out, items[pick])
	}
	return out
}

// hasPredecessor reports whether a remaining item must come before i.
func hasPredecessor(i int, before [][]bool, done []bool) bool {
	for j := range before {
		if !done[j] && before[j][i] {
			return true
		}
	}
	return false
}

// earliestReach returns the smallest catalogue position among i and the
// remaining items that i must precede, directly or through others.
func earliestReach(i int, before [][]bool, done []bool) int {
	seen := make([]bool, len(before))
	stack := []int{i}
	seen[i] = true
	least := i
	for len(stack) > 0 {
		a := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		least = min(least, a)
		for b := range before {
			if !done[b] && !seen[b] && before[a][b] {
				seen[b] = true
				stack = append(stack, b)
			}
		}
	}
	return least
}

// mostWins returns the remaining item with the most net wins over the
// remaining others, the earliest in the catalogue among equals.
func mostWins(before [][]bool, done []bool) int {
	pick, best := -1, 0
	for i := range before {
		if done[i] {
			continue
		}
		net := 0
		for j := range before {
			if !done[j] && before[i][j] {
				net++
			}
			if !done[j] && before[j][i] {
				net--
			}
		}
		if pick < 0 || net > best {
			pick, best = i, net
		}
	}
	return pick
}

// Step is one step of a guide.
type Step struct {
	N    int // from 1
	Item *catalog.Item
}

// Guide is a theme as numbered steps.
type Guide struct {
	Theme  *catalog.Theme
	Window Window
	Steps  []Step
	// Ordered is how many pairs of steps the applications ordered; 0
	// means the steps are in the catalogue's order.
	Ordered int
	// Also are items outside the theme that the applicants of its first
	// steps often also applied for, strongest first.
	Also []RelatedItem
}

// maxAlso bounds Guide.Also, and alsoFrom the steps it looks at.
const (
	maxAlso  = 5
	alsoFrom = 5
)

// guideResult is what the cache keeps of a theme's order.
type guideResult struct {
	w       Window
	order   []string
	ordered int
}

// Guide returns theme's items as steps, and the items applicants of its
// first steps also applied for. The steps are ordered by [OrderSteps] over
// the applications of the policy's GuideWindow (365 days) ending now, from
// a base order of the most applied-for items first (in a process, every
// applicant takes the first step and fewer the later ones), then the
// catalogue's order. It returns ErrNoTheme for an unknown theme.
func (s *Service) Guide(ctx context.Context, theme string) (*Guide, error) {
	idx, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	t := idx.themeByKey[theme]
	if t == nil {
		return nil, ErrNoTheme
	}
	res, err := s.guideOrder(ctx, idx, theme)
	if err != nil {
		return nil, err
	}
	g := &Guide{Theme: t, Window: res.w, Ordered: res.ordered}
	inTheme := map[string]bool{}
	for i, code := range res.order {
		g.Steps = append(g.Steps, Step{N: i + 1, Item: idx.items[code]})
		inTheme[code] = true
	}
	also := map[string]Association{}
	for _, st := range g.Steps[:min(len(g.Steps), alsoFrom)] {
		rel, err := s.related(ctx, st.Item.Code)
		if err != nil {
			return nil, err
		}
		for _, a := range rel.ranked {
			if cur, ok := also[a.ItemCode]; !inTheme[a.ItemCode] && (!ok || a.Lift > cur.Lift) {
				also[a.ItemCode] = a
			}
		}
	}
	for _, a := range also {
		if it := idx.items[a.ItemCode]; it != nil {
			g.Also = append(g.Also, RelatedItem{Item: it, Association: a})
		}
	}
	slices.SortFunc(g.Also, func(a, b RelatedItem) int {
		return cmp.Or(cmp.Compare(b.Lift, a.Lift), cmp.Compare(b.Both, a.Both), cmp.Compare(a.ItemCode, b.ItemCode))
	})
	g.Also = g.Also[:min(len(g.Also), maxAlso)]
	return g, nil
}

// guideOrder returns the order of theme's items, from the cache when it
// is fresh.
func (s *Service) guideOrder(ctx context.Context, idx *catalogIndex, theme string) (guideResult, error) {
	now := s.Now()
	var codes []string
	for _, it := range idx.themeItems[theme] {
		codes = append(codes, it.Code)
	}
	key := fmt.Sprintf("guide|%s|%d", theme, idx.revision)
	return cachedValue(s.cache, key, now, func() (guideResult, error) {
		w := Last(s.policy.GuideWindow, now)
		if len(codes) < 2 {
			return guideResult{w: w, order: codes}, nil
		}
		counts, err := s.store.ItemCounts(ctx, w, "", 0)
		if err != nil {
			return guideResult{}, fmt.Errorf("order of theme %s: %w", theme, err)
		}
		applied := map[string]int{}
		for _, c := range counts {
			applied[c.ItemCode] = c.Applications
		}
		slices.SortStableFunc(codes, func(a, b string) int { return cmp.Compare(applied[b], applied[a]) })
		prec, err := s.store.Precedences(ctx, codes, w)
		if err != nil {
			return guideResult{}, fmt.Errorf("order of theme %s: %w", theme, err)
		}
		order, pairs := OrderSteps(codes, prec, s.policy.MinSupport)
		return guideResult{w: w, order: order, ordered: pairs}, nil
	})
}
