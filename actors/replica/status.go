package replica

import (
	"context"
	"slices"

	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/internal/ring"
)

// Status is a node's view of the cluster, for `fifo cluster status`.
type Status struct {
	// Self is this node's name; Cluster the cluster's.
	Self    string `json:"self"`
	Cluster string `json:"cluster"`
	// Partitions is the ring's partition count; N, R, W the quorums.
	Partitions int `json:"partitions"`
	N          int `json:"n_val"`
	R          int `json:"r"`
	W          int `json:"w"`
	// Members lists every member (Left ones included), by name.
	Members []MemberStatus `json:"members"`
	// Handoffs lists the ownership transfers in progress.
	Handoffs []HandoffStatus `json:"handoffs"`
	// Unreachable lists the live members this node has no connection to.
	Unreachable []string `json:"unreachable"`
	// Hints is the number of hints this node holds for unreachable
	// primaries.
	Hints int `json:"hints"`
}

// MemberStatus is one member as this node sees it.
type MemberStatus struct {
	Name      string `json:"name"`
	Status    string `json:"status"`
	Owned     int    `json:"owned"`
	Reachable bool   `json:"reachable"`
}

// HandoffStatus is one pending ownership transfer.
type HandoffStatus struct {
	Partition int    `json:"partition"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// Status returns this node's view of the cluster, fresh from the ring
// actor.
func (c *Cluster) Status(ctx context.Context) (Status, error) {
	st, err := actorring.GetStatus(ctx, c.node)
	if err != nil {
		return Status{}, err
	}
	r := st.Ring
	s := Status{Self: st.Self, Cluster: r.Cluster(), Partitions: r.Partitions(), N: c.o.N, R: c.o.R, W: c.o.W,
		Members: []MemberStatus{}, Handoffs: []HandoffStatus{}, Unreachable: append([]string{}, st.Unreachable...),
		Hints: c.hints.count()}
	for _, n := range r.MemberNames() {
		m, _ := r.Member(n)
		s.Members = append(s.Members, MemberStatus{Name: n, Status: m.Status.String(), Owned: len(r.Owned(n)),
			Reachable: n == st.Self || (m.Status != ring.Left && !slices.Contains(st.Unreachable, n))})
	}
	for _, h := range r.Handoffs() {
		s.Handoffs = append(s.Handoffs, HandoffStatus{Partition: h.Partition, From: h.From, To: h.To})
	}
	return s, nil
}
