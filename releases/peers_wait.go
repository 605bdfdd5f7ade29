package releases

import (
	"context"
	"log/slog"
	"time"

	"github.com/fifogo/fifo/actors/replica"
)

// peerWait bounds how long a node in a ring of several members waits at
// start, before the release's start step, for its ring actor to reach the
// other live members. Until then the replica coordinator skips them: a
// name lookup would ask only this node's store, and snarl's first start
// would take a realm this node does not hold a copy of for an empty one
// and fail its quorum writes. A node that takes over in a live upgrade
// (or restarts) hits this at once; its peers are normally back within a
// gossip tick. When they are not (the whole cluster restarting), the
// start goes on after peerWait as before.
const peerWait = 10 * time.Second

// waitForPeers polls the ring until no live member is unreachable, for
// at most budget.
func waitForPeers(ctx context.Context, c *replica.Cluster, log *slog.Logger, budget time.Duration) {
	deadline := time.Now().Add(budget)
	for {
		st, err := c.Status(ctx)
		if err == nil && len(st.Unreachable) == 0 {
			return
		}
		if time.Now().After(deadline) {
			log.Warn("starting while ring members are unreachable", "unreachable", st.Unreachable, "err", err, "waited", budget)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}
