package vms

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// node returns another control node's Service over f's records and
// agents, named name; alive answers its Options.Alive.
func (f *fixture) node(name string, alive func(node string) bool, id Identity) *Service {
	if id == nil {
		id = f.id
	}
	o := Options{RetryDelay: time.Millisecond, MaxRetries: 2, Node: name}
	if alive != nil {
		o.Alive = func(_ context.Context, node string) bool { return alive(node) }
	}
	return New(Deps{Cloud: f.cloud, Identity: id, Agents: f.agents}, o)
}

// TestRecoveryLeavesLiveNodesCreates: node c's start-up recovery neither
// lists, fails nor settles the creates node a (a live ring member) runs:
// one pooled, one placed with an address.
func TestRecoveryLeavesLiveNodesCreates(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	a := f.node("a", nil, nil)
	c := f.node("c", func(n string) bool { return n == "a" || n == "c" }, nil)
	pooledID, err := a.Register(f.ctx, f.user, f.request("p"), false)
	if err != nil {
		t.Fatal(err)
	}
	stuckID, err := a.Register(f.ctx, f.user, f.request("s"), false)
	if err != nil {
		t.Fatal(err)
	}
	lease, err := f.cloud.ClaimIP(f.ctx, f.ranges[0], stuckID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.set(f.ctx, stuckID, map[string]any{"state": StateCreating, "hypervisor": ""}); err != nil {
		t.Fatal(err)
	}
	if err := a.setMapEntries(f.ctx, stuckID, "iprange_map", map[string]any{lease.IP: f.ranges[0]}); err != nil {
		t.Fatal(err)
	}
	pooled, stuck, err := c.Interrupted(f.ctx)
	if err != nil || len(pooled)+len(stuck) != 0 {
		t.Fatalf("node c lists node a's running creates as interrupted: pooled %v stuck %v (%v)", pooled, stuck, err)
	}
	for _, id := range []string{pooledID, stuckID} {
		if err := c.Settle(f.ctx, id, "create interrupted (sniffle restarted)"); err != nil {
			t.Fatal(err)
		}
		if err := c.Abandon(f.ctx, id, "create interrupted (sniffle restarted)"); err != nil {
			t.Fatal(err)
		}
	}
	if vm, _ := f.Get(f.ctx, pooledID); vm.State != StatePooled || vm.Creating.IsZero() {
		t.Fatalf("node a's pooled create touched by node c: %q %+v %v", vm.State, vm.Creating, vm.Logs)
	}
	if vm, _ := f.Get(f.ctx, stuckID); vm.State != StateCreating || vm.Creating.IsZero() {
		t.Fatalf("node a's running create failed by node c: %q %q", vm.State, vm.Error)
	}
	if h, err := f.cloud.LeaseHolder(f.ctx, f.ranges[0], lease.IP); err != nil || h != stuckID {
		t.Fatalf("node a's address freed by node c: %q %v", h, err)
	}
	// Node a itself (restarted) takes its own creates up.
	pooled, stuck, err = a.Interrupted(f.ctx)
	if err != nil || len(pooled) != 1 || pooled[0] != pooledID || len(stuck) != 1 || stuck[0] != stuckID {
		t.Fatalf("node a's own interrupted creates: %v %v %v", pooled, stuck, err)
	}
}

// TestRecoveryTakesUpDeadNodesCreates: the creates of a node that left
// the ring are taken up by node c: a pooled one runs there (and is
// recorded as c's), a stuck one fails with its address freed.
func TestRecoveryTakesUpDeadNodesCreates(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	a := f.node("a", nil, nil)
	c := f.node("c", func(n string) bool { return n == "c" }, nil)
	pooledID, err := a.Register(f.ctx, f.user, f.request("p"), false)
	if err != nil {
		t.Fatal(err)
	}
	stuckID, err := a.Register(f.ctx, f.user, f.request("s"), false)
	if err != nil {
		t.Fatal(err)
	}
	lease, err := f.cloud.ClaimIP(f.ctx, f.ranges[0], stuckID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.set(f.ctx, stuckID, map[string]any{"state": StateCreating, "hypervisor": ""}); err != nil {
		t.Fatal(err)
	}
	if err := a.setMapEntries(f.ctx, stuckID, "iprange_map", map[string]any{lease.IP: f.ranges[0]}); err != nil {
		t.Fatal(err)
	}
	pooled, stuck, err := c.Interrupted(f.ctx)
	if err != nil || len(pooled) != 1 || pooled[0] != pooledID || len(stuck) != 1 || stuck[0] != stuckID {
		t.Fatalf("dead node a's creates not listed by node c: %v %v %v", pooled, stuck, err)
	}
	if err := c.Settle(f.ctx, stuckID, "create interrupted (node a left)"); err != nil {
		t.Fatal(err)
	}
	if vm, _ := f.Get(f.ctx, stuckID); vm.State != StateFailed || !vm.Creating.IsZero() {
		t.Fatalf("dead node's stuck create: %q %q", vm.State, vm.Error)
	}
	if _, err := f.cloud.LeaseHolder(f.ctx, f.ranges[0], lease.IP); err == nil {
		t.Fatal("dead node's stuck create kept its address")
	}
	if err := c.Run(f.ctx, pooledID); err != nil {
		t.Fatal(err)
	}
	vm, _ := f.Get(f.ctx, pooledID)
	if vm.State != string(driver.StateRunning) {
		t.Fatalf("dead node's pooled create: %q %q", vm.State, vm.Error)
	}
	if n, _ := vm.Info[infoCreateNode].(string); n != "c" {
		t.Fatalf("taken-up create recorded as node %q's, want c's", n)
	}
}

// blockingIdentity holds the first org resource return until release is
// closed, and counts the returns.
type blockingIdentity struct {
	*identity.Service
	entered chan struct{}
	release chan struct{}

	mu      sync.Mutex
	returns int
}

func (b *blockingIdentity) ChangeResource(ctx context.Context, org, res string, delta int64) error {
	if delta > 0 {
		b.mu.Lock()
		b.returns++
		first := b.returns == 1
		b.mu.Unlock()
		if first {
			close(b.entered)
			<-b.release
		}
	}
	return b.Service.ChangeResource(ctx, org, res, delta)
}

// TestConcurrentFinishersReturnOnce: node a's delete and node c's
// handling of the agent's "deleted" report both reach finishDelete for
// one VM while the other is mid-way; the org's resources and the
// accounting are returned and written once.
func TestConcurrentFinishersReturnOnce(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	pkg, err := f.cloud.CreatePackage(f.ctx, cloud.PackageSpec{Name: "counted", RAM: 512, CPUCap: 100, Quota: 10,
		Org: map[string]int64{"vms": 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.id.ChangeResource(f.ctx, f.org, "vms", 5); err != nil {
		t.Fatal(err)
	}
	req := f.request("v")
	req.Package = pkg
	id, err := f.Register(f.ctx, f.user, req, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Run(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.id.OrgResources(f.ctx, f.org); res["vms"] != 4 {
		t.Fatalf("org resources after create: %v", res)
	}
	vm, err := f.Get(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	bi := &blockingIdentity{Service: f.id, entered: make(chan struct{}), release: make(chan struct{})}
	a := f.node("a", nil, bi)
	c := f.node("c", nil, bi)
	errA := make(chan error, 1)
	go func() { errA <- a.finishDelete(f.ctx, vm) }()
	select {
	case <-bi.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("node a never returned the org's resources")
	}
	errC := c.finishDelete(f.ctx, vm)
	close(bi.release)
	if err := <-errA; err != nil {
		t.Fatal(err)
	}
	if errC != nil {
		t.Fatal(errC)
	}
	if res, _ := f.id.OrgResources(f.ctx, f.org); res["vms"] != 5 {
		t.Fatalf("org resources after two finishers: %v (want 5: returned once)", res)
	}
	acc, err := f.id.Accounting(f.ctx, f.org, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	destroys := 0
	for _, e := range acc {
		if e.Action == "destroy" && e.Resource == id {
			destroys++
		}
	}
	if destroys != 1 {
		t.Fatalf("destroy accounting entries %d, want 1: %+v", destroys, acc)
	}
	if _, err := f.Get(f.ctx, id); err == nil {
		t.Fatal("record kept")
	}
	// A later finisher, on either node, finds no VM and does nothing.
	if err := c.finishDelete(f.ctx, vm); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.id.OrgResources(f.ctx, f.org); res["vms"] != 5 {
		t.Fatalf("org resources after a late finisher: %v", res)
	}
}
