package placement

import "math/bits"

// The randomness of Random rules comes from the seed given to Rank, not
// from a generator: each rule derives its own stream from the seed, and
// each hypervisor's draw mixes that stream with a hash of its uuid. The
// draws therefore depend on the seed and the uuid only, not on the order
// of the snapshot or on which other hypervisors are in it.

// ruleSeed derives the seed of random rule i from the Rank seed.
func ruleSeed(seed uint64, i int) uint64 {
	return mix64(seed + uint64(i+1)*0x9e3779b97f4a7c15)
}

// hashUUID is FNV-1a of s, without allocating.
func hashUUID(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix64 is the finaliser of SplitMix64: a bijection that spreads every
// input bit over the output.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// draw returns an integer in [low, high) (low when they are equal) from
// the rule's seed and the hypervisor's uuid hash.
func draw(rseed, uuidHash uint64, low, high int64) int64 {
	if high <= low {
		return low
	}
	span := uint64(high - low)
	hi, _ := bits.Mul64(mix64(rseed^uuidHash), span)
	return low + int64(hi)
}
