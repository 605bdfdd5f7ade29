package sniffle

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// TestAgentRegisteredWithAnotherControlNode runs sniffle on two control
// nodes, A and C, over one store (as the replicated store makes it look)
// and one agent (sim driver) on its own node, registered with A: a VM
// created through C reaches running, is stopped, started and deleted
// through C, which reaches the agent on the node its hypervisor record
// names. Then A goes away; the agent fails over to C, the record still
// names the agent's node, and C keeps commanding it.
func TestAgentRegisteredWithAnotherControlNode(t *testing.T) {
	runtimetest.StartNode(t) // the test's registrar, stopped last
	nodeA, nodeC, nodeH := runtimetest.StartNode(t), runtimetest.StartNode(t), runtimetest.StartNode(t)
	ctx := context.Background()
	id, cl, user, req := seed(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	startApp := func(n *runtime.Node, app supervisors.App) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		must(supervisors.StartApp(sctx, n, app))
		t.Cleanup(func() { supervisors.StopApp(context.Background(), n, app) })
	}
	build := func(n *runtime.Node) *Service {
		t.Helper()
		svc, err := Build(Deps{Node: n, Cloud: cl, Identity: id}, Options{})
		must(err)
		startApp(n, svc.App("test"))
		return svc
	}
	svcA, svcC := build(nodeA), build(nodeC)

	hv := "00000000-0000-4000-8000-0000000000ac"
	d, err := sim.New(sim.Options{UUID: hv, MemoryMB: 4096,
		Images: []driver.Image{{UUID: dataset, Type: "zone-dataset", OS: "smartos"}}})
	must(err)
	sessions := make(chan string, 16)
	agent, err := chunter.New(chunter.Options{HV: hv, Driver: d, Controls: []string{nodeA.Name(), nodeC.Name()},
		HeartbeatInterval: time.Hour, OnRegistered: func(control string) { sessions <- control }})
	must(err)
	capp, err := chunter.App("test", agent)
	must(err)
	startApp(nodeH, capp)

	session := func(want string) {
		t.Helper()
		select {
		case got := <-sessions:
			if got != want {
				t.Fatalf("agent registered with %s, want %s", got, want)
			}
		case <-time.After(time.Minute):
			t.Fatalf("agent never registered with %s", want)
		}
	}
	hostRecorded := func() {
		t.Helper()
		waitLong(t, "the hypervisor record naming the agent's node", func() bool {
			h, err := cl.Hypervisor(ctx, hv)
			return err == nil && h.Host == nodeH.Name()
		})
	}
	session(nodeA.Name())
	hostRecorded()
	if _, ok := svcA.rcv.Lookup(hv); !ok {
		t.Fatal("A's receiver does not know the agent")
	}

	v := svcC.VMs()
	state := func(vid string, want driver.State) {
		t.Helper()
		waitLong(t, "vm "+vid+" "+string(want), func() bool {
			vm, err := v.Get(ctx, vid)
			return err == nil && vm.State == string(want)
		}, func() string { vm, err := v.Get(ctx, vid); return "vm state " + vm.State + " " + errString(err) })
		if got, err := d.Get(ctx, vid); err != nil || got.State != want {
			t.Fatalf("host has vm %s %v (%v), want %s", vid, got.State, err, want)
		}
	}
	lifecycle := func() {
		t.Helper()
		vid, err := svcC.Create(ctx, user, req, false)
		must(err)
		state(vid, driver.StateRunning)
		must(v.Action(ctx, vid, "stop", false))
		state(vid, driver.StateStopped)
		must(v.Action(ctx, vid, "start", false))
		state(vid, driver.StateRunning)
		must(v.Delete(ctx, vid))
		if _, err := v.Get(ctx, vid); !errors.Is(err, cloud.ErrNotFound) {
			t.Fatalf("deleted vm: %v", err)
		}
		if _, err := d.Get(ctx, vid); !errors.Is(err, driver.ErrNotFound) {
			t.Fatalf("deleted vm still on the host: %v", err)
		}
	}

	// Through C while the agent is registered with A.
	if _, ok := svcC.rcv.Lookup(hv); ok {
		t.Fatal("the agent registered with C too")
	}
	lifecycle()

	// A goes away: the agent fails over to C, which goes on.
	nodeA.Stop()
	session(nodeC.Name())
	if _, ok := svcC.rcv.Lookup(hv); !ok {
		t.Fatal("C's receiver does not know the agent after the fail-over")
	}
	hostRecorded()
	lifecycle()
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
