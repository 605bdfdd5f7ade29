package crdt

// PNCounter is a counter of increments and decrements by many actors. Each
// actor's running totals sit at the actor's latest dot; an increment moves
// them to a fresh dot. Standalone, Merge is the classic pointwise maximum of
// the per-actor totals. Embedded in an ORMap, the dots let a removal of the
// field reset the contributions it observed (see ORMap).
//
// The zero value is a counter at 0. Copies share storage; use Clone.
type PNCounter struct {
	cc   *CausalContext
	dots []dotted[pn]
}

// pn holds one actor's running totals of increments and decrements.
type pn struct{ P, N uint64 }

func (a pn) join(b pn) pn  { return pn{P: max(a.P, b.P), N: max(a.N, b.N)} }
func (a pn) eq(b pn) bool  { return a == b }
func (a pn) value() uint64 { return a.P - a.N }

func (c *PNCounter) init() {
	if c.cc == nil {
		c.cc = &CausalContext{}
	}
}

// Inc adds n on behalf of actor and returns the delta.
func (c *PNCounter) Inc(actor string, n uint64) PNCounter { return c.add(actor, pn{P: n}) }

// Dec subtracts n on behalf of actor and returns the delta.
func (c *PNCounter) Dec(actor string, n uint64) PNCounter { return c.add(actor, pn{N: n}) }

// add moves actor's totals, plus by, to a fresh dot. The delta carries the
// new dot and a context covering the actor's dots it supersedes.
func (c *PNCounter) add(actor string, by pn) PNCounter {
	c.init()
	delta := PNCounter{cc: &CausalContext{}}
	total := by
	rest := make([]dotted[pn], 0, len(c.dots)+1)
	for _, x := range c.dots {
		if x.dot.Actor == actor {
			total.P += x.val.P
			total.N += x.val.N
			delta.cc.Add(x.dot)
			continue
		}
		rest = append(rest, x)
	}
	d := c.cc.next(actor)
	delta.cc.Add(d)
	nd := dotted[pn]{dot: d, val: total}
	c.dots = insertDotted(rest, nd)
	delta.dots = []dotted[pn]{nd}
	return delta
}

// Value returns the sum of all increments minus all decrements. Totals wrap
// modulo 2^64, so the result is exact whenever it fits in an int64.
func (c *PNCounter) Value() int64 {
	var v uint64
	for _, x := range c.dots {
		v += x.val.value()
	}
	return int64(v)
}

// Merge joins o into c.
func (c *PNCounter) Merge(o *PNCounter) {
	c.init()
	c.dots = joinFun(c.dots, o.dots, c.cc, o.cc)
	c.cc.Merge(o.cc)
}

// Clone returns a deep copy of c.
func (c *PNCounter) Clone() *PNCounter {
	return &PNCounter{cc: c.cc.Clone(), dots: c.dots}
}

// Equal reports whether c and o are the same state.
func (c *PNCounter) Equal(o *PNCounter) bool {
	return c.cc.Equal(o.cc) && equalFun(c.dots, o.dots)
}
