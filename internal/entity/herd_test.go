package entity

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// gatedStore is a Memory store whose Apply calls are counted and, while
// the gate is shut, wait for it: a test holds a herd's round in its write
// to queue the next round behind it.
type gatedStore struct {
	*recstore.Memory
	mu       sync.Mutex
	applies  int
	gate     chan struct{} // nil: open
	gateGets bool          // Get waits at the gate too
	entered  chan struct{} // one value per call that reached the gate
}

func newGatedStore() *gatedStore {
	return &gatedStore{Memory: recstore.NewMemory(record.StoreCodec{}), entered: make(chan struct{}, 64)}
}

func (g *gatedStore) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gate = make(chan struct{})
}

func (g *gatedStore) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gate != nil {
		close(g.gate)
		g.gate = nil
	}
	g.gateGets = false
}

func (g *gatedStore) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.applies
}

func (g *gatedStore) Apply(ctx context.Context, bucket, id string, delta []byte) ([]byte, error) {
	g.mu.Lock()
	g.applies++
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		g.entered <- struct{}{}
		<-gate
	}
	return g.Memory.Apply(ctx, bucket, id, delta)
}

func (g *gatedStore) Get(ctx context.Context, bucket, id string) ([]byte, error) {
	g.mu.Lock()
	gate := g.gate
	if !g.gateGets {
		gate = nil
	}
	g.mu.Unlock()
	if gate != nil {
		g.entered <- struct{}{}
		<-gate
	}
	return g.Memory.Get(ctx, bucket, id)
}

func newGatedRepo() (*Repo, *gatedStore) {
	st := newGatedStore()
	return NewRepo(st, "test", func() int64 { return time.Now().UnixNano() }, rand.Reader), st
}

// queuedFor is how many mutations wait for bucket/id's next round.
func (r *Repo) queuedFor(bucket, id string) int {
	r.herds.mu.Lock()
	defer r.herds.mu.Unlock()
	if h := r.herds.m[bucket+"\x00"+id]; h != nil {
		return len(h.queue)
	}
	return 0
}

// waitQueued polls until n mutations queue for bucket/id.
func waitQueued(t *testing.T, r *Repo, bucket, id string, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); r.queuedFor(bucket, id) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d mutations queued", r.queuedFor(bucket, id), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func grant(p string) Mutator {
	return func(rec *record.Record, st record.Stamp) (*record.Record, error) {
		return record.Grant(rec, st, []string{p})
	}
}

func permsOf(t *testing.T, r *Repo, id string) []string {
	t.Helper()
	rec, err := r.Load(context.Background(), record.BucketRole, id)
	if err != nil {
		t.Fatal(err)
	}
	role, err := record.RoleFromRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range role.Permissions {
		out = append(out, p...)
	}
	slices.Sort(out)
	return out
}

// TestHerdWritesQueuedUpdatesInOneRound: updates of one record arriving
// while its write is in flight are applied together in the next write,
// each on the record as the ones before it left it; every caller returns
// after its own change is stored.
func TestHerdWritesQueuedUpdatesInOneRound(t *testing.T) {
	ctx := context.Background()
	r, st := newGatedRepo()
	if err := r.Upsert(ctx, record.BucketRole, "x", grant("first")); err != nil {
		t.Fatal(err)
	}
	st.shut()
	done := make(chan error, 11)
	go func() { done <- r.Update(ctx, record.BucketRole, "x", grant("lead")) }()
	<-st.entered // the leader's write is in flight
	const n = 10
	for i := range n {
		go func() { done <- r.Update(ctx, record.BucketRole, "x", grant(fmt.Sprint("p", i))) }()
	}
	waitQueued(t, r, record.BucketRole, "x", n)
	before := st.count()
	st.open()
	for range n + 1 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if got := st.count() - before; got != 1 {
		t.Fatalf("%d writes for %d queued updates, want 1", got, n)
	}
	got := permsOf(t, r, "x")
	if len(got) != n+2 {
		t.Fatalf("permissions %v: want first, lead and %d more", got, n)
	}
}

