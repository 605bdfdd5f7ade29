package storage

import (
	"fmt"
	"math"
	"testing"
)

// The vectors were computed independently (Python hashlib) from the
// definition in PartitionOf's comment. If this test fails, the partition
// function changed and every existing store and ring would be misrouted.
func TestPartitionOfVectors(t *testing.T) {
	cases := []struct {
		bucket, id string
		n          int
		hash       uint64
		want       int
	}{
		{"vm", "00000000-0000-0000-0000-000000000000", 64, 0xada3edef3c4cacad, 43},
		{"vm", "b1e6f2a4-3c1d-4c55-9d7e-0b8f6a2e1c11", 64, 0xb103b51087d4cedc, 44},
		{"users", "admin", 64, 0xac59163c4a6ca161, 43},
		{"users", "admin", 1, 0xac59163c4a6ca161, 0},
		{"users", "admin", 4096, 0xac59163c4a6ca161, 2757},
		{"packages", "small", 3, 0xaaa6c31179a391e5, 1},
		{"vms", "x", 64, 0xade2f8123eb82d3c, 43},
		{"vm", "sx", 64, 0x608bf5ca2f559271, 24}, // the separator keeps it apart from vms/x
		{"ipranges", "10.0.0.0/24", 1000, 0x5742a698059f1701, 340},
		{"a", "b", 7, 0x4a3dec2d1f824528, 2},
	}
	for _, c := range cases {
		if h := keyHash(c.bucket, c.id); h != c.hash {
			t.Errorf("keyHash(%q, %q) = %#016x, want %#016x", c.bucket, c.id, h, c.hash)
		}
		if got := PartitionOf(c.bucket, c.id, c.n); got != c.want {
			t.Errorf("PartitionOf(%q, %q, %d) = %d, want %d", c.bucket, c.id, c.n, got, c.want)
		}
		if got := PartitionOfName(c.bucket, c.id, c.n); got != c.want {
			t.Errorf("PartitionOfName(%q, %q, %d) = %d, want %d", c.bucket, c.id, c.n, got, c.want)
		}
	}
}

// Long keys do not fit keyHash's stack buffer; the hash must not change.
func TestPartitionOfLongKey(t *testing.T) {
	long := string(make([]byte, 300))
	a := keyHash("b", long)
	b := keyHash("b", long)
	if a != b {
		t.Fatalf("keyHash is not deterministic for long ids: %x != %x", a, b)
	}
	if keyHash("b", long) == keyHash("b", long[:299]) {
		t.Fatal("keyHash ignores the tail of a long id")
	}
}

func TestPartitionOfHashEdges(t *testing.T) {
	for _, n := range []int{1, 2, 3, 64, 4096, 65536} {
		if got := partitionOfHash(0, n); got != 0 {
			t.Errorf("n=%d: hash 0 -> %d, want 0", n, got)
		}
		if got := partitionOfHash(math.MaxUint64, n); got != n-1 {
			t.Errorf("n=%d: hash max -> %d, want %d", n, got, n-1)
		}
		// The first hash of slice i is ceil(i * 2^64 / n); check slice 1.
		if n > 1 {
			start := math.MaxUint64/uint64(n) + 1
			if got := partitionOfHash(start-1, n); got != 0 {
				t.Errorf("n=%d: end of slice 0 -> %d", n, got)
			}
			if got := partitionOfHash(start, n); got != 1 {
				t.Errorf("n=%d: start of slice 1 -> %d", n, got)
			}
		}
	}
}

func TestPartitionOfRange(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 64, 1000, 4096} {
		seen := make(map[int]bool)
		for i := range 20000 {
			p := PartitionOf("vm", fmt.Sprintf("id-%d", i), n)
			if p < 0 || p >= n {
				t.Fatalf("n=%d: PartitionOf = %d out of range", n, p)
			}
			seen[p] = true
		}
		if want := min(n, 20000); n <= 1000 && len(seen) != want {
			t.Errorf("n=%d: only %d partitions hit by 20000 ids", n, len(seen))
		}
	}
}

// A chi-square statistic over 100k ids must stay far below what a skewed
// function gives. For k-1 degrees of freedom the statistic has mean k-1 and
// standard deviation sqrt(2(k-1)); the bound is mean + 6 sd. The ids are
// fixed, so the test is deterministic.
func TestPartitionOfUniform(t *testing.T) {
	const ids = 100000
	for _, n := range []int{16, 64, 1024} {
		counts := make([]int, n)
		for i := range ids {
			counts[PartitionOf("vm", fmt.Sprintf("%08x-uuid-%d", i*2654435761, i), n)]++
		}
		expected := float64(ids) / float64(n)
		chi := 0.0
		for _, c := range counts {
			d := float64(c) - expected
			chi += d * d / expected
		}
		dof := float64(n - 1)
		bound := dof + 6*math.Sqrt(2*dof)
		if chi > bound {
			t.Errorf("n=%d: chi-square %.1f exceeds %.1f", n, chi, bound)
		}
	}
}

func TestPartitionOfPanicsOnZero(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("PartitionOf(…, 0) did not panic")
		}
	}()
	PartitionOf("vm", "x", 0)
}
