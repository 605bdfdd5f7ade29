package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/actors/aae"
	"github.com/fifogo/fifo/actors/handoff"
	"github.com/fifogo/fifo/actors/replica"
	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/record"
	core "github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/releases"
	"github.com/fifogo/fifo/supervisors"
)

// The cluster section (issue 5): three in-process nodes, each running the
// store and the cluster application as a release does (ring, replica
// coordinator, anti-entropy every clusterAAEInterval and handoff), joined
// into one settled ring, N=3, R=2, W=2. It measures, in one run:
//
//   - replicated writes: VM records applied through the Cluster, the
//     coordinator rotating over the three nodes, next to the same writes
//     into one node's store (store.Local, synced); medians of `rounds`
//     alternating rounds;
//   - reads through the Cluster (R=2 of 3) of the written records, p50
//     and p99, next to the same gets from the single store;
//   - the time to converge after a healed partition, 10,000 divergent
//     records: the aae section's case of three nodes, all the divergence
//     on one of them (aaeCase).
const (
	clusterNodes       = 3
	clusterWriters     = 16
	clusterAAEInterval = time.Second // the release's [store] aae_interval default
	clusterSettle      = 2 * time.Minute
)

// clusterNode is one in-process member.
type clusterNode struct {
	node *runtime.Node
	db   *storage.DB
	c    *replica.Cluster
}

