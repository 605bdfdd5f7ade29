package placement

import (
	"cmp"
	"math"
	"slices"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// candidate is a hypervisor that passed every filter, during ranking.
type candidate struct {
	score int64
	pre   uint64 // the uuid's first 8 bytes, big-endian: most ties end here
	uuid  string // kept here so that the sorted result never goes back to the snapshot
	idx   int32
}

// prefix returns the first 8 bytes of s as a big-endian number, padded
// with zeros: comparing prefixes orders strings as comparing them does,
// up to ties.
func prefix(s string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(s) {
			p |= uint64(s[i])
		}
	}
	return p
}

// member is a hypervisor that runs members of a stack.
type member struct {
	uuid  string
	path  []record.PathElem
	count float64
}

// Rank filters and ranks hvs, a snapshot of the hypervisors, in one pass
// plus one pass over the candidates. seed drives the Random rules: draw it
// from the caller's random source (math/rand/v2's Uint64 will do); the
// same snapshot, in any order, with the same seed gives the same result.
// Rank does not modify hvs. Its cost is linear in len(hvs) (plus sorting
// the candidates), with a constant number of allocations.
func (p *Placer) Rank(hvs []record.Hypervisor, seed uint64) Result {
	res := Result{
		Considered: len(hvs),
		reasons:    p.reasons,
		counts:     make([]int, len(p.reasons)),
		reasonOf:   make([]uint16, len(hvs)),
	}
	cands := make([]candidate, 0, len(hvs))
	var vals []float64 // Scale inputs, len(p.scales) per candidate
	if len(p.scales) > 0 {
		vals = make([]float64, 0, len(hvs)*len(p.scales))
	}
	var members [][]member // per grouping, for stacks
	if len(p.groupings) > 0 {
		members = make([][]member, len(p.groupings))
	}
	buf := make([]string, 0, p.permLen)
	for i := range hvs {
		h := &hvs[i]
		var cluster uint16
		if p.hosts != nil {
			for _, ref := range p.hosts[h.UUID] {
				g := &p.groupings[ref.g]
				if g.stack {
					members[ref.g] = append(members[ref.g], member{h.UUID, h.Path, float64(ref.count)})
				} else if cluster == 0 {
					cluster = g.reason
				}
			}
		}
		if r := p.exclude(h, cluster, &buf); r != 0 {
			res.reasonOf[i] = r
			res.counts[r]++
			continue
		}
		var score int64
		for _, c := range p.points {
			if c.holds(h, p.grants, &buf) {
				score += c.points
			}
		}
		cands = append(cands, candidate{score: score, pre: prefix(h.UUID), uuid: h.UUID, idx: int32(i)})
		for _, c := range p.scales {
			v := c.attr.get(h)
			if v.k != kNum {
				v.n = math.NaN()
			}
			vals = append(vals, v.n)
		}
	}
	p.addScales(cands, vals)
	p.addStacks(hvs, cands, members)
	p.addRandom(cands, seed)
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		if a.pre != b.pre {
			return cmp.Compare(a.pre, b.pre)
		}
		if c := cmp.Compare(a.uuid, b.uuid); c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx)
	})
	res.Candidates = make([]Candidate, len(cands))
	for j, c := range cands {
		res.Candidates[j] = Candidate{Index: int(c.idx), UUID: c.uuid, Score: c.score}
	}
	return res
}

