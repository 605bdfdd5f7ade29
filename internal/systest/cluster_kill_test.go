package systest

import (
	"testing"
	"time"
)

// TestClusterKillDuringLoad (issue 5): three nodes in one ring, N=3, W=2.
// Writers create users through the three nodes; c is killed with SIGKILL
// a third into the load and restarted at two thirds. After the load,
// once anti-entropy finds every pair of replicas equal, the nodes stop
// and the checker reads each one's own store: every user whose create
// was acknowledged is live on all three. The load lasts
// FIFO_SYSTEST_LOAD (default 9 s; `make cluster-test`: 60 s).
func TestClusterKillDuringLoad(t *testing.T) {
	d := loadDuration(t, 9*time.Second)
	c := startRing(t, 3, 3)
	a, b, cn := c.Nodes[0], c.Nodes[1], c.Nodes[2]
	apis := []*API{a.API(), b.API(), cn.API()}
	stop := make(chan struct{})
	h, done := userLoad(apis, 6, stop)
	time.Sleep(d / 3) // the load runs: nothing to wait for
	c.Kill(cn.Name)
	killed, _ := h.snapshot()
	time.Sleep(d / 3)
	c.Restart(cn.Name)
	time.Sleep(d / 3)
	close(stop)
	<-done
	acked, failed := h.snapshot()
	t.Logf("load of %v: %d creates acknowledged (%d before the kill), %d failed: %v", d, len(acked), len(killed), failed, h.causes())
	if len(acked) <= len(killed) {
		t.Fatalf("no write acknowledged after the kill (%d before, %d in all)", len(killed), len(acked))
	}
	waitAAEQuiet(t, c.Nodes, 8)
	stopAll(t, c)
	replicas := map[string]map[string]map[string][]byte{}
	for _, n := range c.Nodes {
		replicas[n.Name] = replicaOf(t, n, 8)
	}
	checkUsers(t, replicas, acked)
}
