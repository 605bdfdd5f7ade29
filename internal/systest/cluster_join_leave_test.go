package systest

import (
	"testing"
	"time"
)

// TestClusterJoinLeaveUnderLoad (issue 5): a ring of three nodes under a
// load of user creates; a fourth node joins (fifo cluster join): every
// node's fifo cluster status settles on four valid members with balanced
// ownership and no pending handoff; it then leaves (fifo cluster leave):
// the status settles on the three again. The load runs throughout; once
// anti-entropy finds the replicas equal, every acknowledged user is live
// in the store of each of the three (N=3).
func TestClusterJoinLeaveUnderLoad(t *testing.T) {
	c := startRing(t, 4, 3)
	a, b, cn, d := c.Nodes[0], c.Nodes[1], c.Nodes[2], c.Nodes[3]
	three := []*Node{a, b, cn}
	stop := make(chan struct{})
	h, done := userLoad([]*API{a.API(), b.API(), cn.API()}, 4, stop)
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
			<-done
		}
	}()
	if out, err := fifoCLI(d, "cluster", "join", a.Name); err != nil {
		t.Fatalf("fifo cluster join on d: %v\n%s", err, out)
	}
	mark := time.Now()
	waitSettled(t, c.Nodes)
	joined, _ := h.snapshot()
	t.Logf("d joined, ring settled in %v (%d creates acknowledged so far)", time.Since(mark), len(joined))
	if out, err := fifoCLI(d, "cluster", "leave"); err != nil {
		t.Fatalf("fifo cluster leave on d: %v\n%s", err, out)
	}
	mark = time.Now()
	waitSettled(t, three)
	t.Logf("d left, ring settled in %v", time.Since(mark))
	close(stop)
	<-done
	acked, failed := h.snapshot()
	t.Logf("%d creates acknowledged, %d failed: %v", len(acked), failed, h.causes())
	if len(acked) <= len(joined) {
		t.Fatalf("no write acknowledged while d left (%d before, %d in all)", len(joined), len(acked))
	}
	waitAAEQuiet(t, three, 8)
	stopAll(t, c)
	replicas := map[string]map[string]map[string][]byte{}
	for _, n := range three {
		replicas[n.Name] = replicaOf(t, n, 8)
	}
	checkUsers(t, replicas, acked)
}
