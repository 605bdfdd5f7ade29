package rolling

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeNode is one node of fakeCluster.
type fakeNode struct {
	version string
	pid     int
	has     bool
	// away counts the status polls the node misses after an install
	// started (handing over), then it runs the new version.
	away int
	// fail makes the install fail with this error (the node keeps its
	// version).
	fail string
	// never: the node never comes back with the new version.
	never   bool
	install *Install
}

// fakeCluster is an in-memory cluster; hints is how many polls of the
// ring every node still reports hints held after an install.
type fakeCluster struct {
	mu       sync.Mutex
	nodes    map[string]*fakeNode
	left     []string
	hints    int
	installs []string
}

func newFake(names ...string) *fakeCluster {
	c := &fakeCluster{nodes: map[string]*fakeNode{}}
	for i, n := range names {
		c.nodes[n] = &fakeNode{version: "1.0.0", pid: 100 + i, has: true, away: 2}
	}
	return c
}

func (c *fakeCluster) Ring(_ context.Context, node string) (Ring, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// A node outside the cluster answers with the cluster's ring.
	n := c.nodes[node]
	if n != nil && n.install != nil && n.install.State == StateRunning {
		return Ring{}, errors.New("handing over")
	}
	r := Ring{Self: node, N: 3, R: 2, W: 2, Handoffs: []Handoff{}}
	for name := range c.nodes {
		r.Members = append(r.Members, Member{Name: name, Status: "valid", Reachable: true})
	}
	for _, name := range c.left {
		r.Members = append(r.Members, Member{Name: name, Status: "left"})
	}
	if c.hints > 0 {
		c.hints--
		r.Hints = 1
	}
	return r, nil
}

func (c *fakeCluster) Status(_ context.Context, node, version string) (NodeStatus, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[node]
	if in := n.install; in != nil && in.State == StateRunning {
		if n.away > 0 {
			n.away--
			return NodeStatus{}, errors.New("connection closed")
		}
		switch {
		case n.fail != "":
			in.State, in.Error = StateFailed, n.fail
			in.Progress = append(in.Progress, "upgrade failed; this node starts its services again")
		case n.never:
			return NodeStatus{}, errors.New("connection refused")
		default:
			in.State = StateDone
			in.Progress = append(in.Progress, "new process serves")
			n.version, n.pid = in.To, n.pid+1000
			c.hints = 2
		}
	}
	var li *Install
	if n.install != nil {
		cp := *n.install
		cp.Progress = slices.Clone(cp.Progress)
		li = &cp
	}
	return NodeStatus{Node: node, Version: n.version, PID: n.pid, Ready: true, Has: n.has, Root: "/r/" + node,
		Upgradable: true, LastInstall: li}, nil
}

func (c *fakeCluster) Install(_ context.Context, node, version, id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[node]
	c.installs = append(c.installs, node)
	n.install = &Install{ID: id, From: n.version, To: version, State: StateRunning, PID: n.pid,
		Progress: []string{"starting /r/" + node + "/" + version + "/bin/fifo"}}
	return nil
}

// fakeClock advances by each sleep.
type fakeClock struct{ now time.Time }

func (f *fakeClock) opts(o Options) Options {
	f.now = time.Unix(1_700_000_000, 0)
	o.Now = func() time.Time { return f.now }
	o.Sleep = func(_ context.Context, d time.Duration) error { f.now = f.now.Add(d); return nil }
	return o
}

func TestUpgradeOrderLocalLast(t *testing.T) {
	c := newFake("fifo@c", "fifo@a", "fifo@b")
	c.left = []string{"fifo@gone"}
	c.nodes["fifo@a"].away = 0
	var lines []string
	var clock fakeClock
	res, err := Upgrade(context.Background(), c, clock.opts(Options{Version: "2.0.0", Local: "fifo@b", ID: "x",
		Progress: func(l string) { lines = append(lines, l) }}))
	if err != nil {
		t.Fatalf("upgrade: %v\n%s", err, strings.Join(lines, "\n"))
	}
	if want := []string{"fifo@a", "fifo@c", "fifo@b"}; !slices.Equal(c.installs, want) {
		t.Fatalf("installed in order %v, want %v", c.installs, want)
	}
	for _, n := range c.nodes {
		if n.version != "2.0.0" {
			t.Fatalf("a node runs %s", n.version)
		}
	}
	for _, nr := range res.Nodes {
		if nr.Outcome != OutcomeUpgraded || nr.PIDs[0] == nr.PIDs[1] {
			t.Fatalf("result %+v", nr)
		}
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"[1/3] fifo@a: 1.0.0 -> 2.0.0", "fifo@a: new process serves", "cluster healthy", "[3/3] fifo@b: done"} {
		if !strings.Contains(text, want) {
			t.Fatalf("progress lacks %q:\n%s", want, text)
		}
	}
	// A second run finds every node at the version and changes nothing.
	c.installs = nil
	res, err = Upgrade(context.Background(), c, clock.opts(Options{Version: "2.0.0", Local: "fifo@b"}))
	if err != nil || len(c.installs) != 0 || res.Nodes[0].Outcome != OutcomeAlready {
		t.Fatalf("second run: %v, installs %v, %+v", err, c.installs, res.Nodes)
	}
}

