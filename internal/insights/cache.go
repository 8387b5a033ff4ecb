package insights

import (
	"sync"
	"time"
)

// maxCached bounds the cache; when it is full, it starts again empty.
const maxCached = 2000

// cache keeps computed rankings and indicators for a while, so that a busy
// home page does not group the same applications on every request. Entries
// expire by the service's clock.
type cache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]cached
}

type cached struct {
	value   any
	expires time.Time
}

func newCache(ttl time.Duration) *cache {
	return &cache{ttl: ttl, entries: map[string]cached{}}
}

// get returns the live value stored under key.
func (c *cache) get(key string, now time.Time) (any, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	return e.value, true
}

// put stores value under key until now + ttl.
func (c *cache) put(key string, value any, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCached {
		c.entries = map[string]cached{}
	}
	c.entries[key] = cached{value: value, expires: now.Add(c.ttl)}
}

// cachedValue returns the value under key, computing and storing it with
// fn when there is no live one.
func cachedValue[T any](c *cache, key string, now time.Time, fn func() (T, error)) (T, error) {
	if v, ok := c.get(key, now); ok {
		return v.(T), nil
	}
	v, err := fn()
	if err != nil {
		return v, err
	}
	c.put(key, v, now)
	return v, nil
}
