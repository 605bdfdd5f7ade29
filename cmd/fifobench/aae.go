package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/actors/aae"
	"github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/record"
	core "github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/supervisors"
)

// The anti-entropy section: replicas that diverge by 10,000 records (as
// after a healed network partition) and converge through periodic
// exchanges alone, timed from the start of the aae actors (trees built
// from scans included) until every replica holds equal bytes for every
// key. Baseline, in the same run: writing those records into one store.
const (
	aaeInterval = 10 * time.Millisecond
	aaePoll     = 50 * time.Millisecond
)

// aaeNode is one in-process node: a store, later an aae actor.
type aaeNode struct {
	node *runtime.Node
	db   *storage.DB
	svc  *store.Service
}

func startAAENodes(dir string, count int) ([]*aaeNode, error) {
	epmd, err := freePort()
	if err != nil {
		return nil, err
	}
	var out []*aaeNode
	for i := range count {
		db, err := storage.Open(filepath.Join(dir, fmt.Sprint(i)), storage.Options{})
		if err != nil {
			stopAAENodes(out)
			return nil, err
		}
		n, err := runtime.Start(context.Background(), runtime.Options{
			Name: fmt.Sprintf("aae%d_%d@127.0.0.1", os.Getpid(), i), Cookie: "bench", EPMDPort: epmd,
			Metrics: runtime.NewMetrics(prometheus.NewRegistry()),
		})
		if err != nil {
			db.Close()
			stopAAENodes(out)
			return nil, err
		}
		svc := store.NewService(db, record.StoreCodec{}, store.NewMetrics(prometheus.NewRegistry()))
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = supervisors.StartApp(ctx, n, svc.App("bench"))
		cancel()
		out = append(out, &aaeNode{node: n, db: db, svc: svc})
		if err != nil {
			stopAAENodes(out)
			return nil, err
		}
	}
	return out, nil
}

func stopAAENodes(ns []*aaeNode) {
	for _, n := range ns {
		n.node.Stop()
		n.db.Close()
	}
}

// settledRing is a ring of names with every partition placed and nothing
// pending, as after the cluster settled.
func settledRing(names []string) (*core.Ring, error) {
	r, err := core.New("bench", 0, names[0])
	if err != nil {
		return nil, err
	}
	for _, n := range names[1:] {
		if err := r.Join(n); err != nil {
			return nil, err
		}
	}
	for range 10 {
		r.Rebalance(core.DefaultN)
		for _, h := range r.Handoffs() {
			if err := r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// storesEqual reports whether every node holds the same bytes under the
// same keys, partition by partition.
func storesEqual(ns []*aaeNode) (bool, error) {
	for p := range ns[0].svc.Partitions() {
		var ref [][]byte
		err := ns[0].svc.FoldPartition(p, func(bucket, id string, v []byte) error {
			ref = append(ref, []byte(bucket+"\x00"+id), bytes.Clone(v))
			return nil
		})
		if err != nil {
			return false, err
		}
		for _, n := range ns[1:] {
			i, same := 0, true
			err := n.svc.FoldPartition(p, func(bucket, id string, v []byte) error {
				if i+1 >= len(ref) || string(ref[i]) != bucket+"\x00"+id || !bytes.Equal(ref[i+1], v) {
					same = false
					return storage.ErrStopScan
				}
				i += 2
				return nil
			})
			if err != nil {
				return false, err
			}
			if !same || i != len(ref) {
				return false, nil
			}
		}
	}
	return true, nil
}

func benchAAE(w io.Writer, dir string, quick bool) error {
	total := 10000
	if quick {
		total = 2000
	}
	ids, recs, err := vmRecords(total)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nAnti-entropy: %d divergent VM records converge by periodic exchanges alone (interval %v, at most %d keys/s repaired,\n"+
		"trees of %d segments; timed from the aae actors' start, tree builds included, until every replica holds equal bytes; poll %v)\n",
		total, aaeInterval, aae.DefaultRepairRate, 1024, aaePoll)
	fmt.Fprintln(w, "nodes\tdivergence\twrite them locally\tconverge\tratio\tkeys repaired\texchanges\t")
	cases := []struct {
		nodes  int
		spread bool
		label  string
	}{
		{2, false, "all on one node"},
		{3, false, "all on one node"},
		{3, true, "each on one of three"},
	}
	for i, c := range cases {
		base, conv, st, err := aaeCase(filepath.Join(dir, fmt.Sprintf("aae%d", i)), c.nodes, c.spread, ids, recs)
		if err != nil {
			return fmt.Errorf("%d nodes, %s: %w", c.nodes, c.label, err)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%.2f\t%d\t%d\t\n", c.nodes, c.label, dur(base), dur(conv), conv.Seconds()/base.Seconds(), st.Repaired, st.Exchanges)
	}
	return nil
}

// aaeCase writes the records (on node 0, or node i%n for record i),
// timing it, then starts anti-entropy on every node and times the
// convergence.
func aaeCase(dir string, count int, spread bool, ids []string, recs [][]byte) (base, conv time.Duration, st aae.Stats, err error) {
	ns, err := startAAENodes(dir, count)
	if err != nil {
		return 0, 0, st, err
	}
	defer stopAAENodes(ns)
	ctx := context.Background()
	res := closedLoop(16, len(ids), func(_, k int) error {
		n := ns[0]
		if spread {
			n = ns[k%count]
		}
		_, err := n.svc.Local().Apply(ctx, record.BucketVM, ids[k], recs[k])
		return err
	})
	if res.Errors > 0 {
		return 0, 0, st, fmt.Errorf("writing the records: %d errors", res.Errors)
	}
	base = res.Elapsed
	var names []string
	for _, n := range ns {
		names = append(names, n.node.Name())
	}
	r, err := settledRing(names)
	if err != nil {
		return 0, 0, st, err
	}
	start := time.Now()
	for i, n := range ns {
		self := names[i]
		a, err := aae.New(aae.Options{Store: n.svc, Interval: aaeInterval, Status: func(context.Context) (ring.Status, error) {
			return ring.Status{Self: self, Ring: r.Clone()}, nil
		}})
		if err != nil {
			return 0, 0, st, err
		}
		if _, err := n.node.Spawn(a.Spec()); err != nil {
			return 0, 0, st, err
		}
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		eq, err := storesEqual(ns)
		if err != nil {
			return 0, 0, st, err
		}
		if eq {
			break
		}
		if time.Now().After(deadline) {
			return 0, 0, st, fmt.Errorf("no convergence in 5 minutes")
		}
		time.Sleep(aaePoll)
	}
	conv = time.Since(start)
	for _, n := range ns {
		s, err := aae.GetStats(ctx, n.node)
		if err != nil {
			return 0, 0, st, err
		}
		st.Repaired += s.Repaired
		st.Exchanges += s.Exchanges
	}
	return base, conv, st, nil
}
