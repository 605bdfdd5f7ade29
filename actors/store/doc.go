// Package store is the record store as the applications see it: a Store
// interface (Apply a CRDT delta, Get, Delete, Fold a bucket, claim and
// release unique names) served on one node by one vnode actor per ring
// partition over the node's Pebble database (internal/storage).
//
// Contract:
//
//   - Writes are group-committed: a vnode collects the writes that reach it
//     while its previous commit syncs, commits them as one synced batch,
//     and only then answers each caller. An acknowledged write survives a
//     crash of the process (SIGKILL) at any later moment.
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
