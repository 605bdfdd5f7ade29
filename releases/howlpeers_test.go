package releases

import (
	"context"
	"slices"
	"testing"
	"time"

	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// howl's peers are the other members of the node's ring, as they join;
// a node without a ring actor has none.
func TestHowlPeersFollowTheRing(t *testing.T) {
	runtimetest.StartNode(t) // the registrar
	lone := runtimetest.StartNode(t)
	if got := howlPeers(lone).Peers(); len(got) != 0 {
		t.Fatalf("no ring: peers %v", got)
	}
	member := func() *runtime.Node {
		n := runtimetest.StartNode(t)
		if _, err := n.Spawn(actorring.Spec(actorring.Options{DataDir: t.TempDir(), Partitions: 8,
			GossipInterval: 20 * time.Millisecond})); err != nil {
			t.Fatal(err)
		}
		return n
	}
	a, b := member(), member()
	pa, pb := howlPeers(a), howlPeers(b)
	runtimetest.WaitFor(t, "a alone in its ring", func() bool {
		return len(pa.Peers()) == 0 && pa.(interface{ Err() error }).Err() == nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := actorring.Join(ctx, b, a.Name()); err != nil {
		t.Fatal(err)
	}
	// Peers are refreshed once a second at most: poll up to 30 s.
	deadline := time.Now().Add(30 * time.Second)
	for !slices.Equal(pa.Peers(), []string{b.Name()}) || !slices.Equal(pb.Peers(), []string{a.Name()}) {
		if time.Now().After(deadline) {
			t.Fatalf("peers: a %v, b %v", pa.Peers(), pb.Peers())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
