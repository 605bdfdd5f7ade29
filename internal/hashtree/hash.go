package hashtree

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
)

// Size is the length of a Digest and a Hash, in bytes.
const Size = 16

// Digest identifies a record's value: the caller's choice, usually
// DigestOf the record's bytes. Two replicas hold the same record when
// their digests are equal.
type Digest [Size]byte

// DigestOf returns the first 16 bytes of SHA-256 of a value: the digest
// of a record's (deterministic CBOR) bytes.
func DigestOf(value []byte) Digest {
	s := sha256.Sum256(value)
	return Digest(s[:Size])
}

// Hash is the hash of a tree node, as sent on the wire.
type Hash [Size]byte

// sum is a node's hash while in memory: two lanes of 64 bits, each the sum
// modulo 2^64 of the same lane of every entry hash beneath the node. Sums
// are a multiset hash: order-independent, updated in O(1) per level when
// one entry is added, replaced or removed, without rehashing siblings. An
// empty node is zero. Entry hashes come from SHA-256, so two different
// sets of entries collide with probability about 2^-128 (accidental
// divergence is what anti-entropy looks for; no adversary picks keys).
type sum struct{ a, b uint64 }

func (s sum) add(o sum) sum { return sum{s.a + o.a, s.b + o.b} }
func (s sum) sub(o sum) sum { return sum{s.a - o.a, s.b - o.b} }

// hash is the wire form of s.
func (s sum) hash() Hash {
	var h Hash
	binary.BigEndian.PutUint64(h[:8], s.a)
	binary.BigEndian.PutUint64(h[8:], s.b)
	return h
}

// entryHash hashes one (key, digest) pair: the first 16 bytes of
// SHA-256(uvarint(len(key)) key digest).
func entryHash(key string, d Digest) sum {
	var buf [256]byte
	in := binary.AppendUvarint(buf[:0], uint64(len(key)))
	in = append(in, key...)
	in = append(in, d[:]...)
	s := sha256.Sum256(in)
	return sum{binary.BigEndian.Uint64(s[:8]), binary.BigEndian.Uint64(s[8:16])}
}

// segmentOf returns the segment of key among n (a power of two): the top
// bits of the 64-bit FNV-1a hash of the key, run through the splitmix64
// finaliser so that every bit depends on every byte.
func segmentOf(key string, n int) int {
	h := uint64(14695981039346656037)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	if n == 1 {
		return 0
	}
	return int(h >> (64 - bits.Len(uint(n-1))))
}
