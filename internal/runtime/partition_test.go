package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/netfault"
)

// These tests pin how ergo v1.999.224 lives through a network partition
// made by internal/netfault: nodes whose static routes lead through one
// proxy per ordered pair.

// partitionWait bounds every wait for an effect of a partition.
const partitionWait = 30 * time.Second

// watcher monitors the nodes it is asked to and hands on every NodeDown.
type watcher struct {
	Base
	downs chan<- NodeDown
}

// watchReq asks a watcher to monitor node Peer (local only).
type watchReq struct{ Peer string }

func (w *watcher) HandleCall(p *Process, _ From, req any) (any, error) {
	if r, ok := req.(watchReq); ok {
		p.MonitorNode(r.Peer)
		return true, nil
	}
	return nil, ErrUnsupported
}

func (w *watcher) HandleMessage(_ *Process, msg any) {
	if d, ok := msg.(NodeDown); ok {
		w.downs <- d
	}
}

// meshNode is a node of a test network, with its echo actor and watcher.
type meshNode struct {
	*Node
	downs chan NodeDown
	seqs  *[]int
	// seqDone closes when the echo actor got seqWant sequence messages.
	seqDone chan struct{}
}

// startMesh starts one node per name, each reaching the others only
// through the proxies of a network in mode.
func startMesh(t *testing.T, mode netfault.Mode, seqWant int, names ...string) (*netfault.Network, map[string]*meshNode) {
	t.Helper()
	net, err := netfault.NewNetwork(netfault.Options{Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() }) // after the nodes (cleanups run in reverse)
	ports := map[string]uint16{}
	full := map[string]string{}
	for _, s := range names {
		ports[s] = freePort(t)
		full[s] = fmt.Sprintf("%s%d@127.0.0.1", s, ports[s])
		if err := net.Add(full[s], fmt.Sprintf("127.0.0.1:%d", ports[s])); err != nil {
			t.Fatal(err)
		}
	}
	nodes := map[string]*meshNode{}
	for _, s := range names {
		n := startNode(t, func(o *Options) {
			o.Name, o.ListenPort, o.Routes = full[s], ports[s], net.Routes(full[s])
		})
		m := &meshNode{Node: n, downs: make(chan NodeDown, 16), seqs: &[]int{}, seqDone: make(chan struct{})}
		spawnTest(t, n, "echo", func() *testActor {
			return &testActor{seqs: m.seqs, seqDone: m.seqDone, seqWant: seqWant}
		})
		if _, err := n.Spawn(Spec{Name: "watcher", New: func() Actor { return &watcher{downs: m.downs} }}); err != nil {
			t.Fatal(err)
		}
		nodes[s] = m
	}
	return net, nodes
}

// echo calls the echo actor of to from from.
func echo(from, to *meshNode, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	v, err := from.Call(ctx, ProcessID{Name: "echo", Node: to.Name()}, echoReq{V: "x"})
	if err != nil {
		return err
	}
	if r, ok := v.(echoReq); !ok || r.V != "x!" {
		return fmt.Errorf("echo %s->%s: reply %v", from.Name(), to.Name(), v)
	}
	return nil
}

// watch makes from's watcher monitor to.
func watch(t *testing.T, from, to *meshNode) {
	t.Helper()
	if _, err := from.Call(context.Background(), "watcher", watchReq{Peer: to.Name()}); err != nil {
		t.Fatal(err)
	}
}

// nodeDowns waits for from's watcher to report every node of to down
// and returns how long each took since start.
func nodeDowns(t *testing.T, from *meshNode, start time.Time, to ...*meshNode) map[string]time.Duration {
	t.Helper()
	want := map[string]bool{}
	for _, n := range to {
		want[n.Name()] = true
	}
	took := map[string]time.Duration{}
	timeout := time.After(partitionWait)
	for len(took) < len(want) {
		select {
		case d := <-from.downs:
			if want[d.Name] {
				took[d.Name] = time.Since(start)
			}
		case <-timeout:
			t.Fatalf("%s saw %v down within %v, want %v", from.Name(), took, partitionWait, want)
		}
	}
	return took
}

