package handoff

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	core "github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/internal/testwait"
	"github.com/fifogo/fifo/supervisors"
)

// setCodec: a value is a sorted set of comma-separated tokens; merge is
// union.
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

const partitions = 16

// member is a node with a store, a ring actor and a handoff actor that
// keeps one replica per partition (N=1: only the owner holds data, so no
// replica can hide a record that handoff lost).
type member struct {
	node *runtime.Node
	svc  *store.Service
	m    *Metrics
}

func startMember(t *testing.T) *member {
	t.Helper()
	n := runtimetest.StartNode(t)
	db, err := storage.Open(t.TempDir(), storage.Options{Partitions: partitions})
	if err != nil {
		t.Fatal(err)
	}
	svc := store.NewService(db, setCodec{}, store.NewMetrics(prometheus.NewRegistry()))
	c := ctx(t)
	if err := supervisors.StartApp(c, n, svc.App("test")); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Spawn(ring.Spec(ring.Options{DataDir: t.TempDir(), Partitions: partitions, GossipInterval: 20 * time.Millisecond})); err != nil {
		t.Fatal(err)
	}
	m := NewMetrics(prometheus.NewRegistry())
	h, err := New(Options{Store: svc, Metrics: m, N: 1, Interval: 20 * time.Millisecond, BatchRecords: 50, CallTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Spawn(h.Spec()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.Stop()
		db.Close()
	})
	testwait.For(t, 60*time.Second, "ring loaded", func() bool { _, err := ring.GetStatus(c, n); return err == nil })
	return &member{node: n, svc: svc, m: m}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// settled reports whether every member has the same ring, no transfer is
// pending, the statuses are want, and no node holds records of a
// partition it does not own (every repatriation done).
func settled(t *testing.T, ms []*member, want map[string]core.Status) bool {
	t.Helper()
	var first *core.Ring
	for _, m := range ms {
		st, err := ring.GetStatus(context.Background(), m.node)
		if err != nil {
			return false
		}
		if first == nil {
			first = st.Ring
		} else if !st.Ring.Equal(first) {
			return false
		}
	}
	if len(first.Handoffs()) > 0 {
		return false
	}
	for n, s := range want {
		if got, ok := first.Member(n); !ok || got.Status != s {
			return false
		}
	}
	for _, m := range ms {
		for p := range partitions {
			if first.Owner(p) != m.node.Name() && holdsAny(m, p) {
				return false
			}
		}
	}
	return true
}

func holdsAny(m *member, p int) bool {
	found := false
	_ = m.svc.FoldPartition(p, func(string, string, []byte) error { found = true; return storage.ErrStopScan })
	_ = m.svc.FoldPartitionNames(p, func(string, string, string) error { found = true; return storage.ErrStopScan })
	return found
}

// writer writes through coordinator: each write goes to the owner of its
// key's partition in the coordinator's ring view (N=1), and is recorded
// as acknowledged once the owner's vnode answered (synced).
type writer struct {
	coord *runtime.Node
	mu    sync.Mutex
	acked map[string][]string // id → tokens acknowledged
	fails int
	n     int
}

func (w *writer) write(i int) {
	id, tok := fmt.Sprintf("k%03d", i%300), fmt.Sprintf("t%05d", i)
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := ring.GetStatus(c, w.coord)
	if err == nil {
		p := storage.PartitionOf("vm", id, partitions)
		owner := st.Ring.Preflist(p, 1)[0]
		_, err = w.coord.Call(c, runtime.ProcessID{Name: store.VnodeName(p), Node: owner}, store.ApplyReq{Bucket: "vm", ID: id, Delta: []byte(tok)})
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	if err != nil {
		w.fails++
		return
	}
	w.acked[id] = append(w.acked[id], tok)
}

// run writes until stop is closed.
func (w *writer) run(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		w.write(i)
	}
}

// check fails t unless every acknowledged token is in the record held by
// the owner of its partition.
func (w *writer) check(t *testing.T, ms []*member) {
	t.Helper()
	st, err := ring.GetStatus(context.Background(), ms[0].node)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*member{}
	for _, m := range ms {
		byName[m.node.Name()] = m
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	lost := 0
	for id, toks := range w.acked {
		p := storage.PartitionOf("vm", id, partitions)
		owner := byName[st.Ring.Owner(p)]
		v, _, err := owner.svc.Lookup(p, "vm", id)
		if err != nil {
			t.Fatal(err)
		}
		have := strings.Split(string(v), ",")
		for _, tok := range toks {
			if !slices.Contains(have, tok) {
				lost++
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d acknowledged writes lost (of %d, %d refused)", lost, w.n-w.fails, w.fails)
	}
	t.Logf("%d writes acknowledged, %d refused during ring changes, none lost", w.n-w.fails, w.fails)
}

// TestJoinAndLeaveUnderWrites: a writer keeps writing while a second and
// a third node join (their partitions reach them by handoff) and the
// third leaves again (its partitions go back to the others). With one
// replica per partition nothing but handoff can move a record, yet every
// acknowledged write ends on its partition's owner, unique names move
// with their partitions, and no node keeps records of a partition it does
// not own.
func TestJoinAndLeaveUnderWrites(t *testing.T) {
	a := startMember(t)
	c := ctx(t)
	for i := range 20 {
		if err := a.svc.Local().ClaimName(c, "user", fmt.Sprintf("name%02d", i), fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	w := &writer{coord: a.node, acked: map[string][]string{}}
	for i := range 600 {
		w.write(-1 - i)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go w.run(stop, done)
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		<-done
	}()

	b := startMember(t)
	if err := ring.Join(c, b.node, a.node.Name()); err != nil {
		t.Fatal(err)
	}
	ms := []*member{a, b}
	testwait.For(t, 60*time.Second, "b joined and settled", func() bool {
		return settled(t, ms, map[string]core.Status{a.node.Name(): core.Valid, b.node.Name(): core.Valid})
	})
	cm := startMember(t)
	if err := ring.Join(c, cm.node, b.node.Name()); err != nil {
		t.Fatal(err)
	}
	ms = append(ms, cm)
	testwait.For(t, 60*time.Second, "c joined and settled", func() bool {
		return settled(t, ms, map[string]core.Status{cm.node.Name(): core.Valid})
	})
	st, _ := ring.GetStatus(c, a.node)
	if owned := len(st.Ring.Owned(cm.node.Name())); owned < 4 {
		t.Fatalf("c owns %d partitions", owned)
	}
	if n := testutil.ToFloat64(a.m.Handoffs.WithLabelValues(OutcomeCompleted)); n == 0 {
		t.Fatal("a completed no transfer")
	}
	if err := ring.Leave(c, cm.node); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, 60*time.Second, "c left and settled", func() bool {
		return settled(t, ms, map[string]core.Status{cm.node.Name(): core.Left})
	})
	close(stop)
	<-done
	// Writes acknowledged by a stale owner after its last pass are
	// repatriated in a later round.
	testwait.For(t, 60*time.Second, "repatriations done", func() bool { return settled(t, ms, nil) })
	w.check(t, ms)
	if holds := func() bool {
		for p := range partitions {
			if holdsAny(cm, p) {
				return true
			}
		}
		return false
	}(); holds {
		t.Fatal("c left but still holds records")
	}
	st, _ = ring.GetStatus(c, a.node)
	for i := range 20 {
		name := fmt.Sprintf("name%02d", i)
		p := storage.PartitionOfName("user", name, partitions)
		owner := a
		if st.Ring.Owner(p) == b.node.Name() {
			owner = b
		}
		if id, err := owner.svc.Local().LookupName(c, "user", name); err != nil || id != fmt.Sprint(i) {
			t.Fatalf("name %s on its owner: %q, %v", name, id, err)
		}
	}
	hs, err := GetStats(c, cm.node)
	if err != nil || hs.Completed == 0 || hs.Records == 0 {
		t.Fatalf("c's handoff stats: %+v, %v", hs, err)
	}
}
