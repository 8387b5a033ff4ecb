package approval

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Decision returns a stored decision and its item to the item's
// department's staff (those who may replay it).
func (s *Service) Decision(ctx context.Context, actor *identity.Account, id string) (*Decision, *catalog.Item, error) {
	dec, err := s.d.Store.FindDecision(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	it, err := s.d.Catalog.FindItem(ctx, dec.ItemCode)
	if err != nil {
		return nil, nil, fmt.Errorf("item of decision %s: %w", dec.ID, err)
	}
	if err := mayTry(actor, it.Department, false); err != nil {
		return nil, nil, err
	}
	return dec, it, nil
}

// Item returns a service item of the catalogue (public data), for the
// pages that name the items of rule sets.
func (s *Service) Item(ctx context.Context, code string) (*catalog.Item, error) {
	return s.d.Catalog.FindItem(ctx, code)
}

// MayAuthor reports whether actor may write and publish the rules of the
// department, for showing the forms; the service decides.
func MayAuthor(actor *identity.Account, department string) bool {
	return mayAuthor(actor, department) == nil
}

// MayTry reports whether actor may view and test-run the rules of the
// department, for showing the forms; the service decides.
func MayTry(actor *identity.Account, department string) bool {
	return mayTry(actor, department, false) == nil
}
