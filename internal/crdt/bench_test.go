package crdt

import "testing"

// diverged returns two replicas of SampleMap that each made a few changes.
func diverged() (a, b *ORMap) {
	a, b = SampleMap(), SampleMap()
	a.SetLWW("x", "state", ts(2e18, "x"), []byte("stopped"))
	a.UpdateSet("groupings", func(s *ORSet) ORSet { return s.Add("x", "cluster-c") })
	b.SetLWW("y", "alias", ts(2e18, "y"), []byte("web-02"))
	b.Remove("error")
	b.UpdateMap("resources", func(r *ORMap) ORMap {
		return r.UpdateCounter("vms", func(c *PNCounter) PNCounter { return c.Inc("y", 1) })
	})
	return a, b
}

// benchMerge measures merging src into fresh clones of dst. Clones are made
// in batches outside the timer, so timer switches stay rare.
func benchMerge(b *testing.B, dst, src *ORMap) {
	const batch = 256
	var clones []*ORMap
	b.ReportAllocs()
	for b.Loop() {
		if len(clones) == 0 {
			b.StopTimer()
			for range batch {
				clones = append(clones, dst.Clone())
			}
			b.StartTimer()
		}
		clones[len(clones)-1].Merge(src)
		clones = clones[:len(clones)-1]
	}
}

// BenchmarkMergeORMap merges two replicas of a record that both changed.
func BenchmarkMergeORMap(b *testing.B) {
	x, y := diverged()
	benchMerge(b, x, y)
}

// BenchmarkMergeDeltaORMap merges the delta of one register write.
func BenchmarkMergeDeltaORMap(b *testing.B) {
	x := SampleMap()
	d := x.Clone().SetLWW("x", "state", ts(2e18, "x"), []byte("stopped"))
	benchMerge(b, x, &d)
}

// BenchmarkMergeSameORMap merges a replica that holds nothing new, as
// anti-entropy and read repair mostly do.
func BenchmarkMergeSameORMap(b *testing.B) {
	x := SampleMap()
	benchMerge(b, x, SampleMap())
}

func BenchmarkEncodeORMap(b *testing.B) {
	m := SampleMap()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.MarshalCBOR(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeORMap(b *testing.B) {
	data, err := SampleMap().MarshalCBOR()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var m ORMap
		if err := m.UnmarshalCBOR(data); err != nil {
			b.Fatal(err)
		}
	}
}
