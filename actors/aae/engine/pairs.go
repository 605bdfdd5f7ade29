package engine

import (
	"slices"

	"github.com/fifogo/fifo/internal/ring"
)

// Pair is one exchange a node runs: its replica of Partition against
// Peer's.
type Pair struct {
	// Partition is the partition exchanged.
	Partition int
	// Peer is the other replica's node.
	Peer string
}

// Pairs returns the exchanges self initiates on ring r with n replicas:
// for every partition whose preference list holds self, one pair with
// each other member of the list whose name sorts after self's (so each
// pair of replicas is exchanged by one side only), skipping peers that
// down reports (nil: none). Ordered by partition, then peer.
func Pairs(r *ring.Ring, self string, n int, down func(node string) bool) []Pair {
	var out []Pair
	for p := range r.Partitions() {
		pl := r.Preflist(p, n)
		if !slices.Contains(pl, self) {
			continue
		}
		peers := slices.Clone(pl)
		slices.Sort(peers)
		for _, peer := range peers {
			if peer <= self || (down != nil && down(peer)) {
				continue
			}
			out = append(out, Pair{Partition: p, Peer: peer})
		}
	}
	return out
}
