package aae

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/hashtree"
	core "github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/internal/testwait"
	"github.com/fifogo/fifo/supervisors"
)

// setCodec is a small CRDT for tests: a value is a sorted set of
// comma-separated tokens; merge is union (deterministic bytes).
type setCodec struct{}

func (setCodec) Check(v []byte) error {
	if len(v) == 0 {
		return errors.New("empty set")
	}
	return nil
}

func (c setCodec) Merge(old, delta []byte) ([]byte, error) {
	if err := c.Check(delta); err != nil {
		return nil, err
	}
	toks := strings.Split(string(delta), ",")
	if old != nil {
		toks = append(toks, strings.Split(string(old), ",")...)
	}
	slices.Sort(toks)
	return []byte(strings.Join(slices.Compact(toks), ",")), nil
}

const partitions = 8

// member is one node of a test cluster: a store and anti-entropy.
type member struct {
	node *runtime.Node
	db   *storage.DB
	svc  *store.Service
	aae  *Service
	m    *Metrics
}

// startMember starts a node with a store and an aae actor configured by
// mod (Interval -1 unless mod says otherwise: exchanges on demand).
func startMember(t *testing.T, mod func(*Options)) *member {
	t.Helper()
	n := runtimetest.StartNode(t)
	db, err := storage.Open(t.TempDir(), storage.Options{Partitions: partitions})
	if err != nil {
		t.Fatal(err)
	}
	svc := store.NewService(db, setCodec{}, store.NewMetrics(prometheus.NewRegistry()))
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := supervisors.StartApp(c, n, svc.App("test")); err != nil {
		t.Fatal(err)
	}
	m := NewMetrics(prometheus.NewRegistry())
	o := Options{Store: svc, Metrics: m, Interval: -1, Tree: testTree}
	if mod != nil {
		mod(&o)
	}
	a, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Spawn(a.Spec()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.Stop()
		db.Close()
	})
	mb := &member{node: n, db: db, svc: svc, aae: a, m: m}
	testwait.For(t, 60*time.Second, "trees built", func() bool {
		st, err := GetStats(c, n)
		return err == nil && st.Trees == partitions
	})
	return mb
}

// testTree is a small tree shape, so that tests cover several levels.
var testTree = hashtree.Options{Segments: 256, Fanout: 8}

// contents returns every record of a node's store: bucket/id → value.
func contents(t testing.TB, m *member) map[string]string {
	t.Helper()
	out := map[string]string{}
	for p := range partitions {
		err := m.svc.FoldPartition(p, func(bucket, id string, value []byte) error {
			out[bucket+"/"+id] = string(value)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// equalStores reports whether every member holds the same bytes for the
// same keys.
func equalStores(t testing.TB, ms ...*member) bool {
	first := contents(t, ms[0])
	for _, m := range ms[1:] {
		if !maps.Equal(first, contents(t, m)) {
			return false
		}
	}
	return true
}

func apply(t testing.TB, m *member, bucket, id, delta string) {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := m.svc.Local().Apply(c, bucket, id, []byte(delta)); err != nil {
		t.Error(err) // not Fatal: writers run on goroutines
	}
}

// rawPut writes a value straight into a node's database, behind the
// store's back: no write hook sees it (drift only a tree rebuild finds).
func rawPut(t testing.TB, m *member, bucket, id, value string) {
	t.Helper()
	b := m.db.NewBatch()
	if err := b.Put(m.db.PartitionOf(bucket, id), bucket, id, []byte(value)); err != nil {
		t.Fatal(err)
	}
	if err := m.db.Commit(b, true); err != nil {
		t.Fatal(err)
	}
}

// ringOf returns a settled ring of the given nodes: every one Valid,
// partitions balanced, no transfer pending.
func ringOf(t testing.TB, names ...string) *core.Ring {
	t.Helper()
	r, err := core.New("test", partitions, names[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names[1:] {
		if err := r.Join(n); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 {
		r.Rebalance(3)
		for _, h := range r.Handoffs() {
			if err := r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(r.Handoffs()) > 0 {
		t.Fatal("ring did not settle")
	}
	return r
}

// staticRing is an Options.Status that reports r, all reachable.
func staticRing(self string, r *core.Ring) func(context.Context) (ring.Status, error) {
	return func(context.Context) (ring.Status, error) {
		return ring.Status{Self: self, Ring: r.Clone()}, nil
	}
}

func key(i int) string { return fmt.Sprintf("%06d", i) }
