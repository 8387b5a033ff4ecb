package insights

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
)

// MaxRelated is the most items Related returns.
const MaxRelated = 20

// Association is how strongly applying for one item X goes with applying
// for another item Y.
type Association struct {
	ItemCode string // Y
	// Both is the number of applicants who applied for X and for Y (the
	// pair's support).
	Both int
	// Confidence is P(Y|X): the share of X's applicants who applied for Y.
	Confidence float64
	// Lift is P(Y|X) / P(Y): how much more often X's applicants applied
	// for Y than applicants in general. 1 means no association.
	Lift float64
}

// RankRelated ranks the other items of c by lift, the strongest first;
// ties go to the larger support, then to the item code. A pair needs at
// least minSupport applicants in common, and a lift above 1 (X's
// applicants apply for Y more often than everybody does); the others are
// left out. Because lift divides by Y's own popularity, an item that every
// applicant takes anyway does not outrank the ones specific to X.
func RankRelated(c CoCounts, minSupport int) []Association {
	if c.WithItem == 0 || c.Applicants == 0 {
		return nil
	}
	var out []Association
	for _, o := range c.Others {
		if o.Both < minSupport || o.WithItem == 0 {
			continue
		}
		conf := float64(o.Both) / float64(c.WithItem)
		lift := conf / (float64(o.WithItem) / float64(c.Applicants))
		if lift <= 1 {
			continue
		}
		out = append(out, Association{ItemCode: o.ItemCode, Both: o.Both, Confidence: conf, Lift: lift})
	}
	slices.SortFunc(out, func(a, b Association) int {
		return cmp.Or(cmp.Compare(b.Lift, a.Lift), cmp.Compare(b.Both, a.Both), cmp.Compare(a.ItemCode, b.ItemCode))
	})
	return out
}

// RelatedItem is an item related to another, with the association.
type RelatedItem struct {
	Item *catalog.Item
	Association
}

// Related lists the items that applicants of one item also applied for.
type Related struct {
	Item   *catalog.Item
	Window Window
	// Applicants is how many applied for Item in the window.
	Applicants int
	Items      []RelatedItem
}

// relatedResult is what Related caches per item.
type relatedResult struct {
	w          Window
	applicants int
	ranked     []Association
}

// Related answers "people who applied for code also applied for …": the
// items that the applicants of code applied for within the policy's
// RelatedWindow (180 days) ending now, ranked by [RankRelated]; at most
// limit items (1 to MaxRelated; other values mean 5). It returns
// ErrNoItem for a code that is not in the catalogue.
func (s *Service) Related(ctx context.Context, code string, limit int) (*Related, error) {
	if limit < 1 || limit > MaxRelated {
		limit = 5
	}
	idx, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	it := idx.items[code]
	if it == nil {
		return nil, ErrNoItem
	}
	res, err := s.related(ctx, code)
	if err != nil {
		return nil, err
	}
	out := &Related{Item: it, Window: res.w, Applicants: res.applicants}
	for _, a := range res.ranked {
		if y := idx.items[a.ItemCode]; y != nil {
			out.Items = append(out.Items, RelatedItem{Item: y, Association: a})
		}
		if len(out.Items) == limit {
			break
		}
	}
	return out, nil
}

// related returns the ranked associations of code, from the cache when
// they are fresh.
func (s *Service) related(ctx context.Context, code string) (relatedResult, error) {
	now := s.Now()
	return cachedValue(s.cache, "related|"+code, now, func() (relatedResult, error) {
		w := Last(s.policy.RelatedWindow, now)
		c, err := s.store.CoApplicants(ctx, code, w)
		if err != nil {
			return relatedResult{}, fmt.Errorf("related items of %s: %w", code, err)
		}
		return relatedResult{w: w, applicants: c.WithItem, ranked: RankRelated(c, s.policy.MinSupport)}, nil
	})
}