// Reset mode, {a} | {b, c}: a's node monitors of b and c fire (and theirs
// of a) within milliseconds; calls and sends across fail with ErrNodeDown
// at once, and what was sent is never delivered later; b and c keep
// talking. After Heal ergo does not reconnect by itself: the next message
// does, through the same routes.
func TestPartitionReset(t *testing.T) {
	net, n := startMesh(t, netfault.Reset, 1, "a", "b", "c")
	a, b, c := n["a"], n["b"], n["c"]
	for _, p := range [][2]*meshNode{{a, b}, {a, c}, {b, c}} {
		if err := echo(p[0], p[1], partitionWait); err != nil {
			t.Fatalf("before the partition: %v", err)
		}
	}
	watch(t, a, b)
	watch(t, a, c)
	watch(t, b, a)
	if ab, _ := net.Proxy(a.Name(), b.Name()); ab.Stats().Accepted != 1 {
		t.Fatalf("a->b proxy stats %+v: a did not reach b through it", ab.Stats())
	}

	start := time.Now()
	if err := net.Partition([]string{a.Name()}, []string{b.Name(), c.Name()}); err != nil {
		t.Fatal(err)
	}
	t.Logf("node down after the partition: seen by a %v, by b %v",
		nodeDowns(t, a, start, b, c), nodeDowns(t, b, start, a))
	waitFor(t, "a to have no peers", func() bool { return len(a.Peers()) == 0 })

	callStart := time.Now()
	if err := echo(a, b, partitionWait); !errors.Is(err, ErrNodeDown) {
		t.Fatalf("call across the partition: %v, want ErrNodeDown", err)
	}
	t.Logf("a call across the partition failed after %v", time.Since(callStart))
	for i := range 3 {
		// Each send tries a new connection, which the proxy resets.
		if err := a.Send(ProcessID{Name: "echo", Node: b.Name()}, seqMsg{N: i}); !errors.Is(err, ErrNodeDown) {
			t.Fatalf("send %d across the partition: %v, want ErrNodeDown", i, err)
		}
	}
	if err := echo(b, c, partitionWait); err != nil {
		t.Fatalf("b->c inside a side of the partition: %v", err)
	}

	net.Heal()
	if slices.Contains(a.Peers(), b.Name()) || slices.Contains(b.Peers(), a.Name()) {
		t.Fatal("a and b connected again before either sent anything")
	}
	if err := a.Send(ProcessID{Name: "echo", Node: b.Name()}, seqMsg{N: 100}); err != nil {
		t.Fatalf("send after heal: %v", err)
	}
	select {
	case <-b.seqDone:
	case <-time.After(partitionWait):
		t.Fatal("b got no message after the heal")
	}
	if got := *b.seqs; !slices.Equal(got, []int{100}) {
		t.Fatalf("b received %v, want only the message sent after the heal", got)
	}
	if err := echo(a, c, partitionWait); err != nil {
		t.Fatalf("a->c after heal: %v", err)
	}
	if st, _ := net.Proxy(a.Name(), b.Name()); st.Stats().Accepted < 2 {
		t.Fatalf("a->b proxy stats %+v: no new connection after the heal", st.Stats())
	}
}

// BlackHole mode: ergo does not notice a silent partition within the
// test (it drops a silent connection after 4 keep-alive periods, 60 s):
// the connection stays, a call across times out, a send is accepted and
// held, and after Heal the held message arrives on the same connection.
func TestPartitionBlackHole(t *testing.T) {
	net, n := startMesh(t, netfault.BlackHole, 1, "a", "b")
	a, b := n["a"], n["b"]
	if err := echo(a, b, partitionWait); err != nil {
		t.Fatal(err)
	}
	watch(t, a, b)
	if err := net.Partition([]string{a.Name()}, []string{b.Name()}); err != nil {
		t.Fatal(err)
	}
	if err := echo(a, b, 2*time.Second); !errors.Is(err, ErrTimeout) {
		t.Fatalf("call into a black hole: %v, want ErrTimeout", err)
	}
	if !slices.Contains(a.Peers(), b.Name()) {
		t.Fatal("a dropped b during a short black hole")
	}
	if err := a.Send(ProcessID{Name: "echo", Node: b.Name()}, seqMsg{N: 7}); err != nil {
		t.Fatalf("send into a black hole: %v", err)
	}

	net.Heal()
	select {
	case <-b.seqDone:
	case <-time.After(partitionWait):
		t.Fatal("the held message never arrived")
	}
	if got := *b.seqs; !slices.Equal(got, []int{7}) {
		t.Fatalf("b received %v, want [7]", got)
	}
	if err := echo(a, b, partitionWait); err != nil {
		t.Fatalf("after heal: %v", err)
	}
	if ab, _ := net.Proxy(a.Name(), b.Name()); ab.Stats().Accepted != 1 {
		t.Fatalf("a->b proxy stats %+v: want the one connection throughout", ab.Stats())
	}
	select {
	case d := <-a.downs:
		t.Fatalf("node down %v during a short black hole", d)
	default:
	}
}
