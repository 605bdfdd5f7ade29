// Package hashtree is the hash tree of one ring partition for active
// anti-entropy (DESIGN.md §6): replicas of a partition compare their trees
// and repair the keys that differ, which also repairs the messages ergo
// dropped. It is pure: no I/O, no clock, no ergo.
//
// # Shape
//
// A tree has Options.Segments leaves (segments) and inner nodes of
// Options.Fanout children, so 1024 segments and fanout 32 make three
// levels of 1, 32 and 1024 nodes. A key belongs to segment
// top-bits(FNV-1a(key)) — the same on every node. A segment's hash is the
// sum, lane by lane modulo 2^64, of SHA-256(key, digest) of its entries
// (128 bits), and an inner node's the sum of its children's: a multiset
// hash, so Put and Delete update one path in O(depth) without rehashing
// siblings, and a tree built from a scan equals one kept up to date by
// puts and deletes. The tree keeps every (key, digest) sorted per segment,
// so it can list a segment by itself (about 60 bytes a key plus the key).
//
// # Contract
//
//   - Build from a partition scan (keys strictly increasing, ErrOrder
//     otherwise), then Put on every write and Delete on every delete, with
//     digest = DigestOf(the record's deterministic CBOR): equal records
//     have equal digests on every node.
//   - Compare two replicas with the exchange Diff describes: trade Level
//     messages top down (Top, then Compare and Expand of the nodes that
//     differ), then Segments for the segments that differ, and DiffSegment
//     them. Each message is small: a level is 16 bytes per node asked
//     (512 bytes for one node's 32 children), a segment its keys and
//     digests. Messages carry the sender's shape; trees of different
//     shapes do not compare (ErrShape).
//   - Repair each Difference with a full-state merge both ways (records
//     are CRDTs), then Put the merged digest.
//
// Unmarshal of a message checks what it can on its own (shape, sizes,
// order, each key in its segment) and wraps failures in ErrCorrupt. A Tree
// is not safe for concurrent use.
package hashtree
