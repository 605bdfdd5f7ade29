package howl_test

import (
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// peerList is a Peers the test sets.
type peerList struct {
	mu    sync.Mutex
	names []string
}

func (p *peerList) Peers() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.names)
}

func (p *peerList) set(names ...string) {
	p.mu.Lock()
	p.names = names
	p.mu.Unlock()
}

// cluster starts n howl nodes, each with every other as a peer (and the
// extra peers given), after a node of its own that serves the test's
// registrar, so any of them may stop.
func cluster(t *testing.T, n int, extra ...string) ([]*env, []*peerList) {
	t.Helper()
	runtimetest.StartNode(t) // the registrar, stopped last
	var envs []*env
	var peers []*peerList
	for range n {
		p := &peerList{}
		e := newEnv(t, func(o *howl.Options) { o.Peers = p })
		e.serve(nil)
		e.startApp()
		envs, peers = append(envs, e), append(peers, p)
	}
	for i, e := range envs {
		var names []string
		for _, o := range envs {
			names = append(names, o.node.Name())
		}
		peers[i].set(howl.LivePeers(e.node.Name(), append(names, extra...), nil)...)
	}
	return envs, peers
}

func relayCount(e *env, outcome string) float64 {
	return testutil.ToFloat64(e.svc.Metrics().Relay.WithLabelValues(outcome))
}

// An event published on any node reaches the subscribers of every node,
// in the order of its publisher, exactly once: a relayed event is not
// relayed again.
func TestEventsReachSubscribersOnEveryNode(t *testing.T) {
	envs, _ := cluster(t, 3)
	a, b, c := envs[0], envs[1], envs[2]
	var clients []*client
	for _, e := range envs {
		cl := e.connect(howl.SubprotocolMsgPack, "*")
		cl.join("vm-1")
		clients = append(clients, cl)
	}
	const events = 200
	for i := range events {
		a.publish("vm-1", "state", i)
	}
	for _, cl := range clients {
		for i := range events {
			cl.expect(eventFrame("vm-1", "state", fmt.Sprint(i)))
		}
	}
	if got := relayCount(b, "received"); got != events {
		t.Fatalf("b received %v relayed events, want %d", got, events)
	}

	// An event from b reaches a and c, once. Had a node relayed it again,
	// its copy would travel the link its own next event travels, ahead
	// of it: each client's next frame after b's event is a's event, and
	// the one after that c's.
	b.publish("vm-1", "log", "from b")
	for _, cl := range clients {
		cl.expect(eventFrame("vm-1", "log", `"from b"`))
	}
	a.publish("vm-1", "end", "a")
	for _, cl := range clients {
		cl.expect(eventFrame("vm-1", "end", `"a"`))
	}
	c.publish("vm-1", "end", "c")
	for _, cl := range clients {
		cl.expect(eventFrame("vm-1", "end", `"c"`))
	}
	runtimetest.WaitFor(t, "every relay counted", func() bool {
		return relayCount(a, "sent") == 2*(events+1) && relayCount(b, "sent") == 2 && relayCount(c, "sent") == 2
	})
	for _, e := range envs {
		if d, f := relayCount(e, "dropped"), relayCount(e, "failed"); d+f != 0 {
			t.Fatalf("%s: %v dropped, %v failed", e.node.Name(), d, f)
		}
	}
}

// silentPeer listens on loopback, accepts connections and never answers:
// a peer whose handshake never completes. It counts accepted connections.
func silentPeer(t *testing.T) (addr string, accepted func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String(), func() int { mu.Lock(); defer mu.Unlock(); return len(conns) }
}

// Peers that are down — one stopped, one never there, one that accepts
// connections and never answers — do not hold publishing up: the local
// and the live remote subscribers get every event in order, and the
// failures are counted.
func TestDownPeersDoNotBlockPublishing(t *testing.T) {
	const silent, never = "silent@127.0.0.1", "never@127.0.0.1"
	envs, _ := cluster(t, 3, silent, never)
	a, b, c := envs[0], envs[1], envs[2]
	addr, accepted := silentPeer(t)
	if err := a.node.SetRoute(silent, addr); err != nil {
		t.Fatal(err)
	}
	ca, cb := a.connect("", "*"), b.connect("", "*")
	ca.join("vm-1")
	cb.join("vm-1")

	// c is up: everything reaches it; then it stops.
	a.publish("vm-1", "state", "c up")
	ca.expect(eventFrame("vm-1", "state", `"c up"`))
	cb.expect(eventFrame("vm-1", "state", `"c up"`))
	runtimetest.WaitFor(t, "c received", func() bool { return relayCount(c, "received") == 1 })
	c.node.Stop()

	const events = 200 // within a connection's queue
	for i := range events {
		a.publish("vm-1", "state", i)
	}
	for i := range events {
		ca.expect(eventFrame("vm-1", "state", fmt.Sprint(i)))
		cb.expect(eventFrame("vm-1", "state", fmt.Sprint(i)))
	}
	runtimetest.WaitFor(t, "the silent peer dialled", func() bool { return accepted() > 0 })
	runtimetest.WaitFor(t, "the stopped and the absent peers' sends failed", func() bool {
		return relayCount(a, "failed") > 0
	})
	if got := relayCount(b, "received"); got != events+1 {
		t.Fatalf("b received %v, want %d", got, events+1)
	}
}

func TestRelayedCrossesTheWire(t *testing.T) {
	if err := runtime.CheckWire(howl.Relayed{Origin: "a@h", Channel: "vm-1", Event: "delete"}); err != nil {
		t.Fatal(err)
	}
}
