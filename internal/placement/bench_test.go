package placement

import (
	"fmt"
	"testing"
)

func BenchmarkRank(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		hvs := fleet(n, 1)
		p, err := New(realisticRequest(hvs))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("realistic/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				p.Rank(hvs, uint64(i))
			}
		})
		mem, err := New(Request{RAM: 2048})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("memory-only/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				mem.Rank(hvs, uint64(i))
			}
		})
		b.Run(fmt.Sprintf("baseline-loop/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out := make([]int, 0, len(hvs))
				for i := range hvs {
					if f, ok := hvs[i].Resources["free-memory"].(int64); ok && f >= 2048 {
						out = append(out, i)
					}
				}
				_ = out
			}
		})
	}
}

func BenchmarkNew(b *testing.B) {
	req := realisticRequest(fleet(100, 1))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(req); err != nil {
			b.Fatal(err)
		}
	}
}