// exclude returns the reason h is not a candidate, or 0. The checks run
// in a fixed order and the first that fails gives the reason:
// virtualisation, memory, networks, clusters, the create permission, then
// the Must and Cant rules in request order.
func (p *Placer) exclude(h *record.Hypervisor, cluster uint16, buf *[]string) uint16 {
	if p.virt != "" && !slices.Contains(h.Virtualisation, p.virt) {
		return p.rVirt
	}
	if p.ram > 0 {
		v := valOf(h.Resources["free-memory"])
		if v.k != kNum {
			return p.rNoMem
		}
		if v.n < float64(p.ram) {
			return p.rMem
		}
	}
	for i := range p.networks {
		if !hasAny(h.Networks, p.networks[i].Tags) {
			return p.rNetwork[i]
		}
	}
	if cluster != 0 {
		return cluster
	}
	if p.grants != nil {
		b := append((*buf)[:0], "hypervisors", h.UUID, "create")
		*buf = b
		if h.UUID == "" || !p.grants.Allowed(b) {
			return p.rPerm
		}
	}
	for _, f := range p.filters {
		if f.rule.holds(h, p.grants, buf) != (f.rule.kind == Must) {
			return f.reason
		}
	}
	return 0
}

// hasAny reports whether have holds any of want.
func hasAny(have, want []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// holds evaluates a Must, Cant or Points rule's condition on h.
func (c *compiledRule) holds(h *record.Hypervisor, grants *perm.Set, buf *[]string) bool {
	if c.cond == Allowed {
		g := c.grants
		if g == nil {
			g = grants
		}
		return c.tmpl.allowed(h, g, buf)
	}
	v := c.attr.get(h)
	return holds(c.cond, &v, &c.op)
}

// addScales adds each Scale rule's share to the candidates' scores.
func (p *Placer) addScales(cands []candidate, vals []float64) {
	n := len(p.scales)
	for s, c := range p.scales {
		lo, hi, ok := bounds(len(cands), func(j int) float64 { return vals[j*n+s] })
		for j := range cands {
			v := vals[j*n+s]
			if !ok || math.IsNaN(v) {
				cands[j].score += min(c.low, c.high)
				continue
			}
			cands[j].score += scaleTo(v, lo, hi, c.low, c.high)
		}
	}
}

// addStacks adds each stack's pull to the candidates' scores: the summed
// distance to the stack's members, mapped from [closest, farthest] onto
// [weight, 0].
func (p *Placer) addStacks(hvs []record.Hypervisor, cands []candidate, members [][]member) {
	var dist []float64
	for g, ms := range members {
		if len(ms) == 0 || !p.groupings[g].stack {
			continue
		}
		if dist == nil {
			dist = make([]float64, len(cands))
		}
		for j, c := range cands {
			h := &hvs[c.idx]
			var d float64
			for _, m := range ms {
				d += m.count * distance(h.UUID, h.Path, m.uuid, m.path)
			}
			dist[j] = d
		}
		lo, hi, _ := bounds(len(cands), func(j int) float64 { return dist[j] })
		for j := range cands {
			cands[j].score += scaleTo(dist[j], lo, hi, p.groupings[g].weight, 0)
		}
	}
}

// addRandom adds each Random rule's draw to the candidates' scores.
func (p *Placer) addRandom(cands []candidate, seed uint64) {
	if len(p.randoms) == 0 {
		return
	}
	seeds := make([]uint64, len(p.randoms))
	for i := range seeds {
		seeds[i] = ruleSeed(seed, i)
	}
	for j := range cands {
		u := hashUUID(cands[j].uuid)
		for i, c := range p.randoms {
			cands[j].score += draw(seeds[i], u, c.low, c.high)
		}
	}
}

// bounds returns the smallest and largest of n values, skipping NaN; ok is
// false when every value is NaN.
func bounds(n int, at func(int) float64) (lo, hi float64, ok bool) {
	for j := range n {
		v := at(j)
		if math.IsNaN(v) {
			continue
		}
		if !ok {
			lo, hi, ok = v, v, true
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi, ok
}

// scaleTo maps v linearly from [lo, hi] onto [low, high], rounded to the
// nearest integer (half away from zero); when lo == hi every value maps
// to low, as in FiFo.
func scaleTo(v, lo, hi float64, low, high int64) int64 {
	if hi <= lo {
		return low
	}
	t := float64((v - lo) / (hi - lo))
	return low + int64(math.Round(float64(t*float64(high-low))))
}
