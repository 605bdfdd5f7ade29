package handoff

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/actors/store/recbatch"
	core "github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/internal/testwait"
	"github.com/fifogo/fifo/supervisors"
)

// stubRing is a ring view shared by a test's handoff actors: Status
// reads it, Complete completes a transfer in it and calls onComplete
// first.
type stubRing struct {
	mu         sync.Mutex
	r          *core.Ring
	onComplete func(p int)
}

func (s *stubRing) status(self string) func(context.Context) (ring.Status, error) {
	return func(context.Context) (ring.Status, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return ring.Status{Self: self, Ring: s.r.Clone()}, nil
	}
}

func (s *stubRing) complete(_ context.Context, p int, epoch uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.onComplete != nil {
		s.onComplete(p)
	}
	return s.r.CompleteHandoff(p, epoch)
}

// TestTransferCarriesWritesDuringIt: while partition p (3,000 records)
// streams from a to b, eight writers keep writing to p on a. When the
// transfer completes in the ring, b must already hold every write a
// acknowledged before the completion — the passes over the keys written
// since the scan's snapshot carried them, not anti-entropy (none runs)
// nor a repatriation (a stays a replica, N=2). The writes acknowledged
// after the completion, before the writers stop, reach b too (the pass
// after the completion), except those that land after that pass.
func TestTransferCarriesWritesDuringIt(t *testing.T) {
	na, nb := runtimetest.StartNode(t), runtimetest.StartNode(t)
	stub := &stubRing{}
	r, err := core.New("test", partitions, na.Name())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Join(nb.Name()); err != nil {
		t.Fatal(err)
	}
	r.Rebalance(1)
	r.Rebalance(1)
	hs := r.Handoffs()
	if len(hs) == 0 {
		t.Fatal("no transfer planned")
	}
	p := hs[0].Partition
	var svcs []*store.Service
	for _, node := range []*runtime.Node{na, nb} {
		db, err := storage.Open(t.TempDir(), storage.Options{Partitions: partitions})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { node.Stop(); db.Close() })
		svc := store.NewService(db, setCodec{}, store.NewMetrics(prometheus.NewRegistry()))
		if err := supervisors.StartApp(ctx(t), node, svc.App("test")); err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, svc)
	}
	a, b := svcs[0], svcs[1]
	var ids []string
	for i := 0; len(ids) < 3000; i++ {
		if id := fmt.Sprintf("r%05d", i); storage.PartitionOf("vm", id, partitions) == p {
			ids = append(ids, id)
		}
	}
	loadRecords(t, a, p, ids)

	// Writers on a; each acknowledged token is tagged with whether the
	// transfer had completed in the ring when it was acknowledged.
	var (
		mu        sync.Mutex
		completed bool
		before    = map[string][]string{}
		after     int
	)
	stub.r = r
	stub.onComplete = func(q int) {
		if q == p {
			mu.Lock()
			completed = true
			mu.Unlock()
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id, tok := ids[(i*37+g*101)%len(ids)], fmt.Sprintf("w%d-%d", g, i)
				wc, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := a.Local().Apply(wc, "vm", id, []byte(tok))
				cancel()
				if err != nil {
					continue
				}
				mu.Lock()
				if completed {
					after++
				} else {
					before[id] = append(before[id], tok)
				}
				mu.Unlock()
			}
		}()
	}
	var ha *Service
	for i, n := range []*runtime.Node{na, nb} {
		h, err := New(Options{Store: svcs[i], N: 2, Interval: 10 * time.Millisecond, BatchRecords: 50,
			CallTimeout: 5 * time.Second, Status: stub.status(n.Name()), Complete: stub.complete})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.Spawn(h.Spec()); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			ha = h
		}
	}
	testwait.For(t, 60*time.Second, "the transfer of p completed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return completed && ha.stats().Completed >= 1 && ha.stats().Current.Kind == ""
	})
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	missing, total := 0, 0
	for id, toks := range before {
		v, _, err := b.Lookup(p, "vm", id)
		if err != nil {
			t.Fatal(err)
		}
		have := strings.Split(string(v), ",")
		for _, tok := range toks {
			total++
			if !slices.Contains(have, tok) {
				missing++
			}
		}
	}
	if missing > 0 {
		t.Fatalf("b lacks %d of the %d writes a acknowledged before the completion", missing, total)
	}
	if total < 100 {
		t.Fatalf("only %d writes during the transfer: the test proves little", total)
	}
	for _, id := range ids[:10] {
		if v, ok, _ := b.Lookup(p, "vm", id); !ok || !strings.Contains(string(v), "base") {
			t.Fatalf("record %s on b: %q", id, v)
		}
	}
	t.Logf("%d writes during the transfer reached b before its completion; %d more after it", total, after)
}

// loadRecords writes a base value to every id of partition p of svc.
func loadRecords(t *testing.T, svc *store.Service, p int, ids []string) {
	t.Helper()
	var recs []recbatch.Record
	for _, id := range ids {
		recs = append(recs, recbatch.Record{Bucket: "vm", ID: id, Value: []byte("base")})
	}
	if _, err := svc.MergeRecords(ctx(t), p, recs, nil); err != nil {
		t.Fatal(err)
	}
}
