package storage

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// PartitionOf returns the ring partition, in [0, partitions), that owns the
// record (bucket, id).
//
// The function is part of the on-disk and on-wire contract: every node of
// every release must compute the same partition for the same key, so it
// never changes. It is:
//
//	h = first 8 bytes, big-endian, of SHA-1(bucket + "\x00" + id)
//	partition = (h * partitions) >> 64   (a 128-bit product, math/bits.Mul64)
//
// In the spirit of riak_core's chash, partition i owns the i-th of
// `partitions` equal slices of the 64-bit hash space; no modulo bias.
// Test vectors in partition_test.go pin it.
//
// PartitionOf panics if partitions < 1, like a division by zero: the
// partition count comes from the store or the ring, never from user input.
func PartitionOf(bucket, id string, partitions int) int {
	if partitions < 1 {
		panic(fmt.Sprintf("storage: PartitionOf with %d partitions", partitions))
	}
	return partitionOfHash(keyHash(bucket, id), partitions)
}

// PartitionOfName returns the ring partition that owns the unique name
// (bucket, name): the partition whose vnode claims and releases the name
// (DESIGN.md §6, "unique names").
//
// It is deliberately the same function as PartitionOf applied to the name:
// names and ids live in different keyspaces, so a name that equals some id
// collides with nothing, and one hash keeps tools and tests simple. It
// exists as its own name so that callers say which of the two they mean and
// a future change of either is one edit. Panics if partitions < 1.
func PartitionOfName(bucket, name string, partitions int) int {
	return PartitionOf(bucket, name, partitions)
}

// keyHash is the first 8 bytes, big-endian, of SHA-1(bucket 0x00 id).
func keyHash(bucket, id string) uint64 {
	var buf [256]byte
	in := append(buf[:0], bucket...)
	in = append(in, separator)
	in = append(in, id...)
	sum := sha1.Sum(in)
	return binary.BigEndian.Uint64(sum[:8])
}

// partitionOfHash maps a 64-bit hash to [0, n): the high word of h*n.
func partitionOfHash(h uint64, n int) int {
	hi, _ := bits.Mul64(h, uint64(n))
	return int(hi)
}
