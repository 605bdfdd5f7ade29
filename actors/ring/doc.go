// Package ring is the membership actor (DESIGN.md §6): one per node,
// registered as Name, holding the node's replica of the ring state
// (internal/ring, the pure core) and
//
//   - persisting it in the data directory (FileName; written to a
//     temporary file, synced and renamed) before acting on any change;
//     on its first start a node founds a cluster of itself alone;
//   - gossiping it: every GossipInterval a push-pull exchange with one
//     random reachable member, and on every local change a push to every
//     reachable member. Merges are CRDT joins, so lost, duplicated or
//     reordered gossip (ergo delivers at most once) only delays
//     convergence;
//   - detecting failures: a node monitor on every live member; a member
//     whose connection drops is unreachable (Status.Unreachable) until a
//     later tick reconnects. Reachability is this node's view, never ring
//     state: marking a member Down is an operator's command (MarkDown);
//   - running the claimant's step (core.Ring.Rebalance) every tick when
//     this node is the claimant;
//   - reasserting itself when gossip says it is Down.
//
// Plain Go drives it through Join, Leave, GetStatus, CompleteHandoff,
// MarkDown and ForceRemove (Direct calls). Data handoff is not here: the
// handoff manager moves a partition's records, then calls
// CompleteHandoff on the owner.
package ring
