package quorum

import "github.com/fifogo/fifo/internal/ring"

// Plan is where one request on partition P goes.
type Plan struct {
	// Primaries is the partition's preference list (ring.Preflist): the
	// replicas that hold the partition's data.
	Primaries []string
	// Targets are the nodes to send to first: the reachable primaries,
	// then one fallback for each unreachable one (ring.SloppyPreflist).
	Targets []ring.Replica
	// Spares are further fallbacks, in order: live members neither a
	// primary nor a target, for primaries that fail while the request
	// runs.
	Spares []string
}

// NewPlan plans a request on partition p of r with n replicas; unreachable
// is the caller's failure detector (nil: every node reachable).
func NewPlan(r *ring.Ring, p, n int, unreachable func(string) bool) Plan {
	primaries := r.Preflist(p, n)
	pl := Plan{Primaries: primaries, Targets: r.SloppyPreflist(p, n, unreachable)}
	used := map[string]bool{}
	for _, x := range primaries {
		used[x] = true
	}
	for _, t := range pl.Targets {
		used[t.Node] = true
	}
	// Further fallbacks in SloppyPreflist's order: owners met walking the
	// ring from p, then the other live members by name.
	live := func(x string) bool {
		m, ok := r.Member(x)
		return ok && m.Status != ring.Left && m.Status != ring.Down && (unreachable == nil || !unreachable(x))
	}
	add := func(x string) {
		if !used[x] && live(x) {
			used[x] = true
			pl.Spares = append(pl.Spares, x)
		}
	}
	owners := r.Owners()
	for k := range owners {
		add(owners[(p+k)%len(owners)])
	}
	for _, x := range r.WithStatus(ring.Joining, ring.Valid, ring.Leaving) {
		add(x)
	}
	return pl
}

// Quorum returns the number of answers a request with quorum q needs on
// this plan: q capped by the preference list (N is capped by the members,
// and so is every quorum).
func (pl Plan) Quorum(q int) int { return max(1, min(q, len(pl.Primaries))) }

// IsPrimary reports whether node is one of the plan's primaries.
func (pl Plan) IsPrimary(node string) bool {
	for _, x := range pl.Primaries {
		if x == node {
			return true
		}
	}
	return false
}
