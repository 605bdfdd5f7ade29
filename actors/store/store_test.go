package store

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

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/supervisors"
)

// setCodec is a tiny CRDT for tests: a value is a sorted set of
// comma-separated tokens, merge is union. A value starting with '!' does
// not decode.
type setCodec struct{}

func (setCodec) Check(v []byte) error {
	if len(v) == 0 || v[0] == '!' {
		return errors.New("undecodable set")
	}
	return nil
}

func (c setCodec) Merge(old, delta []byte) ([]byte, error) {
	if err := c.Check(delta); err != nil {
		return nil, err
	}
	var toks []string
	if old != nil {
		if err := c.Check(old); err != nil {
			return nil, err
		}
		toks = strings.Split(string(old), ",")
	}
	toks = append(toks, strings.Split(string(delta), ",")...)
	slices.Sort(toks)
	return []byte(strings.Join(slices.Compact(toks), ",")), nil
}

type fixture struct {
	n  *runtime.Node
	db *storage.DB
	m  *Metrics
	s  *Local
}

func start(t *testing.T) *fixture {
	t.Helper()
	n := runtimetest.StartNode(t)
	m := NewMetrics(prometheus.NewRegistry())
	db, err := storage.Open(t.TempDir(), storage.Options{Partitions: 8, OnQuarantine: func(storage.QuarantineEntry) { m.Quarantined.Inc() }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	svc := NewService(db, setCodec{}, m)
	if err := supervisors.StartApp(ctx, n, svc.App("test")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.Stop()
		db.Close()
	})
	return &fixture{n: n, db: db, m: m, s: svc.Local()}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestApplyMergesAndGets(t *testing.T) {
	f := start(t)
	c := ctx(t)
	if _, err := f.s.Get(c, "vm", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get missing: %v", err)
	}
	if v, err := f.s.Apply(c, "vm", "a", []byte("x,y")); err != nil || string(v) != "x,y" {
		t.Fatalf("apply = %q, %v", v, err)
	}
	if v, err := f.s.Apply(c, "vm", "a", []byte("w,y")); err != nil || string(v) != "w,x,y" {
		t.Fatalf("apply = %q, %v", v, err)
	}
	if v, err := f.s.Get(c, "vm", "a"); err != nil || string(v) != "w,x,y" {
		t.Fatalf("get = %q, %v", v, err)
	}
	if err := f.s.Delete(c, "vm", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Get(c, "vm", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get deleted: %v", err)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	f := start(t)
	c := ctx(t)
	if _, err := f.s.Apply(c, "vm", "a", []byte("ok")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Apply(c, "vm", "a", []byte("!garbage")); !errors.Is(err, ErrBadValue) {
		t.Fatalf("bad delta: %v", err)
	}
	for _, k := range [][2]string{{"", "a"}, {"vm", ""}, {"v\x00m", "a"}, {"vm", "a\x00b"}} {
		if _, err := f.s.Apply(c, k[0], k[1], []byte("x")); !errors.Is(err, ErrInvalidKey) {
			t.Fatalf("apply %q: err = %v, want ErrInvalidKey", k, err)
		}
	}
	if v, err := f.s.Get(c, "vm", "a"); err != nil || string(v) != "ok" {
		t.Fatalf("after bad input = %q, %v", v, err)
	}
}

// A stored value that no longer decodes is quarantined on read and on
// write; the node keeps serving and the key can be written afresh.
func TestQuarantine(t *testing.T) {
	f := start(t)
	c := ctx(t)
	for _, id := range []string{"r1", "r2", "r3"} {
		b := f.db.NewBatch()
		if err := b.Put(f.db.PartitionOf("vm", id), "vm", id, []byte("!rotten")); err != nil {
			t.Fatal(err)
		}
		if err := f.db.Commit(b, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.Get(c, "vm", "r1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get corrupt: %v", err)
	}
	if v, err := f.s.Apply(c, "vm", "r2", []byte("fresh")); err != nil || string(v) != "fresh" {
		t.Fatalf("apply over corrupt = %q, %v", v, err)
	}
	seen := 0
	if err := f.s.Fold(c, "vm", func(id string, v []byte) error { seen++; return nil }); err != nil {
		t.Fatal(err)
	}
	if seen != 1 {
		t.Fatalf("fold saw %d records, want 1 (r2)", seen)
	}
	q, err := f.db.Quarantined()
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 3 {
		t.Fatalf("quarantined %d, want 3: %+v", len(q), q)
	}
	if got := testutil.ToFloat64(f.m.Quarantined); got != 3 {
		t.Fatalf("quarantine metric %v", got)
	}
	if _, err := f.s.Apply(c, "vm", "other", []byte("x")); err != nil {
		t.Fatalf("node stopped serving: %v", err)
	}
}

func TestUniqueNames(t *testing.T) {
	f := start(t)
	c := ctx(t)
	if err := f.s.ClaimName(c, "user", "alice", "u1"); err != nil {
		t.Fatal(err)
	}
	if err := f.s.ClaimName(c, "user", "alice", "u1"); err != nil {
		t.Fatalf("re-claim by holder: %v", err)
	}
	if err := f.s.ClaimName(c, "user", "alice", "u2"); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("claim by other: %v", err)
	}
	if id, err := f.s.LookupName(c, "user", "alice"); err != nil || id != "u1" {
		t.Fatalf("lookup = %q, %v", id, err)
	}
	if err := f.s.ReleaseName(c, "user", "alice", "u2"); err != nil {
		t.Fatal(err)
	}
	if id, _ := f.s.LookupName(c, "user", "alice"); id != "u1" {
		t.Fatal("release by non-holder freed the name")
	}
	if err := f.s.ReleaseName(c, "user", "alice", "u1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.LookupName(c, "user", "alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("lookup released: %v", err)
	}
	if err := f.s.ClaimName(c, "user", "alice", "u2"); err != nil {
		t.Fatal(err)
	}
}

// Concurrent claims of one name: exactly one id wins.
func TestConcurrentClaimsOneWinner(t *testing.T) {
	f := start(t)
	c := ctx(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			err := f.s.ClaimName(c, "package", "small", fmt.Sprintf("p%d", i))
			if err == nil {
				mu.Lock()
				winners++
				mu.Unlock()
			} else if !errors.Is(err, ErrNameTaken) {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if winners != 1 {
		t.Fatalf("%d winners", winners)
	}
}

// Many concurrent writers: every acknowledged write is readable, and
// writes that met in a vnode shared one commit.
func TestConcurrentWritesGroupCommit(t *testing.T) {
	f := start(t)
	c := ctx(t)
	const writers, each = 64, 20
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				// Half the writers share keys, so merges race too.
				id := fmt.Sprintf("k%d", (w%32)*each+i)
				if _, err := f.s.Apply(c, "vm", id, []byte(fmt.Sprintf("w%d", w))); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	for k := 0; k < 32*each; k++ {
		id := fmt.Sprintf("k%d", k)
		v, err := f.s.Get(c, "vm", id)
		if err != nil {
			t.Fatal(err)
		}
		w := k / each
		want := fmt.Sprintf("w%d,w%d", w, w+32)
		got := strings.Split(string(v), ",")
		slices.Sort(got)
		exp := strings.Split(want, ",")
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Fatalf("%s = %q, want %q", id, v, want)
		}
	}
	h := &dtoHistogram{}
	h.read(t, f.m.SyncWrites)
	if h.count == 0 || h.sum <= h.count {
		t.Fatalf("no WAL sync acknowledged more than one write: %v writes in %v syncs", h.sum, h.count)
	}
}

// A vnode that dies with writes pending answers them with ErrStopped
// (never a false acknowledgement), is restarted, and serves again.
func TestVnodeRestart(t *testing.T) {
	f := start(t)
	c := ctx(t)
	p := f.db.PartitionOf("vm", "a")
	if _, err := f.s.Apply(c, "vm", "a", []byte("one")); err != nil {
		t.Fatal(err)
	}
	old := f.n.Ergo().ProcessByName(VnodeName(p))
	old.Kill()
	runtimetest.WaitFor(t, "vnode restart", func() bool {
		cur := f.n.Ergo().ProcessByName(VnodeName(p))
		return cur != nil && cur.Self() != old.Self()
	})
	if v, err := f.s.Apply(c, "vm", "a", []byte("two")); err != nil || string(v) != "one,two" {
		t.Fatalf("after restart = %q, %v", v, err)
	}
}

// Callers on other nodes reach a partition through its vnode actor; the
// actor queues to the same worker as Local does.
func TestVnodeActorServesRequests(t *testing.T) {
	f := start(t)
	c := ctx(t)
	p := f.db.PartitionOf("vm", "via-actor")
	v, err := f.n.Call(c, VnodeName(p), ApplyReq{Bucket: "vm", ID: "via-actor", Delta: []byte("a")})
	if err != nil || string(v.(ApplyResp).Value) != "a" {
		t.Fatalf("apply through the actor: %v %v", v, err)
	}
	if _, err := f.s.Apply(c, "vm", "via-actor", []byte("b")); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.Get(c, "vm", "via-actor"); err != nil || string(got) != "a,b" {
		t.Fatalf("get = %q, %v", got, err)
	}
	if _, err := f.n.Call(c, VnodeName(p), "nonsense"); !errors.Is(err, runtime.ErrUnsupported) {
		t.Fatalf("unknown request: %v", err)
	}
}

// startLater prepares a store whose application the test starts itself
// (start), so that writes can be queued before any worker runs.
func startLater(t *testing.T) (f *fixture, svc *Service, start func()) {
	t.Helper()
	n := runtimetest.StartNode(t)
	m := NewMetrics(prometheus.NewRegistry())
	db, err := storage.Open(t.TempDir(), storage.Options{Partitions: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.Stop()
		db.Close()
	})
	svc = NewService(db, setCodec{}, m)
	return &fixture{n: n, db: db, m: m, s: svc.Local()}, svc, func() {
		if err := supervisors.StartApp(ctx(t), n, svc.App("test")); err != nil {
			t.Fatal(err)
		}
	}
}

// Writes queued together are applied as one batch, each reading what the
// earlier ones left: merges into one record accumulate, and of two claims
// of one name exactly one wins.
func TestOneBatchReadsItsOwnWrites(t *testing.T) {
	f, svc, start := startLater(t)
	c := ctx(t)
	p := f.db.PartitionOf("vm", "k")
	q := f.db.PartitionOfName("user", "alice")
	var wg sync.WaitGroup
	replies := make(chan string, 3)
	for _, tok := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := f.s.Apply(c, "vm", "k", []byte(tok))
			if err != nil {
				t.Error(err)
			}
			replies <- string(v)
		}()
	}
	claims := make(chan error, 2)
	for _, id := range []string{"u1", "u2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			claims <- f.s.ClaimName(c, "user", "alice", id)
		}()
	}
	runtimetest.WaitFor(t, "5 queued writes", func() bool {
		if p == q {
			return len(svc.parts[p].jobs) == 5
		}
		return len(svc.parts[p].jobs) == 3 && len(svc.parts[q].jobs) == 2
	})
	start()
	wg.Wait()
	close(replies)
	close(claims)
	var sizes []int
	for v := range replies {
		sizes = append(sizes, len(strings.Split(v, ",")))
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{1, 2, 3}) {
		t.Fatalf("replies hold %v tokens, want 1, 2 and 3 (each merge sees the earlier ones)", sizes)
	}
	if v, err := f.s.Get(c, "vm", "k"); err != nil || string(v) != "a,b,c" {
		t.Fatalf("get = %q, %v", v, err)
	}
	won := 0
	for err := range claims {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrNameTaken):
			t.Fatal(err)
		}
	}
	if won != 1 {
		t.Fatalf("%d claims won", won)
	}
}

// A caller that gives up on a queued write never hands its answer to a
// later caller (reply slots are reused).
func TestTimedOutCallDoesNotAnswerLaterCalls(t *testing.T) {
	f, _, start := startLater(t)
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := f.s.Apply(short, "vm", "late", []byte("stale")); !errors.Is(err, runtime.ErrTimeout) {
		t.Fatalf("apply with no worker running: %v", err)
	}
	start()
	c := ctx(t)
	for i := range 20 {
		want := fmt.Sprintf("v%d", i)
		v, err := f.s.Apply(c, "vm", fmt.Sprintf("id%d", i), []byte(want))
		if err != nil || string(v) != want {
			t.Fatalf("apply %d = %q, %v; want %q", i, v, err, want)
		}
	}
	if v, err := f.s.Get(c, "vm", "late"); err != nil || string(v) != "stale" {
		t.Fatalf("the timed-out write, applied later: %q, %v", v, err)
	}
}

// Writes that reach their workers together are acknowledged by one WAL
// sync: the syncer waits while writes are in flight (hold made long here,
// so only the flight count decides).
func TestHerdSyncedTogether(t *testing.T) {
	f, svc, start := startLater(t)
	svc.wal.hold = time.Minute
	c := ctx(t)
	// One record in each partition: 8 workers apply and hand over at once.
	ids := map[int]string{}
	for i := 0; len(ids) < f.db.Partitions(); i++ {
		id := fmt.Sprintf("id%d", i)
		if _, ok := ids[f.db.PartitionOf("vm", id)]; !ok {
			ids[f.db.PartitionOf("vm", id)] = id
		}
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.s.Apply(c, "vm", id, []byte("x")); err != nil {
				t.Error(err)
			}
		}()
	}
	runtimetest.WaitFor(t, "all writes queued", func() bool { return svc.wal.flight.n.Load() == int64(len(ids)) })
	start()
	wg.Wait()
	h := &dtoHistogram{}
	h.read(t, f.m.SyncWrites)
	if h.count != 1 || h.sum != float64(len(ids)) {
		t.Fatalf("%v writes in %v syncs, want %d in 1", h.sum, h.count, len(ids))
	}
}