func TestUpgradeStopsAtFirstFailure(t *testing.T) {
	c := newFake("fifo@a", "fifo@b", "fifo@c")
	c.nodes["fifo@b"].fail = "new process 42 did not become ready"
	var clock fakeClock
	res, err := Upgrade(context.Background(), c, clock.opts(Options{Version: "2.0.0", Local: "fifo@a", ID: "x"}))
	var ne *NodeError
	if !errors.As(err, &ne) || ne.Node != "fifo@b" || !strings.Contains(err.Error(), "did not become ready") {
		t.Fatalf("error %v, want one naming fifo@b and the reason", err)
	}
	if !slices.Equal(c.installs, []string{"fifo@b"}) {
		t.Fatalf("installs %v: the upgrade went on after a failure", c.installs)
	}
	got := map[string]string{}
	for _, nr := range res.Nodes {
		got[nr.Node] = nr.Outcome
	}
	if got["fifo@b"] != OutcomeFailed || got["fifo@c"] != OutcomePending || got["fifo@a"] != OutcomePending {
		t.Fatalf("outcomes %v", got)
	}
}

func TestUpgradeTimesOutOnANodeThatDoesNotComeBack(t *testing.T) {
	c := newFake("fifo@a", "fifo@b")
	c.nodes["fifo@b"].never = true
	var clock fakeClock
	_, err := Upgrade(context.Background(), c, clock.opts(Options{Version: "2.0.0", Local: "fifo@a", NodeTimeout: time.Minute}))
	var ne *NodeError
	if !errors.As(err, &ne) || ne.Node != "fifo@b" || !strings.Contains(err.Error(), "not back with 2.0.0 within 1m0s") ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("error %v", err)
	}
}

func TestUpgradeRefusedBeforeAnyChange(t *testing.T) {
	c := newFake("fifo@a", "fifo@b", "fifo@c")
	c.nodes["fifo@c"].has = false
	var clock fakeClock
	_, err := Upgrade(context.Background(), c, clock.opts(Options{Version: "2.0.0", Local: "fifo@a"}))
	if !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "fifo@c (root /r/fifo@c)") || len(c.installs) != 0 {
		t.Fatalf("missing release: %v, installs %v", err, c.installs)
	}
	_, err = Upgrade(context.Background(), c, clock.opts(Options{Version: "2.0.0", Local: "fifo@z"}))
	if !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "not a member") {
		t.Fatalf("local not a member: %v", err)
	}
}

func TestUnhealthy(t *testing.T) {
	members := []string{"a", "b"}
	ok := Ring{Members: []Member{{"a", "valid", true}, {"b", "valid", true}, {"c", "left", false}}}
	if why := Unhealthy("a", ok, members); why != "" {
		t.Fatalf("healthy ring: %s", why)
	}
	cases := map[string]Ring{
		"does not list b":   {Members: []Member{{"a", "valid", true}}},
		"sees b joining":    {Members: []Member{{"a", "valid", true}, {"b", "joining", true}}},
		"cannot reach b":    {Members: []Member{{"a", "valid", true}, {"b", "valid", false}}},
		"1 handoffs":        {Members: ok.Members, Handoffs: []Handoff{{1, "a", "b"}}},
		"holds 3 hints":     {Members: ok.Members, Hints: 3},
		"lists 3 members":   {Members: append(slices.Clone(ok.Members[:2]), Member{"d", "valid", true})},
		"cannot reach x, y": {Members: ok.Members, Unreachable: []string{"x", "y"}},
	}
	for want, r := range cases {
		if why := Unhealthy("a", r, members); !strings.Contains(why, want) {
			t.Errorf("%+v: %q, want %q", r, why, want)
		}
	}
}