// startClusterNodes starts count members on one registrar, joins them to
// the first and waits until the ring is settled: every member valid and
// reachable everywhere, every handoff completed (the stores are empty).
func startClusterNodes(dir string, count int) (ns []*clusterNode, err error) {
	epmd, err := freePort()
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			stopClusterNodes(ns)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), clusterSettle)
	defer cancel()
	codec := releases.RecordCodec{}
	for i := range count {
		d := filepath.Join(dir, fmt.Sprint(i))
		db, err := storage.Open(filepath.Join(d, "store"), storage.Options{})
		if err != nil {
			return ns, err
		}
		reg := prometheus.NewRegistry()
		n, err := runtime.Start(context.Background(), runtime.Options{
			Name: fmt.Sprintf("cl%d_%d@127.0.0.1", os.Getpid(), i), Cookie: "bench", EPMDPort: epmd,
			Metrics: runtime.NewMetrics(reg),
		})
		if err != nil {
			db.Close()
			return ns, err
		}
		cn := &clusterNode{node: n, db: db}
		ns = append(ns, cn)
		svc := store.NewService(db, codec, store.NewMetrics(reg))
		if err := supervisors.StartApp(ctx, n, svc.App("bench")); err != nil {
			return ns, err
		}
		if cn.c, err = replica.New(n, svc, codec, replica.Options{DataDir: d}, reg); err != nil {
			return ns, err
		}
		a, err := aae.New(aae.Options{Store: svc, Metrics: aae.NewMetrics(reg), Interval: clusterAAEInterval})
		if err != nil {
			return ns, err
		}
		h, err := handoff.New(handoff.Options{Store: svc, Metrics: handoff.NewMetrics(reg), Interval: 100 * time.Millisecond})
		if err != nil {
			return ns, err
		}
		app := cn.c.App("bench", actorring.Options{DataDir: d, Partitions: db.Partitions(), GossipInterval: 100 * time.Millisecond},
			supervisors.ActorChild(a.Spec()), supervisors.ActorChild(h.Spec()))
		if err := supervisors.StartApp(ctx, n, app); err != nil {
			return ns, err
		}
	}
	for _, n := range ns[1:] {
		if err := n.c.Join(ctx, ns[0].node.Name(), false); err != nil {
			return ns, fmt.Errorf("join %s: %w", n.node.Name(), err)
		}
	}
	for !clusterSettled(ctx, ns) {
		if ctx.Err() != nil {
			return ns, fmt.Errorf("the ring did not settle in %v", clusterSettle)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return ns, nil
}

// clusterSettled reports whether every member sees the same ring of valid,
// reachable members with no handoff pending.
func clusterSettled(ctx context.Context, ns []*clusterNode) bool {
	var first *core.Ring
	for _, n := range ns {
		s, err := actorring.GetStatus(ctx, n.node)
		if err != nil || s.Ring == nil || len(s.Unreachable) > 0 || len(s.Ring.Handoffs()) > 0 {
			return false
		}
		for _, m := range ns {
			if mb, _ := s.Ring.Member(m.node.Name()); mb.Status != core.Valid {
				return false
			}
		}
		if first == nil {
			first = s.Ring
		} else if !s.Ring.Equal(first) {
			return false
		}
	}
	return true
}

func stopClusterNodes(ns []*clusterNode) {
	for _, n := range ns {
		n.node.Stop()
		if n.c != nil {
			n.c.Close()
		}
		n.db.Close()
	}
}

func benchCluster(w io.Writer, dir string, quick bool) error {
	total, reads, divergent := 20000, 50000, 10000
	if quick {
		total, reads, divergent = 2000, 5000, 2000
	}
	ids, recs, err := vmRecords(rounds * total)
	if err != nil {
		return err
	}
	ns, err := startClusterNodes(filepath.Join(dir, "cluster"), clusterNodes)
	if err != nil {
		return err
	}
	defer stopClusterNodes(ns)
	single, err := startStore(filepath.Join(dir, "cluster-single"))
	if err != nil {
		return err
	}
	defer single.stop()
	ctx := context.Background()

	// Round r writes its own records, so that every write creates one.
	var repl, local []loadResult
	for r := range rounds {
		off := r * total
		res := closedLoop(clusterWriters, total, func(_, k int) error {
			_, err := ns[k%len(ns)].c.Apply(ctx, record.BucketVM, ids[off+k], recs[off+k])
			return err
		})
		if res.Errors > 0 {
			return fmt.Errorf("replicated writes: %d errors", res.Errors)
		}
		repl = append(repl, res)
		res = closedLoop(clusterWriters, total, func(_, k int) error {
			_, err := single.st.Apply(ctx, record.BucketVM, ids[off+k], recs[off+k])
			return err
		})
		if res.Errors > 0 {
			return fmt.Errorf("single-store writes: %d errors", res.Errors)
		}
		local = append(local, res)
	}
	rw, lw := median(repl), median(local)

	written := rounds * total
	get := func(get func(i int, id string) error) (loadResult, error) {
		res := closedLoop(clusterWriters, reads, func(_, k int) error {
			i := (k * 7919) % written
			return get(i, ids[i])
		})
		if res.Errors > 0 {
			return res, fmt.Errorf("%d errors", res.Errors)
		}
		return res, nil
	}
	rr, err := get(func(i int, id string) error {
		_, err := ns[i%len(ns)].c.Get(ctx, record.BucketVM, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("replicated reads: %w", err)
	}
	lr, err := get(func(_ int, id string) error {
		_, err := single.st.Get(ctx, record.BucketVM, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("single-store reads: %w", err)
	}
	base, conv, st, err := aaeCase(filepath.Join(dir, "cluster-aae"), clusterNodes, false, ids[:divergent], recs[:divergent])
	if err != nil {
		return fmt.Errorf("convergence: %w", err)
	}

	fmt.Fprintf(w, "\nCluster: %d in-process nodes in one settled ring (N=3, R=2, W=2; anti-entropy every %v, handoff), %d workers,\n"+
		"the coordinator rotating over the nodes; baseline: one node's store (synced writes) in the same run; writes: median of %d rounds\n",
		clusterNodes, clusterAAEInterval, clusterWriters, rounds)
	fmt.Fprintln(w, "measure\treplicated\tp50\tp99\tsingle store\tp50\tp99\tratio\ttarget\t")
	fmt.Fprintf(w, "writes/s (%d VM records)\t%.0f\t%s\t%s\t%.0f\t%s\t%s\t%.2f\t>= 0.35\t\n",
		total, rw.PerSec(), dur(rw.P50), dur(rw.P99), lw.PerSec(), dur(lw.P50), dur(lw.P99), rw.PerSec()/lw.PerSec())
	fmt.Fprintf(w, "gets/s (%d of %d records)\t%.0f\t%s\t%s\t%.0f\t%s\t%s\t%.2f\t\t\n",
		reads, written, rr.PerSec(), dur(rr.P50), dur(rr.P99), lr.PerSec(), dur(lr.P50), dur(lr.P99), rr.PerSec()/lr.PerSec())
	fmt.Fprintf(w, "Convergence after a healed partition: %d records missing on 1 of %d nodes, repaired by anti-entropy alone\n"+
		"(the aae section's case; baseline: writing them into one store)\n", divergent, clusterNodes)
	fmt.Fprintln(w, "converge\ttarget\twrite them\tratio\tkeys repaired\texchanges\t")
	fmt.Fprintf(w, "%s\t<= 10s\t%s\t%.2f\t%d\t%d\t\n", dur(conv), dur(base), conv.Seconds()/base.Seconds(), st.Repaired, st.Exchanges)
	return nil
}
