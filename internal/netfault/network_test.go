package netfault

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

// cluster is a network of line servers a, b, c (see target).
type cluster struct {
	net     *Network
	targets map[string]*target
}

func newCluster(t *testing.T, names ...string) cluster {
	t.Helper()
	n, err := NewNetwork(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Error(err)
		}
	})
	c := cluster{net: n, targets: map[string]*target{}}
	for _, name := range names {
		c.targets[name] = newTarget(t, name)
		if err := n.Add(name, c.targets[name].addr()); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// talks reports whether from gets an answer from to over a new
// connection through from's route.
func (c cluster) talks(t *testing.T, from, to string) bool {
	t.Helper()
	addr, ok := c.net.Routes(from)[to]
	if !ok {
		t.Fatalf("%s has no route to %s", from, to)
	}
	if !c.net.Connected(from, to) {
		broken(t, addr, fmt.Sprintf("%s->%s while cut", from, to))
		return false
	}
	conn := dial(t, addr)
	defer conn.Close()
	c.targets[to].serve(t)
	got, err := ask(conn, from)
	if err != nil || got != to+":"+from {
		t.Fatalf("%s->%s: %q, %v", from, to, got, err)
	}
	return true
}

// reach returns who talks to whom, as "a->b" strings, sorted.
func (c cluster) reach(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, from := range c.net.Members() {
		for _, to := range c.net.Members() {
			if from != to && c.talks(t, from, to) {
				out = append(out, from+"->"+to)
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestNetworkRoutes(t *testing.T) {
	c := newCluster(t, "a", "b", "c")
	if got := c.net.Members(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("members %v", got)
	}
	r := c.net.Routes("a")
	if got := slices.Sorted(maps.Keys(r)); !slices.Equal(got, []string{"b", "c"}) {
		t.Fatalf("routes of a: %v", r)
	}
	// Each ordered pair has its own proxy, aimed at the right member.
	seen := map[string]bool{}
	for _, from := range c.net.Members() {
		for to, addr := range c.net.Routes(from) {
			if seen[addr] {
				t.Fatalf("address %s shared", addr)
			}
			seen[addr] = true
			p, err := c.net.Proxy(from, to)
			if err != nil || p.Addr() != addr || p.Target() != c.targets[to].addr() {
				t.Fatalf("proxy %s->%s: %v %v", from, to, p, err)
			}
		}
	}
	if len(seen) != 6 {
		t.Fatalf("%d proxies, want 6", len(seen))
	}
	if err := c.net.Add("a", "127.0.0.1:1"); err == nil {
		t.Error("a added twice")
	}
	if _, err := c.net.Proxy("a", "x"); err == nil {
		t.Error("proxy to a non-member")
	}
}

// Partition {a} | {b, c}: a is cut from b and c both ways, b and c talk;
// Heal restores every pair.
func TestNetworkPartitionAndHeal(t *testing.T) {
	c := newCluster(t, "a", "b", "c")
	all := []string{"a->b", "a->c", "b->a", "b->c", "c->a", "c->b"}
	if got := c.reach(t); !slices.Equal(got, all) {
		t.Fatalf("before: %v", got)
	}
	if err := c.net.Partition([]string{"a"}, []string{"b", "c"}); err != nil {
		t.Fatal(err)
	}
	if got := c.reach(t); !slices.Equal(got, []string{"b->c", "c->b"}) {
		t.Fatalf("during {a}|{b,c}: %v", got)
	}
	c.net.Heal()
	if got := c.reach(t); !slices.Equal(got, all) {
		t.Fatalf("after heal: %v", got)
	}
}

// A partition cuts live connections in both directions: a's connection
// to b and b's connection to a.
func TestNetworkPartitionCutsLiveBothWays(t *testing.T) {
	c := newCluster(t, "a", "b")
	ab, _ := c.net.Proxy("a", "b")
	ba, _ := c.net.Proxy("b", "a")
	toB := dial(t, ab.Addr())
	c.targets["b"].serve(t)
	toA := dial(t, ba.Addr())
	c.targets["a"].serve(t)
	if got, err := ask(toB, "x"); err != nil || got != "b:x" {
		t.Fatal(got, err)
	}
	if got, err := ask(toA, "y"); err != nil || got != "a:y" {
		t.Fatal(got, err)
	}
	if err := c.net.Partition([]string{"a"}, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	readFails(t, toB, "a->b")
	readFails(t, toA, "b->a")
	st := c.net.Stats()
	if st[Pair{"a", "b"}].Cut != 1 || st[Pair{"b", "a"}].Cut != 1 {
		t.Fatalf("stats %+v, want one cut each way", st)
	}
}

// Each Partition replaces the last; members named in no group talk to
// everyone; a bad group changes nothing.
func TestNetworkRepartition(t *testing.T) {
	c := newCluster(t, "a", "b", "c")
	if err := c.net.Partition([]string{"a"}, []string{"b", "c"}); err != nil {
		t.Fatal(err)
	}
	if err := c.net.Partition([]string{"c"}, []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if got := c.reach(t); !slices.Equal(got, []string{"a->b", "b->a"}) {
		t.Fatalf("{c}|{a,b}: %v", got)
	}
	// c is named nowhere: a bridge between a and b.
	if err := c.net.Partition([]string{"a"}, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	if got := c.reach(t); !slices.Equal(got, []string{"a->c", "b->c", "c->a", "c->b"}) {
		t.Fatalf("{a}|{b}: %v", got)
	}
	for _, bad := range [][][]string{{{"a"}, {"x"}}, {{"a", "b"}, {"b"}}} {
		if err := c.net.Partition(bad...); err == nil {
			t.Errorf("Partition(%v) accepted", bad)
		}
	}
	if !c.net.Connected("a", "c") || c.net.Connected("a", "b") {
		t.Fatal("a bad Partition changed the network")
	}
	// A member added now talks to everyone.
	c.targets["d"] = newTarget(t, "d")
	if err := c.net.Add("d", c.targets["d"].addr()); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"a", "b", "c"} {
		if !c.talks(t, "d", m) || !c.talks(t, m, "d") {
			t.Fatalf("new member d cut from %s", m)
		}
	}
	if err := c.net.Partition(); err != nil {
		t.Fatal(err)
	}
	if !c.net.Connected("a", "b") {
		t.Fatal("Partition() did not heal")
	}
}

func TestNetworkClosed(t *testing.T) {
	n, err := NewNetwork(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := newTarget(t, "a")
	if err := n.Add("a", s.addr()); err != nil {
		t.Fatal(err)
	}
	if err := n.Add("b", "127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Add("c", s.addr()); err == nil {
		t.Fatal("Add after Close")
	}
	if _, err := NewNetwork(Options{Mode: Mode(9)}); err == nil {
		t.Fatal("unknown mode accepted")
	}
}
