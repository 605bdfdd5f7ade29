// Package store is the record store as the applications see it: a Store
// interface (Apply a CRDT delta, Get, Delete, Fold a bucket, claim and
// release unique names) served on one node by one vnode actor per ring
// partition over the node's Pebble database (internal/storage).
//
// Contract:
//
//   - Each partition has a queue of writes and a worker (started by its
//     vnode actor) that applies every queued write as one unsynced commit
//     (in order, visible to reads) and hands each caller's reply to the
//     node's WAL syncer, which syncs the write-ahead log once for
//     everything applied before and then answers (group commit across the
//     node). Before a sync it waits, for at most about one sync's time,
//     while writes are still on their way to it (so a herd of callers
//     answered together is synced together). Callers on this node queue
//     writes directly (Local); callers on other nodes go through the
//     vnode actor.
//     An acknowledged write is on disk: it survives a crash (SIGKILL, or
//     power loss on a disk that honours fsync) at any later moment. Reads
//     may see a write whose acknowledgement is still pending (as Pebble's
//     own synced writes are visible before their fsync returns).
//   - Records are CRDT states: Apply merges a delta into the stored value
//     through a Codec (internal/record in production), so applying the same
//     delta twice, or deltas in any order, converges.
//   - A delta that the codec rejects changes nothing and returns
//     ErrBadValue. A stored value that no longer decodes is quarantined
//     (moved aside, reported by metric and log) and the node keeps serving:
//     reads see it as absent and a later write starts afresh.
//   - Unique names (a user name in a realm, a package name, ...) are index
//     keys claimed through the vnode of the name's partition: ClaimName
//     fails with ErrNameTaken when another id holds it.
//
// Apps never touch Pebble: this interface is the one the replicated ring
// of a later issue serves across nodes.
package store
