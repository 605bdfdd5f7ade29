// Package recbatch is the wire form of batches of records, record keys
// and unique names that cross nodes in bulk: handoff streams a partition
// to its next owner in record batches, anti-entropy fetches the values of
// the keys two replicas disagree on and pushes its own. It is pure: no
// I/O, no ergo.
//
// Every message is deterministic CBOR with a format version first;
// Unmarshal functions check sizes and shapes (non-empty bucket and id, no
// 0x00 in them, counts within MaxItems) and wrap failures in ErrCorrupt, so
// a bad peer cannot make a node decode without bound. The store checks
// the rest (lengths, the partition of every key) when it applies a batch.
package recbatch
