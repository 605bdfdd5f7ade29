package crdt

import (
	"math"
	"sync"
)

// Clock is a hybrid logical clock (Kulkarni, Demirbas et al., "Logical
// Physical Clocks", 2014). Its readings stay close to physical time, are
// strictly increasing even when the physical clock steps backwards, and
// exceed every timestamp the clock has observed. A Clock is safe for
// concurrent use.
type Clock struct {
	node string
	now  func() int64

	mu   sync.Mutex
	last Timestamp
}

// NewClock returns a clock for node that reads physical time, in Unix
// nanoseconds, from now (for example func() int64 { return
// time.Now().UnixNano() }, or a fake in tests).
func NewClock(node string, now func() int64) *Clock {
	return &Clock{node: node, now: now, last: Timestamp{Node: node}}
}

// Node returns the node name stamped on the clock's readings.
func (c *Clock) Node() string { return c.node }

// Now returns a reading greater than every earlier reading of c and every
// timestamp c has observed.
func (c *Clock) Now() Timestamp {
	pt := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case pt > c.last.Wall:
		c.last.Wall, c.last.Logical = pt, 0
	case c.last.Logical == math.MaxUint32:
		// The logical counter is exhausted: borrow one nanosecond.
		c.last.Wall, c.last.Logical = c.last.Wall+1, 0
	default:
		c.last.Logical++
	}
	return c.last
}

// Observe folds a timestamp received from another clock into c, so that
// every later reading of c is greater than ts. A reading far in the future
// pushes c ahead with it; callers that distrust peers bound ts first.
func (c *Clock) Observe(ts Timestamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ts.Wall > c.last.Wall || (ts.Wall == c.last.Wall && ts.Logical > c.last.Logical) {
		c.last.Wall, c.last.Logical = ts.Wall, ts.Logical
	}
}
