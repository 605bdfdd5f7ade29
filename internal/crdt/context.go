package crdt

import (
	"slices"
	"strings"
)

// CausalContext is the set of dots a replica has seen, kept compact: per
// actor a version vector entry max (every Seq in 1..max is present) plus a
// dot cloud of the seen sequence numbers above max+1. The representation is
// canonical, so equal sets of dots have equal contexts and encodings. The
// zero value is the empty context; a nil *CausalContext reads as empty.
type CausalContext struct {
	actors []ctxActor // sorted by name, none empty
}

type ctxActor struct {
	name  string
	max   uint64   // every Seq in 1..max is present
	cloud []uint64 // sorted, each > max+1
}

// find returns the index of actor in c.actors, or where to insert it, and
// whether it is present.
func (c *CausalContext) find(actor string) (int, bool) {
	if len(c.actors) <= 8 { // records have a few actors: scan them
		for i := range c.actors {
			if name := c.actors[i].name; name >= actor {
				return i, name == actor
			}
		}
		return len(c.actors), false
	}
	return slices.BinarySearchFunc(c.actors, actor, func(a ctxActor, n string) int {
		return strings.Compare(a.name, n)
	})
}

// Contains reports whether d has been seen.
func (c *CausalContext) Contains(d Dot) bool {
	if c == nil {
		return false
	}
	i, ok := c.find(d.Actor)
	if !ok {
		return false
	}
	return c.actors[i].has(d.Seq)
}

// has reports whether the actor's dot with sequence number seq is seen.
func (a *ctxActor) has(seq uint64) bool {
	if seq <= a.max {
		return seq > 0
	}
	_, ok := slices.BinarySearch(a.cloud, seq)
	return ok
}

// Next returns the dot that actor's next event should take: one past the
// highest sequence number seen for actor. It does not record the dot.
func (c *CausalContext) Next(actor string) Dot {
	d := Dot{Actor: actor, Seq: 1}
	if c == nil {
		return d
	}
	if i, ok := c.find(actor); ok {
		a := &c.actors[i]
		d.Seq = a.max + 1
		if n := len(a.cloud); n > 0 {
			d.Seq = a.cloud[n-1] + 1
		}
	}
	return d
}

// next records and returns the next dot of actor.
func (c *CausalContext) next(actor string) Dot {
	d := c.Next(actor)
	c.Add(d)
	return d
}

// Add records d, compacting the actor's entry. Dots with Seq 0 are ignored.
func (c *CausalContext) Add(d Dot) {
	if d.Seq == 0 {
		return
	}
	i, ok := c.find(d.Actor)
	if !ok {
		c.actors = slices.Insert(c.actors, i, ctxActor{name: d.Actor})
	}
	a := &c.actors[i]
	if d.Seq <= a.max {
		return
	}
	j, found := slices.BinarySearch(a.cloud, d.Seq)
	if found {
		return
	}
	a.cloud = slices.Insert(a.cloud, j, d.Seq)
	a.compact()
}

// compact folds the cloud's contiguous run after max into max.
func (a *ctxActor) compact() {
	n := 0
	for n < len(a.cloud) && a.cloud[n] <= a.max+1 {
		a.max = max(a.max, a.cloud[n])
		n++
	}
	if n > 0 {
		a.cloud = slices.Delete(a.cloud, 0, n)
	}
}

// Merge adds every dot of o to c.
func (c *CausalContext) Merge(o *CausalContext) {
	if o == nil || o == c || len(o.actors) == 0 {
		return
	}
	out := make([]ctxActor, 0, len(c.actors)+len(o.actors))
	i, j := 0, 0
	for i < len(c.actors) || j < len(o.actors) {
		switch {
		case j == len(o.actors) || (i < len(c.actors) && c.actors[i].name < o.actors[j].name):
			out = append(out, c.actors[i])
			i++
		case i == len(c.actors) || o.actors[j].name < c.actors[i].name:
			out = append(out, o.actors[j].clone())
			j++
		default:
			out = append(out, c.actors[i].union(&o.actors[j]))
			i++
			j++
		}
	}
	c.actors = out
}

// union returns the compacted union of two entries for the same actor.
func (a *ctxActor) union(b *ctxActor) ctxActor {
	u := ctxActor{name: a.name, max: max(a.max, b.max)}
	if len(a.cloud)+len(b.cloud) > 0 {
		cloud := make([]uint64, 0, len(a.cloud)+len(b.cloud))
		for _, s := range a.cloud {
			if s > u.max {
				cloud = append(cloud, s)
			}
		}
		for _, s := range b.cloud {
			if s > u.max {
				cloud = append(cloud, s)
			}
		}
		slices.Sort(cloud)
		u.cloud = slices.Compact(cloud)
		u.compact()
	}
	return u
}

func (a ctxActor) clone() ctxActor {
	a.cloud = slices.Clone(a.cloud)
	return a
}

// Includes reports whether c holds every dot of o.
func (c *CausalContext) Includes(o *CausalContext) bool {
	if o == nil {
		return true
	}
	for _, b := range o.actors {
		var a *ctxActor
		if c != nil {
			if i, ok := c.find(b.name); ok {
				a = &c.actors[i]
			}
		}
		switch {
		case a == nil:
			if b.max > 0 || len(b.cloud) > 0 {
				return false
			}
			continue
		case a.max < b.max:
			return false // a lacks a.max+1 ≤ b.max
		}
		for _, s := range b.cloud {
			if !a.has(s) {
				return false
			}
		}
	}
	return true
}

// Clone returns a deep copy of c.
func (c *CausalContext) Clone() *CausalContext {
	out := &CausalContext{}
	if c == nil || len(c.actors) == 0 {
		return out
	}
	out.actors = make([]ctxActor, len(c.actors))
	for i, a := range c.actors {
		out.actors[i] = a.clone()
	}
	return out
}

// Equal reports whether c and o hold the same dots.
func (c *CausalContext) Equal(o *CausalContext) bool {
	var ca, oa []ctxActor
	if c != nil {
		ca = c.actors
	}
	if o != nil {
		oa = o.actors
	}
	return slices.EqualFunc(ca, oa, func(x, y ctxActor) bool {
		return x.name == y.name && x.max == y.max && slices.Equal(x.cloud, y.cloud)
	})
}

// IsEmpty reports whether c holds no dot.
func (c *CausalContext) IsEmpty() bool { return c == nil || len(c.actors) == 0 }

// Max returns the version vector entry of actor: every Seq in 1..Max(actor)
// has been seen.
func (c *CausalContext) Max(actor string) uint64 {
	if c == nil {
		return 0
	}
	if i, ok := c.find(actor); ok {
		return c.actors[i].max
	}
	return 0
}

// contextOf returns a context holding exactly the given dots.
func contextOf(dots ...Dot) *CausalContext {
	c := &CausalContext{}
	for _, d := range dots {
		c.Add(d)
	}
	return c
}