// Every kind of request, answered or refused, local or through the actor,
// leaves nothing in flight once answered; a leak would make the WAL
// syncer wait its whole hold before every later sync.
func TestNothingLeftInFlight(t *testing.T) {
	f, svc, start := startLater(t)
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := f.s.Apply(short, "vm", "a", []byte("queued, given up")); !errors.Is(err, runtime.ErrTimeout) {
		t.Fatalf("apply with no worker running: %v", err)
	}
	start()
	c := ctx(t)
	steps := []func() error{
		func() error { _, err := f.s.Apply(c, "vm", "a", []byte("x")); return err },
		func() error { _, err := f.s.Apply(c, "vm", "a", []byte("!bad")); return want(err, ErrBadValue) },
		func() error { _, err := f.s.Apply(c, "vm", "", []byte("x")); return want(err, ErrInvalidKey) },
		func() error { return f.s.ClaimName(c, "user", "alice", "u1") },
		func() error { return want(f.s.ClaimName(c, "user", "alice", "u2"), ErrNameTaken) },
		func() error { return f.s.ReleaseName(c, "user", "alice", "u1") },
		func() error { return f.s.Delete(c, "vm", "a") },
		func() error {
			_, err := f.n.Call(c, VnodeName(f.db.PartitionOf("vm", "b")), ApplyReq{Bucket: "vm", ID: "b", Delta: []byte("y")})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		// A worker may hand a write over just after the sync that
		// answers it started (when its hold ran out): wait for it.
		runtimetest.WaitFor(t, fmt.Sprintf("step %d out of flight", i), func() bool { return svc.wal.flight.n.Load() == 0 })
	}
}

// want returns nil if err wraps target, else an error saying what came.
func want(err, target error) error {
	if errors.Is(err, target) {
		return nil
	}
	return fmt.Errorf("got %v, want %v", err, target)
}
