package hashtree

import (
	"fmt"
	"testing"
)

// BenchmarkBuild100k builds the tree of a partition of 100,000 records
// from a sorted scan (keys like a store's, digests given) and reports the
// cost per key.
func BenchmarkBuild100k(b *testing.B) {
	const n = 100_000
	keys := make([]string, n)
	digests := make([]Digest, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("vm\x00%036d", i)
		digests[i] = DigestOf([]byte(keys[i]))
	}
	seq := func(yield func(string, Digest) bool) {
		for i, k := range keys {
			if !yield(k, digests[i]) {
				return
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Build(Options{}, seq); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/key")
}

// BenchmarkPut measures an incremental update of a 100,000-key tree: a
// changed digest for an existing key.
func BenchmarkPut(b *testing.B) {
	tr, _ := New(Options{})
	for i := range 100_000 {
		tr.Put(fmt.Sprintf("vm\x00%036d", i), Digest{})
	}
	d := DigestOf([]byte("x"))
	i := 0
	for b.Loop() {
		d[0]++
		tr.Put(fmt.Sprintf("vm\x00%036d", i%100_000), d)
		i++
	}
}
