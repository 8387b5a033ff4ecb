package insights

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
)

// MaxPopular is the most items Popular returns.
const MaxPopular = 50

// Popular is an item with the applications it received in the window.
type Popular struct {
	Rank         int // from 1
	Item         *catalog.Item
	Applications int
}

// Ranking is a list of popular items and the window it counts.
type Ranking struct {
	Window     Window
	Department *catalog.Department // nil for the whole catalogue
	Items      []Popular
}

// Popular ranks the items of department ("" for all) by the applications
// submitted for them in the policy's PopularWindow (30 days) ending now,
// most first, ties by item code; at most limit items (1 to MaxPopular;
// other values mean 10). Items that nobody applied for are not listed. An
// unknown department is an errs.Invalid error on the field "department".
func (s *Service) Popular(ctx context.Context, department string, limit int) (*Ranking, error) {
	if limit < 1 || limit > MaxPopular {
		limit = 10
	}
	idx, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	r := &Ranking{}
	if department != "" {
		if r.Department, err = idx.department(department); err != nil {
			return nil, err
		}
	}
	now := s.Now()
	type result struct {
		w      Window
		counts []ItemCount
	}
	res, err := cachedValue(s.cache, "popular|"+department, now, func() (result, error) {
		w := Last(s.policy.PopularWindow, now)
		counts, err := s.store.ItemCounts(ctx, w, department, MaxPopular)
		if err != nil {
			return result{}, fmt.Errorf("popular items: %w", err)
		}
		return result{w: w, counts: counts}, nil
	})
	if err != nil {
		return nil, err
	}
	r.Window = res.w
	for _, c := range res.counts {
		it := idx.items[c.ItemCode]
		if it == nil {
			continue
		}
		r.Items = append(r.Items, Popular{Rank: len(r.Items) + 1, Item: it, Applications: c.Applications})
		if len(r.Items) == limit {
			break
		}
	}
	return r, nil
}
