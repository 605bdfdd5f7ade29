package rest

import (
	"sync"
	"time"
)

// ttlCache keeps answers for a short time: the sessions of bearer tokens
// and permission answers. It is bounded (a full cache drops an arbitrary
// entry) and generation-stamped: clear empties it and starts a new
// generation, and put refuses an answer fetched during an older one, so
// a write that clears the cache can never be undone by a slow reader
// caching what it fetched before the write. Safe for concurrent use.
type ttlCache[V any] struct {
	ttl time.Duration // <= 0: disabled
	max int

	mu  sync.Mutex
	gen uint64
	m   map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v     V
	until time.Time
}

func newTTLCache[V any](ttl time.Duration, max int) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, max: max, m: make(map[string]ttlEntry[V])}
}

// generation returns the current generation, to hand to put later.
func (c *ttlCache[V]) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns the value under key if it has not expired at now.
func (c *ttlCache[V]) get(key string, now time.Time) (V, bool) {
	var zero V
	if c.ttl <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return zero, false
	}
	if !now.Before(e.until) {
		delete(c.m, key)
		return zero, false
	}
	return e.v, true
}

// put stores v under key until now+ttl, or until limit if that is earlier
// (zero limit: no limit), unless the cache was cleared since gen.
func (c *ttlCache[V]) put(key string, v V, gen uint64, now, limit time.Time) {
	if c.ttl <= 0 || c.max <= 0 {
		return
	}
	until := now.Add(c.ttl)
	if !limit.IsZero() && limit.Before(until) {
		until = limit
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = ttlEntry[V]{v: v, until: until}
}

// clear forgets everything and starts a new generation.
func (c *ttlCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
}

// len returns the number of entries (expired ones included).
func (c *ttlCache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
