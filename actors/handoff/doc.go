// Package handoff moves partitions between nodes when the ring changes
// (DESIGN.md §6): one actor per node (Name) that, every Options.Interval,
// reads the node's ring view and runs the tasks of plan.Tasks one at a
// time:
//
//   - Transfer, for a partition this node owns that the ring plans to
//     another node: it starts recording the keys written to the partition
//     (a store write hook), streams the partition from a snapshot to the
//     next owner's bulk actor (store.MergeRecordsReq: batches of at most
//     Options.BatchRecords records or Options.BatchBytes bytes, one in
//     flight, each retried Options.Retries times, acknowledged only once
//     synced there), its unique names after, then sends the current values
//     of the keys written since the snapshot, pass after pass until a pass
//     finds none (a full scan again if too many were written), completes
//     the handoff in the ring (actors/ring.CompleteHandoff), and sends the
//     keys written meanwhile one last time. Records are CRDT states, so
//     sending one twice is harmless.
//   - Repatriate, for a partition whose records this node holds although
//     it is not in the preference list and nothing is coming to it (the
//     old owner after a completed transfer, a node that left, a fallback
//     that took writes for an unreachable primary): it streams the
//     records to the partition's owner and, batch by batch once the owner
//     acknowledged them, drops each one whose value has not changed since
//     it was read (store.Service.DropIfUnchanged). A write that lands
//     after its record was read survives and goes in the next round, so
//     dropping never loses a write, whatever ring view the writer had.
//
// A failed task (the receiver down, a message lost) is logged, counted and
// retried in a later round from the start; nothing is dropped that was not
// acknowledged. Progress is visible through GetStats (the task in
// progress, records sent) and the metrics fifo_handoffs_total{outcome},
// fifo_handoff_records_total and fifo_handoffs_in_progress.
//
// Use: New(Options) checks the options and returns the Service; its Spec
// is a child for the node's supervisor, started after the store and the
// ring actor. The receiving side needs only the store (its bulk actor).
package handoff
