package sniffle

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/driver/drivertest"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// hostWorld is sniffle on a control node with one hypervisor whose agent
// runs on a node of its own, to be killed and started again over the
// same simulated host (a state file).
type hostWorld struct {
	t     *testing.T
	ctx   context.Context
	ctl   *runtime.Node
	svc   *Service
	v     *vms.Service
	cl    *cloud.Service
	user  string
	req   vms.CreateRequest
	hv    string
	state string // the host's state file
}

func newHostWorld(t *testing.T) *hostWorld { return newHostWorldWith(t, Options{}) }

func newHostWorldWith(t *testing.T, o Options) *hostWorld {
	t.Helper()
	runtimetest.StartNode(t) // the test's registrar (EPMD), stopped last
	w := &hostWorld{t: t, ctx: context.Background(), ctl: runtimetest.StartNode(t),
		hv: "00000000-0000-4000-8000-00000000000a", state: filepath.Join(t.TempDir(), "host.json")}
	id, cl, user, req := seed(t)
	w.cl, w.user, w.req = cl, user, req
	svc, err := Build(Deps{Node: w.ctl, Cloud: cl, Identity: id}, o)
	w.must(err)
	w.svc, w.v = svc, svc.VMs()
	app := svc.App("test")
	sctx, cancel := context.WithTimeout(w.ctx, 30*time.Second)
	defer cancel()
	w.must(supervisors.StartApp(sctx, w.ctl, app))
	t.Cleanup(func() { supervisors.StopApp(context.Background(), w.ctl, app) })
	return w
}

func (w *hostWorld) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// host starts the simulated host (over the state file) with clock (nil:
// the system's) and delays, and its agent on a new node registered with
// sniffle.
func (w *hostWorld) host(clock driver.Clock, delays sim.Delays) (*sim.Driver, *runtime.Node) {
	w.t.Helper()
	return w.hostOf(w.hv, w.state, clock, delays)
}

// hostOf starts hypervisor hv over stateFile ("": none), as host does.
func (w *hostWorld) hostOf(hv, stateFile string, clock driver.Clock, delays sim.Delays) (*sim.Driver, *runtime.Node) {
	w.t.Helper()
	d, err := sim.New(sim.Options{UUID: hv, MemoryMB: 4096, StateFile: stateFile, Clock: clock, Delays: delays,
		Images: []driver.Image{{UUID: dataset, Type: "zone-dataset", OS: "smartos"}}})
	w.must(err)
	agent, err := chunter.New(chunter.Options{HV: hv, Driver: d, Controls: []string{w.ctl.Name()},
		HeartbeatInterval: time.Hour, ResyncInterval: 200 * time.Millisecond})
	w.must(err)
	n := runtimetest.StartNode(w.t)
	app, err := chunter.App("test", agent)
	w.must(err)
	sctx, cancel := context.WithTimeout(w.ctx, 30*time.Second)
	defer cancel()
	w.must(supervisors.StartApp(sctx, n, app))
	w.t.Cleanup(d.Crash) // before the node stops: no write into the removed temporary directory
	waitLong(w.t, "the agent registered", func() bool {
		a, ok := w.svc.rcv.Lookup(hv)
		_, err := w.cl.Hypervisor(w.ctx, hv)
		return ok && a.Node == n.Name() && err == nil
	})
	return d, n
}

// kill stops the host as kill -9 would: its state file as it is, its
// agent's node gone.
func (w *hostWorld) kill(d *sim.Driver, n *runtime.Node) {
	w.t.Helper()
	d.Crash()
	w.must(n.Stop())
}

// running creates a VM and waits for it to run.
func (w *hostWorld) running() string {
	w.t.Helper()
	vid, err := w.svc.Create(w.ctx, w.user, w.req, false)
	w.must(err)
	waitLong(w.t, "vm "+vid+" running", func() bool {
		vm, err := w.v.Get(w.ctx, vid)
		return err == nil && vm.Creating.IsZero() && vm.State == string(driver.StateRunning)
	})
	return vid
}

