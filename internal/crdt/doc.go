// Package crdt holds the conflict-free replicated data types that FiFo
// records are made of: a hybrid logical clock, a last-writer-wins register,
// an add-wins observed-remove set, a positive-negative counter and an
// observed-remove map that nests all of them. It is the pure core under
// internal/record.
//
// # Contract
//
// The package does no I/O, never reads the wall clock (the Clock is handed a
// now function) and keeps no mutable global state. A value is safe for use
// by one goroutine at a time; only Clock is safe for concurrent use.
//
// Every type is a join-semilattice: Merge is commutative, associative and
// idempotent, so replicas converge whatever the order, duplication or loss
// of the states they exchange. Mutators are delta mutators (Almeida, Shoker
// and Baquero, "Delta State Replicated Data Types", 2018): they change the
// receiver and return a small delta d such that the new state equals
// old ⊔ d. Ship deltas instead of whole states; a replica that merges every
// delta of another ends up equal to one that merged its whole state.
//
// # Causality
//
// ORSet, PNCounter and ORMap are dot stores under a CausalContext (a compact
// version vector plus a dot cloud). Each mutation takes a fresh Dot for the
// actor it is given. Two rules keep dots unique, and callers must follow
// them:
//   - an actor name belongs to one sequential writer (for a record, the vnode
//     that applies the write, not a node shared by several writers);
//   - an actor mutates only a state that already holds all of its own earlier
//     dots (its own replica), never a stale copy.
//
// An ORMap has one causal context for its whole tree (riak_dt_map style):
// nested sets, counters and maps are bare dot stores that share the root's
// context. Removing a key is an observed remove of every dot under it, so a
// removed field comes back empty when it is written again, and an update
// concurrent with the removal wins for what it wrote (add-wins).
//
// # Encoding
//
// Every type implements cbor.Marshaler and cbor.Unmarshaler with
// deterministic (core) CBOR: equal states encode to equal bytes. Decoding
// validates sizes, nesting depth and every invariant, and reports malformed
// input as an error wrapping ErrCorrupt; it never panics.
package crdt
