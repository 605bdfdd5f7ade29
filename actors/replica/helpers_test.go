package replica

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/supervisors"
)

// partitions of the test stores.
const partitions = 8

// waitFor polls cond until it holds, failing the test after 60 s.
// A why given is reported with the timeout (the condition sets it).
func waitFor(t testing.TB, what string, cond func() bool, why ...*string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			for _, w := range why {
				what += ": " + *w
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// member is one node of a test cluster.
type member struct {
	node *runtime.Node
	svc  *store.Service
	db   *storage.DB
	c    *Cluster
	app  supervisors.App
	reg  *prometheus.Registry
	dir  string
	// extra makes the cluster application's extra children (anti-entropy,
	// handoff), nil for none; a restart keeps them.
	extra func(svc *store.Service) []supervisors.Child
}

func (m member) name() string { return m.node.Name() }

// startMember starts a node with a store and the cluster application.
func startMember(t testing.TB) member { return restartMember(t, "", t.TempDir(), nil) }

// restartMember starts a node named name (a new name when empty) on the
// data dir dir, with extra's children in the cluster application.
func restartMember(t testing.TB, name, dir string, extra func(svc *store.Service) []supervisors.Child) member {
	t.Helper()
	n := runtimetest.StartNode(t, func(o *runtime.Options) {
		if name != "" {
			o.Name = name
		}
	})
	db, err := storage.Open(dir+"/store", storage.Options{Partitions: partitions})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	svc := store.NewService(db, record.StoreCodec{}, store.NewMetrics(reg))
	c, err := New(n, svc, record.StoreCodec{}, Options{DataDir: dir, Timeout: 3 * time.Second,
		HintInterval: 20 * time.Millisecond}, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	if err := supervisors.StartApp(ctx, n, svc.App("test")); err != nil {
		t.Fatal(err)
	}
	var children []supervisors.Child
	if extra != nil {
		children = extra(svc)
	}
	app := c.App("test", actorring.Options{DataDir: dir, Partitions: partitions, GossipInterval: 20 * time.Millisecond}, children...)
	if err := supervisors.StartApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.Stop()
		c.Close()
		db.Close()
	})
	if _, err := c.current(ctx); err != nil {
		t.Fatal(err)
	}
	return member{node: n, svc: svc, db: db, c: c, app: app, reg: reg, dir: dir, extra: extra}
}

// ringOf returns m's ring.
func ringOf(t *testing.T, m member) actorring.Status {
	t.Helper()
	s, err := actorring.GetStatus(ctxT(t), m.node)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cluster starts k members, joins them to the first, and waits until
// every ring is equal, every member Valid and every handoff completed
// (the test plays the handoff manager: the stores are empty).
func cluster(t *testing.T, k int) []member { return clusterOf(t, k, startMember) }

// clusterOf is cluster with members started by start.
func clusterOf(t *testing.T, k int, start func(testing.TB) member) []member {
	t.Helper()
	ms := make([]member, k)
	for i := range ms {
		ms[i] = start(t)
	}
	for _, m := range ms[1:] {
		if err := m.c.Join(ctxT(t), ms[0].name(), false); err != nil {
			t.Fatalf("join %s: %v", m.name(), err)
		}
	}
	waitFor(t, "a settled ring of valid members", func() bool {
		for _, m := range ms {
			s := ringOf(t, m)
			for _, h := range s.Ring.Handoffs() {
				if h.From == s.Self {
					_ = actorring.CompleteHandoff(ctxT(t), m.node, h.Partition, h.Epoch)
				}
			}
		}
		first := ringOf(t, ms[0])
		if len(first.Ring.Handoffs()) > 0 || len(first.Unreachable) > 0 {
			return false
		}
		for _, m := range ms {
			if mb, _ := first.Ring.Member(m.name()); mb.Status != ring.Valid {
				return false
			}
			s := ringOf(t, m)
			if !s.Ring.Equal(first.Ring) || len(s.Unreachable) > 0 {
				return false
			}
			if v := m.c.view.Load(); v == nil || !v.r.Equal(first.Ring) || len(v.unreachable) > 0 {
				return false
			}
		}
		return true
	})
	return ms
}

// user returns a delta that sets a user's name, stamped by actor at ts.
func user(t testing.TB, actor string, ts int64, name string) []byte {
	t.Helper()
	r := record.New(record.BucketUser)
	d := r.Fields.SetLWW(actor, "name", crdt.Timestamp{Wall: ts, Node: actor}, []byte(name))
	b, err := record.Marshal(&record.Record{Type: r.Type, Schema: r.Schema, Fields: &d})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tsOf is a timestamp of actor z.
func tsOf(wall int64) crdt.Timestamp { return crdt.Timestamp{Wall: wall, Node: "z"} }

// field reads a register of an encoded record.
func field(t *testing.T, b []byte, key string) string {
	t.Helper()
	r, err := record.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := r.Fields.Get(key)
	if !ok {
		return ""
	}
	if v.LWW == nil {
		t.Fatalf("field %s is not a register", key)
	}
	return string(v.LWW.Value)
}

// stored returns what m's own store holds for bucket/id (nil if nothing).
func stored(t *testing.T, m member, bucket, id string) []byte {
	t.Helper()
	v, _, err := m.svc.Lookup(m.svc.PartitionOf(bucket, id), bucket, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// restart starts m again (same name, same data) and waits until the
// others see it reachable.
func restart(t *testing.T, m member, others []member) member {
	t.Helper()
	m = restartMember(t, m.name(), m.dir, m.extra)
	waitFor(t, m.name()+" reachable again", func() bool {
		for _, o := range others {
			if v := o.c.view.Load(); v == nil || v.unreachable[m.name()] {
				return false
			}
		}
		v := m.c.view.Load()
		return v != nil && !v.alone && len(v.unreachable) == 0
	})
	return m
}

// stop stops m's node (and closes its stores) and waits until every
// other member sees it unreachable.
func stop(t *testing.T, m member, others []member) {
	t.Helper()
	m.node.Stop()
	m.node.Wait()
	m.c.Close()
	m.db.Close()
	waitFor(t, m.name()+" unreachable", func() bool {
		for _, o := range others {
			if v := o.c.view.Load(); v == nil || !v.unreachable[m.name()] {
				return false
			}
		}
		return true
	})
}

// startMemberB and userB serve benchmarks.
func startMemberB(b *testing.B) member { return startMember(b) }

func userB(b *testing.B) []byte { return user(b, "a", 1, "ann") }
