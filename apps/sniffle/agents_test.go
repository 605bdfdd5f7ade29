package sniffle

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// TestWithChunterAgents runs sniffle with real chunter agents (sim
// drivers) in one node: hypervisors register themselves, VMs are created
// through the agents and reach running by their state reports, and after
// the agents restart, a VM deleted behind sniffle's back is reconciled.
func TestWithChunterAgents(t *testing.T) {
	ctx := context.Background()
	node := runtimetest.StartNode(t)
	id, cl, user, req := seed(t)
	svc, err := Build(Deps{Node: node, Cloud: cl, Identity: id}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := svc.VMs()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	app := svc.App("test")
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	must(supervisors.StartApp(sctx, node, app))
	t.Cleanup(func() { supervisors.StopApp(context.Background(), node, app) })

	var hosts []*sim.Driver
	var agents []*chunter.Agent
	for i := range 3 {
		hv := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		d, err := sim.New(sim.Options{UUID: hv, MemoryMB: 4096,
			Images: []driver.Image{{UUID: dataset, Type: "zone-dataset", OS: "smartos"}}})
		must(err)
		a, err := chunter.New(chunter.Options{HV: hv, Driver: d, HeartbeatInterval: time.Hour})
		must(err)
		hosts, agents = append(hosts, d), append(agents, a)
	}
	capp, err := chunter.App("test", agents...)
	must(err)
	must(supervisors.StartApp(sctx, node, capp))
	runtimetest.WaitFor(t, "3 hypervisors registered", func() bool {
		ids, _ := cl.List(ctx, cloud.Hypervisors)
		return len(ids) == 3 && len(svc.rcv.Agents()) == 3
	})

	var ids []string
	for i := range 6 {
		r := req
		r.Config.Alias = fmt.Sprint("vm", i)
		vid, err := svc.Create(ctx, user, r, false)
		must(err)
		ids = append(ids, vid)
	}
	runtimetest.WaitFor(t, "every VM running", func() bool {
		for _, vid := range ids {
			vm, err := v.Get(ctx, vid)
			if err != nil || vm.State != string(driver.StateRunning) {
				return false
			}
		}
		return true
	})

	// The agents go away; meanwhile a VM disappears from its host.
	must(supervisors.StopApp(sctx, node, capp))
	gone, err := v.Get(ctx, ids[0])
	must(err)
	for _, h := range hosts {
		if _, err := h.Get(ctx, gone.UUID); err == nil {
			must(h.Delete(ctx, gone.UUID))
		}
	}
	capp, err = chunter.App("test", agents...)
	must(err)
	must(supervisors.StartApp(sctx, node, capp))
	t.Cleanup(func() { supervisors.StopApp(context.Background(), node, capp) })
	runtimetest.WaitFor(t, "the vanished VM reconciled", func() bool {
		vm, err := v.Get(ctx, gone.UUID)
		return err == nil && vm.State == vms.StateFailed
	})
	for _, vid := range ids[1:] {
		if vm, _ := v.Get(ctx, vid); vm.State != string(driver.StateRunning) {
			t.Fatalf("vm %s: %q after the agents' restart", vid, vm.State)
		}
	}
}
