package replica

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/fifogo/fifo/internal/record"
)

// BenchmarkAloneApply compares a node alone writing through the Cluster
// with the same node writing to its store.Local (synced writes, 16
// writers per CPU): the single-node path must cost the same.
func BenchmarkAloneApply(b *testing.B) {
	m := startMemberB(b)
	delta := userB(b)
	for _, c := range []struct {
		name  string
		apply func(id string) error
	}{
		{"cluster", func(id string) error {
			_, err := m.c.Apply(b.Context(), record.BucketUser, id, delta)
			return err
		}},
		{"local", func(id string) error {
			_, err := m.svc.Local().Apply(b.Context(), record.BucketUser, id, delta)
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var n atomic.Int64
			b.SetParallelism(16)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := c.apply(fmt.Sprint(c.name, n.Add(1))); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
