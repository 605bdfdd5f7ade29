// Package aae is active anti-entropy (DESIGN.md §6): one actor per node
// (Name) keeps a hash tree of every partition of the node's store up to
// date and, periodically, compares its replica of a partition with another
// replica's and repairs the keys they disagree on. It is the backstop that
// makes replicas converge whatever was lost: writes ergo dropped, a node
// that was down or partitioned away, a hinted handoff that never came.
//
// # Trees
//
// The actor registers a write hook on the store (store.AddWriteHook), so
// every applied write updates its partition's tree, then builds every
// tree from a scan of its partition (engine.Trees keeps the writes applied
// during a scan). A tree older than Options.RebuildAfter is built again,
// at most one per round, which catches any drift (a write the hook missed
// while the actor was restarting, bit rot). The trees live in memory: a
// restarted node builds them again.
//
// # Exchanges
//
// Every Options.Interval the node runs one exchange, taking the next pair
// of engine.Pairs in turn (each partition whose preference list holds the
// node, with each other replica whose name sorts after its own, skipping
// unreachable nodes): it walks the two trees level by level (TreeReq to
// the peer's aae actor), then repairs the differing keys in batches of
// Options.RepairBatch, at most Options.RepairRate keys a second: it
// fetches the peer's values (store.FetchRecordsReq to the peer's bulk
// actor), merges them here (store.Service.MergeRecords), and sends its own
// merged values back (store.MergeRecordsReq) for every key the peer lacked
// or held differently. Records are CRDT states and merges are full-state
// joins, so a repair never loses a write on either side, and repeating one
// changes nothing. One exchange runs at a time per node. A message lost or
// late ends the exchange with an error after Options.CallTimeout; the next
// round retries it, so correctness never depends on delivery.
//
// Deletes are expected to be values (tombstones) merged like any record:
// an exchange moves values and never deletes, so a key removed outright
// on one replica is brought back from the other.
//
// # Use
//
// New(Options) checks the options and returns the Service; its Spec is a
// child for the node's supervisor, started after the store and the ring
// actor. Exchange runs one exchange on demand (tests, an operator), Stats
// reads the node's counters. Metrics: fifo_aae_exchanges_total{outcome},
// fifo_aae_repairs_total, fifo_aae_exchange_seconds,
// fifo_aae_tree_builds_total.
package aae
