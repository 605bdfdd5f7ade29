package howl

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// fakeNet records what a relay sends, per peer; sends to a blocked peer
// wait until the test ends.
type fakeNet struct {
	mu       sync.Mutex
	got      map[string][]Relayed
	blocked  map[string]bool
	release  chan struct{}
	entered  chan string // a send to a blocked peer began
	outcomes map[string]int
}

func newFakeNet(t *testing.T, blocked ...string) *fakeNet {
	f := &fakeNet{got: map[string][]Relayed{}, blocked: map[string]bool{}, release: make(chan struct{}), entered: make(chan string, 16), outcomes: map[string]int{}}
	for _, b := range blocked {
		f.blocked[b] = true
	}
	t.Cleanup(func() { close(f.release) })
	return f
}

func (f *fakeNet) send(to runtime.ProcessID, msg any) error {
	if to.Name != Name {
		return fmt.Errorf("sent to %q", to.Name)
	}
	if f.blocked[to.Node] {
		f.entered <- to.Node
		<-f.release
		return runtime.ErrTimeout
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got[to.Node] = append(f.got[to.Node], msg.(Relayed))
	return nil
}

func (f *fakeNet) count(outcome string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.outcomes[outcome]++
}

func (f *fakeNet) snapshot() (map[string][]Relayed, map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	got := map[string][]Relayed{}
	for k, v := range f.got {
		got[k] = slices.Clone(v)
	}
	out := map[string]int{}
	for k, v := range f.outcomes {
		out[k] = v
	}
	return got, out
}

// A peer whose sends never return holds up neither forward nor the other
// peers: its queue fills, the rest is dropped and counted, and every
// other peer gets every event in order, once, marked with its origin.
func TestRelayBlockedPeerHoldsNobodyUp(t *testing.T) {
	net := newFakeNet(t, "stuck@h")
	const size, events = 4, 100
	r := newRelay("a@h", net.send, PeersFunc(func() []string { return []string{"b@h", "stuck@h", "a@h", "c@h"} }), size, net.count)
	t.Cleanup(r.close)
	for i := range events {
		r.forward(Event{Channel: "vm-1", Event: "state", Data: fmt.Appendf(nil, "%d", i)})
		if i == 0 {
			if p := <-net.entered; p != "stuck@h" {
				t.Fatalf("blocked on %s", p)
			}
		}
		// The working peers' queues are as small as the stuck one's: let
		// them drain before they fill.
		if i%size == size-1 || i == events-1 {
			runtimetest.WaitFor(t, "b and c drained", func() bool {
				got, _ := net.snapshot()
				return len(got["b@h"]) == i+1 && len(got["c@h"]) == i+1
			})
		}
	}
	got, outcomes := net.snapshot()
	for _, peer := range []string{"b@h", "c@h"} {
		for i, m := range got[peer] {
			want := Relayed{Origin: "a@h", Channel: "vm-1", Event: "state", Data: fmt.Appendf(nil, "%d", i)}
			if m.Origin != want.Origin || m.Channel != want.Channel || m.Event != want.Event || string(m.Data) != string(want.Data) {
				t.Fatalf("%s: event %d is %+v, want %+v", peer, i, m, want)
			}
		}
	}
	if len(got["a@h"]) != 0 || len(got["stuck@h"]) != 0 {
		t.Fatalf("sent to itself or through the stuck link: %v", got)
	}
	// The stuck link's goroutine holds one event, its queue size more;
	// every other event for it was dropped.
	runtimetest.WaitFor(t, "every send counted", func() bool { _, o := net.snapshot(); return o[relaySent] == 2*events })
	_, outcomes = net.snapshot()
	if outcomes[relayDropped] != events-1-size || outcomes[relayFailed] != 0 {
		t.Fatalf("outcomes %v, want %d sent, %d dropped", outcomes, 2*events, events-1-size)
	}
}

// A node that stops being a peer loses its link; one that becomes a peer
// gets the events from then on.
func TestRelayFollowsThePeers(t *testing.T) {
	net := newFakeNet(t)
	var mu sync.Mutex
	peers := []string{"b@h"}
	r := newRelay("a@h", net.send, PeersFunc(func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(peers)
	}), 16, net.count)
	t.Cleanup(r.close)
	setPeers := func(p ...string) {
		mu.Lock()
		peers = p
		mu.Unlock()
	}
	r.forward(Event{Channel: "x", Event: "one"})
	runtimetest.WaitFor(t, "b got one", func() bool { got, _ := net.snapshot(); return len(got["b@h"]) == 1 })
	setPeers("c@h")
	r.forward(Event{Channel: "x", Event: "two"})
	runtimetest.WaitFor(t, "c got two", func() bool { got, _ := net.snapshot(); return len(got["c@h"]) == 1 })
	r.mu.Lock()
	_, bLinked := r.links["b@h"]
	r.mu.Unlock()
	if bLinked {
		t.Fatal("b kept its link after it left the peers")
	}
	got, _ := net.snapshot()
	if len(got["b@h"]) != 1 || got["c@h"][0].Event != "two" {
		t.Fatalf("got %v", got)
	}
}
