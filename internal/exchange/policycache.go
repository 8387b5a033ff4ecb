package exchange

import (
	"context"
	"fmt"
	"sync"
)

// policySet is every policy, revoked ones included, by department and
// dataset. It is never modified once built.
type policySet map[[2]string][]*Policy

// of returns the department's policies on the dataset.
func (ps policySet) of(department, dataset string) []*Policy {
	return ps[[2]string{department, dataset}]
}

// policyCache keeps the policies of the revision it read last. Every
// read checks the store's revision first (one small query) and reloads
// the policies when it moved, so a change made through any instance is
// in force for the next read everywhere.
type policyCache struct {
	mu       sync.Mutex
	loaded   bool
	revision int64
	set      policySet
}

// policies returns the current policies.
func (s *Service) policies(ctx context.Context) (policySet, error) {
	rev, err := s.store.PolicyRevision(ctx)
	if err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	c := &s.policyCache
	c.mu.Lock()
	if c.loaded && c.revision == rev {
		set := c.set
		c.mu.Unlock()
		return set, nil
	}
	c.mu.Unlock()
	all, err := s.store.FindPolicies(ctx, PolicyFilter{Revoked: true})
	if err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	// The policies read are at least as new as rev: a change committed
	// since moves the revision again and the next read reloads.
	set := policySet{}
	for _, p := range all {
		k := [2]string{p.Department, p.Dataset}
		set[k] = append(set[k], p)
	}
	c.mu.Lock()
	if !c.loaded || rev >= c.revision {
		c.loaded, c.revision, c.set = true, rev, set
	}
	c.mu.Unlock()
	return set, nil
}
