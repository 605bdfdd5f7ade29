package store

import (
	"context"
	"fmt"
	goruntime "runtime"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/storage"
)

// recordCodec is the production codec (releases.RecordCodec, which this
// package cannot import).
type recordCodec struct{}

func (recordCodec) Check(v []byte) error                { return record.Check(v) }
func (recordCodec) Merge(old, d []byte) ([]byte, error) { return record.MergeBytes(old, d) }

// benchVMs returns n encoded VM records (about 610 bytes, as
// cmd/fifobench writes) and their ids.
func benchVMs(b *testing.B, n int) ([]string, [][]byte) {
	ids, recs := make([]string, n), make([][]byte, n)
	for i := range n {
		ids[i] = fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		st := record.Stamp{Actor: "bench", TS: crdt.Timestamp{Wall: 1_764_000_000_000_000_000 + int64(i), Node: "bench"}}
		r, err := record.NewVM(st, record.VM{
			UUID: ids[i], Alias: fmt.Sprintf("web-%d", i), Owner: "4f1c2f3e-org", State: "running",
			VMType: "zone", Dataset: "base64-22.4", Package: "small", Hypervisor: "hv-1",
			CreatedAt: 1764000000, CreatedBy: "admin",
			Config:   map[string]any{"ram": int64(1024), "quota": int64(20), "hostname": fmt.Sprintf("web%d", i)},
			Metadata: map[string]any{"role": "web"},
		})
		if err != nil {
			b.Fatal(err)
		}
		if recs[i], err = record.Marshal(r); err != nil {
			b.Fatal(err)
		}
	}
	return ids, recs
}

// benchLocal runs a Service's workers and WAL syncer without an ergo node
// (what the vnode and WAL actors' Init and Terminate do) over an in-memory
// store, whose WAL syncs cost nothing: the benchmarks measure the CPU and
// allocations of the write path.
func benchLocal(b *testing.B) *Local {
	db, err := storage.Open("bench", storage.Options{InMemory: true})
	if err != nil {
		b.Fatal(err)
	}
	svc := NewService(db, recordCodec{}, NewMetrics(prometheus.NewRegistry()))
	wal := &walSyncer{q: svc.wal}
	wal.Init(nil)
	vnodes := make([]*vnode, len(svc.parts))
	for p := range svc.parts {
		vnodes[p] = newVnode(p, svc, &svc.parts[p])
		vnodes[p].Init(nil)
	}
	b.Cleanup(func() {
		for _, v := range vnodes {
			v.Terminate(nil, "")
		}
		wal.Terminate(nil, "")
		db.Close()
	})
	return svc.Local()
}

// BenchmarkApply measures Local.Apply of new records (creates, whose read
// the key filter answers) and of existing ones (each write applies the
// record again: read, merge that changes nothing, write), from GOMAXPROCS
// and 32×GOMAXPROCS goroutines. The store is in memory, so B/op counts
// the in-memory files' growth too; allocs/op and ns/op are the write
// path's.
func BenchmarkApply(b *testing.B) {
	const n = 1 << 12
	ids, recs := benchVMs(b, n)
	fresh := make([]string, 1<<20) // ids of new records
	for i := range fresh {
		fresh[i] = fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i+n)
	}
	for _, kind := range []string{"new", "update"} {
		for _, par := range []int{1, 32} {
			b.Run(fmt.Sprintf("%s/c=%d", kind, par*goruntime.GOMAXPROCS(0)), func(b *testing.B) {
				l := benchLocal(b)
				ctx := context.Background()
				if kind == "update" {
					for i := range n {
						if _, err := l.Apply(ctx, record.BucketVM, ids[i], recs[i]); err != nil {
							b.Fatal(err)
						}
					}
				}
				var next atomic.Int64
				b.ReportAllocs()
				b.SetParallelism(par)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := int(next.Add(1) - 1)
						id := ids[i%n]
						if kind == "new" {
							id = fresh[i%len(fresh)]
						}
						if _, err := l.Apply(ctx, record.BucketVM, id, recs[i%n]); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}
