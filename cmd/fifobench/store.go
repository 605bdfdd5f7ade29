package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/releases"
	"github.com/fifogo/fifo/supervisors"
)

// storeNode is a node running the store application, as the all-in-one
// release runs it.
type storeNode struct {
	node *runtime.Node
	epmd uint16 // the registrar port the node serves
	db   *storage.DB
	st   *store.Local
}

func startStore(dir string) (*storeNode, error) {
	db, err := storage.Open(dir, storage.Options{})
	if err != nil {
		return nil, err
	}
	epmd, err := freePort()
	if err != nil {
		return nil, err
	}
	n, err := runtime.Start(context.Background(), runtime.Options{
		Name: fmt.Sprintf("bench%d@127.0.0.1", os.Getpid()), Cookie: "bench", EPMDPort: epmd,
		Metrics: runtime.NewMetrics(prometheus.NewRegistry()),
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	codec := releases.RecordCodec{}
	svc := store.NewService(db, codec, store.NewMetrics(prometheus.NewRegistry()))
	if err := supervisors.StartApp(ctx, n, svc.App("bench")); err != nil {
		n.Stop()
		db.Close()
		return nil, err
	}
	return &storeNode{node: n, epmd: epmd, db: db, st: svc.Local()}, nil
}

func (s *storeNode) stop() {
	s.node.Stop()
	s.db.Close()
}

// vmRecords builds n encoded VM records, the values every write bench
// uses, and returns them with their ids.
func vmRecords(n int) (ids []string, recs [][]byte, err error) {
	clock := crdt.NewClock("bench", func() int64 { return time.Now().UnixNano() })
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		r, err := record.NewVM(record.Stamp{Actor: "bench", TS: clock.Now()}, record.VM{
			UUID: id, Alias: fmt.Sprintf("web-%d", i), Owner: "4f1c2f3e-org", State: "running",
			VMType: "zone", Dataset: "base64-22.4", Package: "small", Hypervisor: "hv-1",
			CreatedAt: 1764000000, CreatedBy: "admin",
			Config:   map[string]any{"ram": int64(1024), "quota": int64(20), "hostname": fmt.Sprintf("web%d", i)},
			Metadata: map[string]any{"role": "web"},
		})
		if err != nil {
			return nil, nil, err
		}
		b, err := record.Marshal(r)
		if err != nil {
			return nil, nil, err
		}
		ids, recs = append(ids, id), append(recs, b)
	}
	return ids, recs, nil
}

// rounds is how many alternating rounds each write figure is the median
// of: the disk's fsync latency drifts, and alternating keeps both sides
// under the same drift.
const rounds = 3

func benchWrites(w io.Writer, dir string, quick bool) error {
	total := 20000
	if quick {
		total = 2000
	}
	ids, recs, err := vmRecords(total)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nStore writes: %d VM records of %d bytes, every write synced; medians of %d alternating rounds\n", total, len(recs[0]), rounds)
	fmt.Fprintln(w, "concurrency\tstore rec/s\tp50\tp99\traw rec/s\traw p99\tratio\traw batch-100 rec/s\tratio\t")
	run := 0
	for _, c := range []int{1, 16, 64} {
		n := total
		if c == 1 {
			n = total / 10
		}
		var st, raw, bat []loadResult
		for r := 0; r < rounds; r++ {
			run++
			rr, err := storage.RawPebbleSyncedWrites(subdir(dir, fmt.Sprintf("raw%d", run)), c, n, recs[0])
			if err != nil {
				return err
			}
			raw = append(raw, fromStorage(rr))
			br, err := storage.RawPebbleBatchedWrites(subdir(dir, fmt.Sprintf("rawb%d", run)), c, n, 100, recs[0])
			if err != nil {
				return err
			}
			bat = append(bat, fromStorage(br))
			sn, err := startStore(filepath.Join(dir, fmt.Sprintf("store%d", run)))
			if err != nil {
				return err
			}
			ctx := context.Background()
			res := closedLoop(c, n, func(_, k int) error {
				_, err := sn.st.Apply(ctx, record.BucketVM, ids[k], recs[k])
				return err
			})
			sn.stop()
			if res.Errors > 0 {
				return fmt.Errorf("store writes at concurrency %d: %d errors", c, res.Errors)
			}
			st = append(st, res)
		}
		s, r, b := median(st), median(raw), median(bat)
		fmt.Fprintf(w, "%d\t%.0f\t%s\t%s\t%.0f\t%s\t%.2f\t%.0f\t%.2f\t\n", c, s.PerSec(), dur(s.P50), dur(s.P99),
			r.PerSec(), dur(r.P99), s.PerSec()/r.PerSec(), b.PerSec(), s.PerSec()/b.PerSec())
	}
	return nil
}

// fromStorage converts the storage bench kit's result.
func fromStorage(r storage.Result) loadResult {
	return loadResult{Ops: r.Records, Elapsed: r.Elapsed, P50: r.P50, P99: r.P99}
}

// median returns the result with the median throughput.
func median(rs []loadResult) loadResult {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b loadResult) int { return cmp.Compare(a.PerSec(), b.PerSec()) })
	return s[len(s)/2]
}

func benchReads(w io.Writer, dir string, quick bool) error {
	total, reads := 20000, 200000
	if quick {
		total, reads = 1000, 5000
	}
	ids, recs, err := vmRecords(total)
	if err != nil {
		return err
	}
	sn, err := startStore(filepath.Join(dir, "reads"))
	if err != nil {
		return err
	}
	defer sn.stop()
	ctx := context.Background()
	if r := closedLoop(64, total, func(_, k int) error {
		_, err := sn.st.Apply(ctx, record.BucketVM, ids[k], recs[k])
		return err
	}); r.Errors > 0 {
		return fmt.Errorf("loading reads: %d errors", r.Errors)
	}
	// The raw baseline reads flushed tables through the block cache; so do we.
	if err := sn.db.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nStore reads: %d random gets of %d VM records (flushed, cached)\n", reads, total)
	fmt.Fprintln(w, "concurrency\tstore gets/s\tp50\tp99\traw pebble gets/s\tratio\t")
	for _, c := range []int{1, 16} {
		// The same data set (flushed, cached) and the same number of gets.
		raw, err := storage.RawPebbleReadsN(subdir(dir, fmt.Sprintf("rawreads%d", c)), c, total, reads, recs[0])
		if err != nil {
			return err
		}
		res := closedLoop(c, reads, func(_, k int) error {
			_, err := sn.st.Get(ctx, record.BucketVM, ids[(k*7919)%total])
			return err
		})
		if res.Errors > 0 {
			return fmt.Errorf("store reads: %d errors", res.Errors)
		}
		fmt.Fprintf(w, "%d\t%.0f\t%s\t%s\t%.0f\t%.2f\t\n", c, res.PerSec(), dur(res.P50), dur(res.P99),
			raw.RecordsPerSec, res.PerSec()/raw.RecordsPerSec)
	}
	return nil
}

// subdir creates and returns dir/name.
func subdir(dir, name string) string {
	p := filepath.Join(dir, name)
	os.MkdirAll(p, 0o700)
	return p
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.0fµs", float64(d)/1e3)
	}
}
