package ring

import (
	"context"

	"github.com/fifogo/fifo/internal/runtime"
)

// The calls below reach the ring actor of node n (Name) from plain Go
// through the runtime's Direct path, with ctx's deadline (or the
// runtime's default).

// Join makes n join the cluster of seed, a member: seed adds n as
// Joining and n adopts the cluster's ring; the claimant then gives n
// partitions. n must not be clustered already (ErrClustered).
func Join(ctx context.Context, n *runtime.Node, seed string) error {
	_, err := n.Call(ctx, Name, joinCmd{seed: seed})
	return err
}

// Leave makes n leave its cluster: it becomes Leaving, its partitions are
// planned away and, once every handoff completed, it is Left.
func Leave(ctx context.Context, n *runtime.Node) error {
	_, err := n.Call(ctx, Name, leaveCmd{})
	return err
}

// GetStatus returns n's view of the cluster.
func GetStatus(ctx context.Context, n *runtime.Node) (Status, error) {
	v, err := n.Call(ctx, Name, statusCmd{})
	if err != nil {
		return Status{}, err
	}
	return v.(Status), nil
}

// CompleteHandoff records on n, the partition's owner, that the transfer
// of partition p at epoch has delivered every record (see
// core.Ring.CompleteHandoff). The handoff manager calls it.
func CompleteHandoff(ctx context.Context, n *runtime.Node, p int, epoch uint64) error {
	_, err := n.Call(ctx, Name, completeCmd{partition: p, epoch: epoch})
	return err
}

// MarkDown marks node Down in n's ring (an operator's command).
func MarkDown(ctx context.Context, n *runtime.Node, node string) error {
	_, err := n.Call(ctx, Name, markDownCmd{node: node})
	return err
}

// ForceRemove removes node from the cluster at once, from n (an
// operator's command for a node that will not come back).
func ForceRemove(ctx context.Context, n *runtime.Node, node string) error {
	_, err := n.Call(ctx, Name, forceRemoveCmd{node: node})
	return err
}
