// Package storage is the node-local record store: one Pebble database per
// node, its keys laid out by ring partition, bucket and id (DESIGN.md §5, §6).
//
// It knows nothing of actors, CRDTs or CBOR: values are opaque bytes. The
// vnode actors that wrap it (one per owned ring partition) follow this
// contract:
//
//  1. Route: a record lives in partition PartitionOf(bucket, id, n); a
//     unique name in PartitionOfName(bucket, name, n). Every method takes
//     the partition explicitly; the store checks it is in range but leaves
//     the choice to the caller.
//  2. Write: collect one actor turn's writes in a Batch (NewBatch, Put,
//     Delete, PutIndex, DeleteIndex, Quarantine), then Commit(b, true).
//     Only after Commit returns nil is the turn durable: acknowledge then,
//     never before. Concurrent synced commits share their fsync (group
//     commit), so 64 vnodes committing at once cost about one fsync each
//     round. A Batch is not safe for concurrent use; the DB is.
//  3. Read: Get and GetIndex return copies; View hands the value to a
//     callback without a copy, valid only during the call. Scan, ScanIndex,
//     ScanPartition and ScanPartitionIndex read a snapshot taken when they
//     start, in key order, and also hand values over without a copy. The
//     callback usually decodes the value at once, and the copy is not free:
//     with 1 KiB values a scan costs ~180 ns per record without a copy and
//     ~570 ns with one, and a cached point read ~1.6 µs through View but
//     ~5 µs through Get, mostly from the garbage the copies make
//     (BenchmarkScan, BenchmarkGetWarm, on the 2-core build VM).
//     Lookup is Get for read-modify-write: a missing record is (nil,
//     false, nil), not an error. Reads of records that were never written
//     are answered by the key filter below without a search.
//  4. Quarantine: a record that fails to decode is moved aside with
//     Batch.Quarantine (its raw bytes, a reason and a time kept under a
//     quarantine key); the node keeps serving. Options.OnQuarantine fires
//     after the commit, for a metric; Quarantined and QuarantinedCount list
//     and count the entries, DeleteQuarantined drops one.
//  5. Handoff: ScanPartition and ScanPartitionIndex stream a partition;
//     Batch.DeletePartition drops it afterwards.
//
// # Key filter
//
// The DB keeps in memory, per partition, a 64-bit hash of every record key
// it may hold (about 10 bytes a record), so that a Get, View or Lookup of
// a record that does not exist returns at once: a vnode reads every record
// before it merges a write into it, most writes create records, and
// Pebble's bloom filters do not cover the memtables, where a miss costs a
// skiplist search. After Open, a goroutine fills the filter from a scan of
// each partition's record keys (until a partition is filled, its reads
// search Pebble as before); Commit adds a batch's keys before Pebble
// applies it; deleted records keep their hash until the next Open. The
// filter can only be wrong one way: a hash present for a record that is
// gone costs an ordinary read.
//
// Errors wrap the package sentinels (ErrNotFound, ErrInvalidKey,
// ErrPartitionMismatch, ErrClosed, ErrNotStore, ErrCorrupt,
// ErrUnsupportedVersion) with the operation and key; test with errors.Is.
//
// # Key layout
//
// Every key starts with a one-byte keyspace tag. Partitioned keyspaces
// continue with the partition as a big-endian uint16, the bucket, a 0x00
// separator and the id (or unique name):
//
//	records     0x01 | p (2 bytes, big-endian) | bucket | 0x00 | id    -> value
//	index       0x02 | p (2 bytes, big-endian) | bucket | 0x00 | name  -> id
//	quarantine  0x03 | p (2 bytes, big-endian) | bucket | 0x00 | id    -> entry
//	meta        0x00 | "format"                                        -> "fifo-store" | version u16 | partitions u16
//
// Consequences of the layout:
//
//   - All keys of one keyspace and partition are one contiguous range, in
//     partition order (p sorts before p+1), so a partition can be scanned,
//     handed off, deleted or hashed for anti-entropy by range.
//   - Within a partition, keys group by bucket, then sort by id bytes. The
//     separator ends the bucket, so the range of bucket "vm" never holds
//     keys of bucket "vms".
//   - Buckets are 1..MaxBucketLen bytes, ids and names 1..MaxIDLen bytes;
//     none may contain 0x00. Anything else is rejected with ErrInvalidKey.
//
// A quarantine entry's value is: version byte 1, Unix seconds (int64
// big-endian), nanoseconds (uint32 big-endian), uvarint reason length, the
// reason, then the raw bytes to the end.
//
// The meta key fixes the partition count and the layout version
// (FormatVersion) when the store is created; a store can only be reopened
// with the same partition count.
//
// # Testing and measuring
//
// Options.InMemory gives a store that never touches the disk, for tests of
// the code built on it. The bench kit (RawPebbleSyncedWrites,
// EngineSyncedWrites, the batched and read variants) runs the same load on
// bare Pebble and through the engine so a benchmark program can print
// ratios measured in one run; TestBenchKitReport prints them when
// FIFO_STORAGE_BENCH=1.
package storage
