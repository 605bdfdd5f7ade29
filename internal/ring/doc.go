// Package ring is the cluster's ring state as a CRDT that nodes gossip
// (DESIGN.md §6): the members, and for each of a fixed number of
// partitions its owner and planned next owner; the claim function that
// balances partitions over the members; and preference lists, strict and
// sloppy. It is the pure core of riak_core's riak_core_ring,
// riak_core_claim and riak_core_apl in one package: no I/O, no clock, no
// ergo. The membership actor (actors/ring) holds a Ring, persists it,
// gossips it and calls the operations below.
//
// # The lattice
//
// A Ring is the product of join-semilattices, and Merge joins each part,
// so it is commutative, associative and idempotent, and replicas that
// exchange states in any order, with loss and duplication, converge:
//
//   - members: a map from node name to Member{Version, Status}, merged per
//     name; entries are totally ordered by (Version, Status rank) and the
//     greater wins. Ranks: Joining < Valid < Leaving < Down < Left.
//   - for each partition, two max-registers Assign{Epoch, Node}, ordered
//     by (Epoch, Node): owner, and plan (the next owner the claimant chose).
//
// The cluster name and partition count are fixed at creation; rings that
// differ in either do not merge (ErrMismatch). Entries are never deleted:
// a member that left stays as a Left tombstone, so old gossip cannot
// revive it.
//
// # Operations
//
// Every operation reads an entry and writes it one version (member) or
// one epoch (partition) higher, so its effect dominates the state it read
// and survives merges with older gossip:
//
//   - Join, Leave, MarkDown, Reassert, ForceRemove change members (any
//     node may run them; the actor runs Join on a member on behalf of the
//     joiner, which then adopts that member's ring);
//   - Rebalance, the claimant's step: promote Joining members, plan
//     transfers toward Claim's target, reassign partitions of removed
//     owners, retire Leaving members that hold nothing;
//   - CompleteHandoff, run by a partition's owner once its data reached
//     the next owner.
//
// A transfer is pending while plan.Epoch > owner.Epoch (and the plan
// names another node); completing it copies the plan into owner. Two
// planners that raced (each thought itself claimant) wrote plans at the
// same epoch: the greater node name wins everywhere, and a completion of
// the loser's plan, if one happened, still stands in owner (the owner
// register is only written by the node that really handed off, or by a
// forced reassignment at a higher epoch), and the claimant plans again
// from there. The claimant is a convention for less churn, not a
// condition of safety.
//
// # Why a claimant and a pure claim
//
// Claim is a pure function of (where each partition is headed, the Valid
// members, spacing), balanced (⌊P/M⌋ or ⌈P/M⌉ each) and moving the fewest
// partitions a balanced assignment can. Planning needs an actor because
// handoffs take time: the plan records where a partition is going, the
// owner register where it is, and only the owner can say its data has
// arrived. The claimant, the first Valid member by name, applies Claim
// when rings have converged, as riak_core's claimant does.
//
// # Preference lists
//
// Preflist(p, n) walks the ring from p, listing distinct live owners: n
// distinct nodes when there are n live owners. SloppyPreflist replaces
// unreachable (or Down) primaries by fallbacks, each tagged with the
// primary it stands in for (the hint for hinted handoff). Reachability is
// the caller's local view (node monitors), never ring state.
//
// # Encoding
//
// Marshal writes deterministic CBOR (equal rings, equal bytes); Unmarshal
// checks every invariant and wraps failures in ErrCorrupt.
package ring
