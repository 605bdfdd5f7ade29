// Package engine is the pure core of active anti-entropy (DESIGN.md §6):
// the hash trees of a node's partitions kept up to date from its applied
// writes (Trees), the exchange that walks two replicas' trees level by
// level to the keys they disagree on (Walk on the initiating side, Answer
// on the other), the choice of which replica pairs a node exchanges with
// (Pairs), and the token bucket that bounds repairs (Limiter). It does no
// I/O, reads no clock and imports no ergo: actors/aae carries its messages
// and runs the repairs.
//
// # Trees and writes
//
// Every key of a partition (bucket 0x00 id, see Key) is in its tree with
// the digest of its stored bytes (hashtree.DigestOf). A tree is built from
// a scan of the partition; writes applied meanwhile are recorded and
// replayed on the new tree when the build finishes, so the caller must
// call BeginBuild before it takes the scan's snapshot and report every
// write (Put, Delete) from then on. Until its first build a partition has
// no tree and exchanges of it fail with ErrNotReady; during a rebuild the
// old tree keeps serving.
//
// # The exchange
//
// The initiator sends its root (hashtree.Tree.Top); the other side
// compares it with its own and answers, for the nodes that differ, its
// hashes of their children; the initiator compares those with its own and
// asks again about the children that still differ, down to the segments,
// for which the other side answers with the segments' keys and digests.
// The initiator diffs them with its own (hashtree.Tree.DiffSegment): the
// result is exactly the keys on one side only or with different digests
// (up to writes applied during the walk, which the next exchange sees).
// Each reply is bounded: at most MaxSegmentsPerQuery segments.
package engine