// TestHerdIsolatesFailures: in one round, a mutator that fails (after
// changing the record it was given) or panics costs only its own caller;
// the others' changes are written and nothing of the failed one is.
func TestHerdIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	r, st := newGatedRepo()
	if err := r.Upsert(ctx, record.BucketRole, "x", grant("keep")); err != nil {
		t.Fatal(err)
	}
	st.shut()
	lead := make(chan error, 1)
	go func() { lead <- r.Update(ctx, record.BucketRole, "x", grant("lead")) }()
	<-st.entered

	boom := errors.New("boom")
	results := make([]chan error, 4)
	muts := []Mutator{
		grant("a"),
		func(rec *record.Record, st record.Stamp) (*record.Record, error) {
			if _, err := record.Revoke(rec, []string{"keep"}); err != nil {
				return nil, err
			}
			return nil, boom // changed rec in place, then failed
		},
		func(*record.Record, record.Stamp) (*record.Record, error) { panic("mutator bug") },
		func(rec *record.Record, st record.Stamp) (*record.Record, error) {
			if !slices.Contains(permsOfRecord(t, rec), "keep") {
				return nil, errors.New("saw the failed mutator's change")
			}
			return record.Grant(rec, st, []string{"b"})
		},
	}
	panicked := make(chan any, 1)
	for i, m := range muts {
		results[i] = make(chan error, 1)
		go func() {
			defer func() {
				if p := recover(); p != nil {
					panicked <- p
					results[i] <- nil
				}
			}()
			results[i] <- r.Update(ctx, record.BucketRole, "x", m)
		}()
		waitQueued(t, r, record.BucketRole, "x", i+1) // keep the order
	}
	st.open()
	if err := <-lead; err != nil {
		t.Fatal(err)
	}
	if err := <-results[0]; err != nil {
		t.Fatalf("a: %v", err)
	}
	if err := <-results[1]; !errors.Is(err, boom) {
		t.Fatalf("failing mutator: %v", err)
	}
	<-results[2]
	select {
	case p := <-panicked:
		if p != "mutator bug" {
			t.Fatalf("panic %v", p)
		}
	default:
		t.Fatal("the panicking mutator's caller did not panic")
	}
	if err := <-results[3]; err != nil {
		t.Fatalf("b: %v", err)
	}
	if got, want := permsOf(t, r, "x"), []string{"a", "b", "keep", "lead"}; !slices.Equal(got, want) {
		t.Fatalf("permissions %v, want %v", got, want)
	}
}

func permsOfRecord(t *testing.T, rec *record.Record) []string {
	t.Helper()
	role, err := record.RoleFromRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range role.Permissions {
		out = append(out, p...)
	}
	return out
}

// TestHerdAbandonedUpdateNeverRuns: a caller whose context ends while its
// update is queued gets the context's error, and its mutator is never
// called.
func TestHerdAbandonedUpdateNeverRuns(t *testing.T) {
	ctx := context.Background()
	r, st := newGatedRepo()
	if err := r.Upsert(ctx, record.BucketRole, "x", grant("keep")); err != nil {
		t.Fatal(err)
	}
	st.shut()
	lead := make(chan error, 1)
	go func() { lead <- r.Update(ctx, record.BucketRole, "x", grant("lead")) }()
	<-st.entered
	cctx, cancel := context.WithCancel(ctx)
	gone := make(chan error, 1)
	go func() {
		gone <- r.Update(cctx, record.BucketRole, "x", func(*record.Record, record.Stamp) (*record.Record, error) {
			t.Error("abandoned mutator called")
			return nil, nil
		})
	}()
	waitQueued(t, r, record.BucketRole, "x", 1)
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("abandoned update: %v", err)
	}
	after := make(chan error, 1)
	go func() { after <- r.Update(ctx, record.BucketRole, "x", grant("after")) }()
	waitQueued(t, r, record.BucketRole, "x", 2)
	st.open()
	if err := <-lead; err != nil {
		t.Fatal(err)
	}
	if err := <-after; err != nil {
		t.Fatal(err)
	}
	if got, want := permsOf(t, r, "x"), []string{"after", "keep", "lead"}; !slices.Equal(got, want) {
		t.Fatalf("permissions %v, want %v", got, want)
	}
}

// TestHerdMixesUpdateAndUpsert: on a missing record, an Update queued
// before the Upsert that creates it fails with ErrNotFound and one queued
// after it succeeds, as if they had run one by one.
func TestHerdMixesUpdateAndUpsert(t *testing.T) {
	ctx := context.Background()
	r, st := newGatedRepo()
	st.shut()
	st.mu.Lock()
	st.gateGets = true
	st.mu.Unlock()
	lead := make(chan error, 1)
	go func() { lead <- r.Update(ctx, record.BucketRole, "y", grant("lead")) }()
	<-st.entered // the leader's read is in flight
	res := make([]chan error, 3)
	for i, m := range []struct {
		upsert bool
		p      string
	}{{false, "early"}, {true, "create"}, {false, "late"}} {
		res[i] = make(chan error, 1)
		go func() {
			if m.upsert {
				res[i] <- r.Upsert(ctx, record.BucketRole, "y", grant(m.p))
			} else {
				res[i] <- r.Update(ctx, record.BucketRole, "y", grant(m.p))
			}
		}()
		waitQueued(t, r, record.BucketRole, "y", i+1)
	}
	st.open()
	for i, want := range []error{ErrNotFound, ErrNotFound, nil, nil} {
		c := lead
		if i > 0 {
			c = res[i-1]
		}
		if err := <-c; !errors.Is(err, want) {
			t.Fatalf("mutation %d: %v, want %v", i, err, want)
		}
	}
	if got, want := permsOf(t, r, "y"), []string{"create", "late"}; !slices.Equal(got, want) {
		t.Fatalf("permissions %v, want %v", got, want)
	}
}
