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

func BenchmarkMergeORMap(b *testing.B) {
	x, y := diverged()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		dst := x.Clone()
		b.StartTimer()
		dst.Merge(y)
	}
}

func BenchmarkMergeDeltaORMap(b *testing.B) {
	x := SampleMap()
	d := x.Clone().SetLWW("x", "state", ts(2e18, "x"), []byte("stopped"))
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		dst := x.Clone()
		b.StartTimer()
		dst.Merge(&d)
	}
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
