package plan

import (
	"slices"

	"github.com/fifogo/fifo/internal/ring"
)

// Kind is what a task does.
type Kind uint8

const (
	// Transfer streams a partition this node owns to the next owner the
	// ring planned, then completes the handoff in the ring.
	Transfer Kind = iota + 1
	// Repatriate streams the records a node holds of a partition that is
	// no longer its to hold (not in its preference list, not coming to
	// it) to the partition's owner, and drops each record the owner has
	// acknowledged, unless it changed meanwhile.
	Repatriate
)

// String names the kind for logs and stats.
func (k Kind) String() string {
	switch k {
	case Transfer:
		return "transfer"
	case Repatriate:
		return "repatriate"
	}
	return "none"
}

// Task is one thing to do about one partition.
type Task struct {
	// Kind is what to do.
	Kind Kind
	// Partition is the partition.
	Partition int
	// Epoch is the transfer's epoch (Transfer only), for CompleteHandoff.
	Epoch uint64
	// To is the node that receives the records.
	To string
}

// Tasks returns what self must do on ring r with n replicas, transfers
// first (by partition), then repatriations (by partition):
//
//   - a Transfer for every pending handoff whose current owner is self;
//   - a Repatriate for every partition that holds(p) reports data for,
//     when self is not in its preference list Preflist(p, n), is not the
//     next owner of a pending transfer and owns no transfer of it; the
//     records go to the partition's owner.
func Tasks(r *ring.Ring, self string, n int, holds func(p int) bool) []Task {
	var out []Task
	coming := map[int]bool{}
	for _, h := range r.Handoffs() {
		switch {
		case h.From == self:
			out = append(out, Task{Kind: Transfer, Partition: h.Partition, Epoch: h.Epoch, To: h.To})
			coming[h.Partition] = true
		case h.To == self:
			coming[h.Partition] = true
		}
	}
	for p := range r.Partitions() {
		if coming[p] || slices.Contains(r.Preflist(p, n), self) {
			continue
		}
		owner := r.Owner(p)
		if owner == self || owner == "" || !holds(p) {
			continue
		}
		out = append(out, Task{Kind: Repatriate, Partition: p, To: owner})
	}
	return out
}