// gone waits until VM vid (whose leases were leases) is deleted from
// sniffle and from host d, its addresses free.
func (w *hostWorld) gone(d *sim.Driver, vid string, leases map[string]any) {
	w.t.Helper()
	var why string
	waitLong(w.t, "vm "+vid+" deleted", func() bool {
		vm, err := w.v.Get(w.ctx, vid)
		if !errors.Is(err, cloud.ErrNotFound) {
			why = "sniffle has it: " + vm.State
			return false
		}
		if _, err := d.Get(w.ctx, vid); !errors.Is(err, driver.ErrNotFound) {
			why = "the host has it"
			return false
		}
		return true
	}, func() string { return why })
	for ip, r := range leases {
		if h, err := w.cl.LeaseHolder(w.ctx, r.(string), ip); !errors.Is(err, cloud.ErrNotFound) {
			w.t.Fatalf("ip %s of the deleted vm: held by %q (%v)", ip, h, err)
		}
	}
}

// TestDeleteFailedVMOnItsHost: a VM its host reports failed is still on
// the host; deleting it has the host delete it too, leaving no orphan
// zone there.
func TestDeleteFailedVMOnItsHost(t *testing.T) {
	w := newHostWorld(t)
	d, _ := w.host(nil, sim.Delays{})
	vid := w.running()
	w.must(d.SetState(vid, driver.StateFailed))
	waitLong(t, "the vm failed", func() bool {
		vm, err := w.v.Get(w.ctx, vid)
		return err == nil && vm.State == vms.StateFailed
	})
	vm, err := w.v.Get(w.ctx, vid)
	w.must(err)
	w.must(w.v.Delete(w.ctx, vid))
	w.gone(d, vid, vm.IPRangeMap)
}

// TestDeleteResumesAfterAgentDeath: the host's agent dies while it
// deletes a VM (the zone halted, not yet destroyed), so the delete call
// fails and the VM stays deleting. When the agent is back and lists the
// VM, the delete resumes: the host deletes it and sniffle frees what it
// held.
func TestDeleteResumesAfterAgentDeath(t *testing.T) {
	w := newHostWorld(t)
	clock := drivertest.NewManualClock(time.Now())
	d, n := w.host(clock, sim.Delays{Delete: time.Minute})
	vid := w.running()
	vm, err := w.v.Get(w.ctx, vid)
	w.must(err)
	deleted := make(chan error, 1)
	go func() { deleted <- w.v.Delete(w.ctx, vid) }()
	wctx, cancel := context.WithTimeout(w.ctx, time.Minute)
	defer cancel()
	w.must(clock.BlockUntil(wctx, 1)) // the host is destroying the zone
	w.kill(d, n)
	select {
	case err := <-deleted:
		if err == nil {
			t.Fatal("the delete succeeded though the agent died in the middle")
		}
	case <-wctx.Done():
		t.Fatal("the delete call never returned")
	}
	if vm, err := w.v.Get(w.ctx, vid); err != nil || !vm.Deleting {
		t.Fatalf("vm after the cut delete: %+v %v, want deleting", vm.State, err)
	}
	hs, err := sim.ReadStateFile(w.state, w.hv)
	w.must(err)
	if len(hs.VMs) != 1 || hs.VMs[0].Spec.UUID != vid {
		t.Fatalf("the host at the crash: %+v, want the half-deleted vm", hs.VMs)
	}
	d2, _ := w.host(nil, sim.Delays{})
	w.gone(d2, vid, vm.IPRangeMap)
}

