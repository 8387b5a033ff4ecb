package catalog

import (
	"context"
	"sync"
	"time"
)

// Reader finds items and departments; catalogsql.Store implements it.
type Reader interface {
	FindItem(ctx context.Context, code string) (*Item, error)
	FindDepartment(ctx context.Context, code string) (*Department, error)
	FindDepartments(ctx context.Context) ([]*Department, error)
}

// ReadCache is a Reader that keeps the items and departments it has read
// for a while: every application reads its item and department several
// times, and they change rarely. Changes through this instance's
// [Service] clear it at once (wire [ReadCache.Invalidate] to
// [Service.OnChange]); changes by other instances show within the TTL.
// Callers get copies, so they cannot change the cached values.
type ReadCache struct {
	r   Reader
	ttl time.Duration

	mu    sync.Mutex
	items map[string]cachedItem
	depts map[string]cachedDept
}

type cachedItem struct {
	it *Item
	at time.Time
}

type cachedDept struct {
	d  *Department
	at time.Time
}

// NewReadCache returns a cache over r whose entries live for ttl.
func NewReadCache(r Reader, ttl time.Duration) *ReadCache {
	return &ReadCache{r: r, ttl: ttl, items: map[string]cachedItem{}, depts: map[string]cachedDept{}}
}

// Invalidate forgets everything.
func (c *ReadCache) Invalidate() {
	c.mu.Lock()
	clear(c.items)
	clear(c.depts)
	c.mu.Unlock()
}

// FindItem implements Reader; errors (an unknown item) are not cached.
func (c *ReadCache) FindItem(ctx context.Context, code string) (*Item, error) {
	c.mu.Lock()
	e, ok := c.items[code]
	c.mu.Unlock()
	if ok && time.Since(e.at) < c.ttl {
		return e.it.Clone(), nil
	}
	it, err := c.r.FindItem(ctx, code)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.items[code] = cachedItem{it: it.Clone(), at: time.Now()}
	c.mu.Unlock()
	return it, nil
}

// FindDepartment implements Reader.
func (c *ReadCache) FindDepartment(ctx context.Context, code string) (*Department, error) {
	c.mu.Lock()
	e, ok := c.depts[code]
	c.mu.Unlock()
	if ok && time.Since(e.at) < c.ttl {
		d := *e.d
		return &d, nil
	}
	d, err := c.r.FindDepartment(ctx, code)
	if err != nil {
		return nil, err
	}
	cp := *d
	c.mu.Lock()
	c.depts[code] = cachedDept{d: &cp, at: time.Now()}
	c.mu.Unlock()
	return d, nil
}

// FindDepartments implements Reader (not cached: lists are rare).
func (c *ReadCache) FindDepartments(ctx context.Context) ([]*Department, error) {
	return c.r.FindDepartments(ctx)
}
