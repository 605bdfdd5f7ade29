package aae

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/testwait"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestExchangeRepairsDivergence: two replicas diverge — records written
// on one only (a replication message that was dropped), records written
// differently on each — and one exchange per partition leaves equal bytes
// for every key on both; a second round finds nothing; metrics count it.
func TestExchangeRepairsDivergence(t *testing.T) {
	a, b := startMember(t, nil), startMember(t, nil)
	for i := range 300 {
		switch i % 3 {
		case 0:
			apply(t, a, "vm", key(i), "a")
		case 1:
			apply(t, b, "vm", key(i), "b")
		case 2:
			apply(t, a, "vm", key(i), "a")
			apply(t, b, "vm", key(i), "b")
		}
	}
	apply(t, a, "user", "same", "x")
	apply(t, b, "user", "same", "x")
	if equalStores(t, a, b) {
		t.Fatal("stores equal before any exchange")
	}
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	diffs := 0
	for p := range partitions {
		res, err := Exchange(c, a.node, p, b.node.Name())
		if err != nil {
			t.Fatalf("exchange %d: %v", p, err)
		}
		if res.Repaired != res.Differences {
			t.Fatalf("partition %d: %d differences, %d repaired", p, res.Differences, res.Repaired)
		}
		diffs += res.Differences
	}
	if diffs != 300 {
		t.Fatalf("%d differences, want 300", diffs)
	}
	if !equalStores(t, a, b) {
		t.Fatal("stores differ after the exchanges")
	}
	got := contents(t, a)
	if v := got["vm/"+key(2)]; v != "a,b" {
		t.Fatalf("record written on both sides: %q, want a,b", v)
	}
	if len(got) != 301 {
		t.Fatalf("%d records, want 301", len(got))
	}
	for p := range partitions {
		res, err := Exchange(c, b.node, p, a.node.Name())
		if err != nil || res.Differences != 0 {
			t.Fatalf("second exchange of %d: %+v, %v", p, res, err)
		}
	}
	if n := testutil.ToFloat64(a.m.Repairs); n != 300 {
		t.Fatalf("fifo_aae_repairs_total = %v, want 300", n)
	}
	if n := testutil.ToFloat64(a.m.Exchanges.WithLabelValues(OutcomeRepaired)); n == 0 {
		t.Fatal("no exchange counted as repaired")
	}
	if n := testutil.ToFloat64(b.m.Exchanges.WithLabelValues(OutcomeEqual)); n != partitions {
		t.Fatalf("equal exchanges on b = %v, want %d", n, partitions)
	}
}

// TestExchangeWithAbsentPeer: an exchange with a node that does not run
// anti-entropy fails (and is counted) instead of hanging; a bad partition
// is refused.
func TestExchangeWithAbsentPeer(t *testing.T) {
	a := startMember(t, func(o *Options) { o.CallTimeout = time.Second })
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := Exchange(c, a.node, 0, "nobody@127.0.0.1"); err == nil {
		t.Fatal("exchange with a missing node succeeded")
	}
	if _, err := Exchange(c, a.node, partitions, "x@127.0.0.1"); err == nil {
		t.Fatal("exchange of a partition out of range succeeded")
	}
	if n := testutil.ToFloat64(a.m.Exchanges.WithLabelValues(OutcomeError)); n != 2 {
		t.Fatalf("error exchanges = %v, want 2", n)
	}
	if st, err := GetStats(c, a.node); err != nil || st.Failures != 2 {
		t.Fatalf("stats %+v, %v", st, err)
	}
	_ = errors.New
}

// TestPeriodicConvergence: three replicas (N=3) of 10,000 records, each
// record written on one node only; then, once the trees are built, a few
// records written behind the store's back (drift no write hook saw, which
// only the periodic tree rebuilds find): the periodic exchanges alone make
// the three stores equal, byte for byte.
func TestPeriodicConvergence(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 records")
	}
	var ms []*member
	for range 3 {
		ms = append(ms, startMember(t, nil))
	}
	names := []string{ms[0].node.Name(), ms[1].node.Name(), ms[2].node.Name()}
	r := ringOf(t, names...)
	const records = 10000
	writeSpread(t, records, func(i int) { apply(t, ms[i%3], "vm", key(i), "v"+key(i)) })
	if equalStores(t, ms...) {
		t.Fatal("stores equal before any exchange")
	}
	// Periodic exchanges, on fresh actors of the same stores.
	start := time.Now()
	for i, m := range ms {
		a, err := New(Options{Store: m.svc, Interval: time.Millisecond, RebuildAfter: 300 * time.Millisecond,
			RepairRate: 100000, Tree: testTree, Status: staticRing(names[i], r)})
		if err != nil {
			t.Fatal(err)
		}
		m.node.Ergo().ProcessByName(Name).Kill()
		testwait.For(t, 60*time.Second, "old aae gone", func() bool { return m.node.NameFree(Name) })
		if _, err := m.node.Spawn(a.Spec()); err != nil {
			t.Fatal(err)
		}
		m.aae = a
	}
	testwait.For(t, 60*time.Second, "three equal stores", func() bool { return equalStores(t, ms...) })
	t.Logf("%d divergent records on 3 nodes converged in %v", records, time.Since(start))
	for _, m := range ms {
		testwait.For(t, 60*time.Second, "trees built", func() bool { return m.aae.stats().Trees == partitions })
	}
	for i := range 30 {
		rawPut(t, ms[i%3], "drift", key(i), "d")
	}
	testwait.For(t, 60*time.Second, "drift repaired", func() bool { return equalStores(t, ms...) })
	got := contents(t, ms[0])
	if len(got) != records+30 {
		t.Fatalf("%d records, want %d", len(got), records+30)
	}
	if got["vm/"+key(4242)] != "v"+key(4242) || got["drift/"+key(7)] != "d" {
		t.Fatalf("records %q, %q", got["vm/"+key(4242)], got["drift/"+key(7)])
	}
	for _, m := range ms {
		if m.aae.stats().Builds <= partitions {
			t.Fatalf("no tree was rebuilt: %+v", m.aae.stats())
		}
	}
}

// writeSpread runs write(i) for i in [0, n) on 32 goroutines, so the
// store syncs many writes at once.
func writeSpread(t testing.TB, n int, write func(i int)) {
	t.Helper()
	var wg sync.WaitGroup
	next := make(chan int)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				write(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