// TestStaleVMListKeepsNewVM: a VM list the agent took before a create
// finished, handled after it, does not show the new VM; sniffle asks the
// agent before concluding the VM is gone, so the VM stays running.
func TestStaleVMListKeepsNewVM(t *testing.T) {
	w := newHostWorld(t)
	d, _ := w.host(nil, sim.Delays{})
	before, err := d.List(w.ctx)
	w.must(err)
	taken := time.Now()
	vid := w.running()
	addr, ok := w.svc.rcv.Lookup(w.hv)
	if !ok {
		t.Fatal("agent not registered")
	}
	w.must(w.svc.Control().OnVMList(w.ctx, client.VMList{Addr: addr, Time: taken, VMs: before}))
	vm, err := w.v.Get(w.ctx, vid)
	w.must(err)
	if vm.State != string(driver.StateRunning) {
		t.Fatalf("vm after a stale list: %s (%q), want running", vm.State, vm.Error)
	}
	if _, err := d.Get(w.ctx, vid); err != nil {
		t.Fatalf("the host lost the vm: %v", err)
	}
}

// TestDeleteResumesOnStart: a delete the host's agent could not answer
// leaves the VM deleting; when sniffle starts again its recovery resumes
// the delete.
func TestDeleteResumesOnStart(t *testing.T) {
	w := newWorld(t, 1, 0)
	stop := startApp(t, w.svc)
	ctx := context.Background()
	vid, err := w.svc.Create(ctx, w.user, w.req, false)
	if err != nil {
		t.Fatal(err)
	}
	v := w.svc.VMs()
	runtimetest.WaitFor(t, "the vm running", func() bool {
		vm, err := v.Get(ctx, vid)
		return err == nil && vm.State == string(driver.StateRunning)
	})
	vm, _ := v.Get(ctx, vid)
	host, err := w.agents.Host(vm.Hypervisor)
	if err != nil {
		t.Fatal(err)
	}
	if err := host.InjectFault(sim.Fault{Op: sim.OpDelete, Nth: 1, Err: client.ErrUnavailable}); err != nil {
		t.Fatal(err)
	}
	if err := v.Delete(ctx, vid); err == nil {
		t.Fatal("the delete succeeded though the agent could not answer")
	}
	if vm, err := v.Get(ctx, vid); err != nil || !vm.Deleting {
		t.Fatalf("vm after the failed delete: %s %v, want deleting", vm.State, err)
	}
	stop()
	startApp(t, w.svc)
	runtimetest.WaitFor(t, "the delete resumed", func() bool {
		_, err := v.Get(ctx, vid)
		_, herr := host.Get(ctx, vid)
		return errors.Is(err, cloud.ErrNotFound) && errors.Is(herr, driver.ErrNotFound)
	})
}

// TestWaitingCreateHoldsNoSlot: a create waiting for its silent host
// gives up its place among the creates that run at once, so with room
// for one create at a time another VM is still created elsewhere.
func TestWaitingCreateHoldsNoSlot(t *testing.T) {
	w := newHostWorldWith(t, Options{Concurrency: 1})
	clock := drivertest.NewManualClock(time.Now())
	d, n := w.host(clock, sim.Delays{Create: time.Minute})
	first, err := w.svc.Create(w.ctx, w.user, w.req, false)
	w.must(err)
	wctx, cancel := context.WithTimeout(w.ctx, time.Minute)
	defer cancel()
	w.must(clock.BlockUntil(wctx, 1)) // the host is creating it
	w.kill(d, n)
	waitLong(t, "the first create waiting for its host", func() bool {
		vm, err := w.v.Get(w.ctx, first)
		return err == nil && vm.Creating.Phase == vms.PhaseAwaitingHost
	})
	w.hostOf("00000000-0000-4000-8000-00000000000b", "", nil, sim.Delays{})
	second := w.running()
	if vm, _ := w.v.Get(w.ctx, second); vm.Hypervisor != "00000000-0000-4000-8000-00000000000b" {
		t.Fatalf("second vm on %q", vm.Hypervisor)
	}
	if vm, _ := w.v.Get(w.ctx, first); vm.Creating.Phase != vms.PhaseAwaitingHost || vm.Hypervisor != w.hv {
		t.Fatalf("first vm: %s on %q (%+v), want still waiting for its host", vm.State, vm.Hypervisor, vm.Creating)
	}
}
