package chunter_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/client/clienttest"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/driver/drivertest"
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// An agent in the control node itself registers, reports its VMs and
// beats; the receiver's directory finds it.
func TestRegisterReportAndHeartbeat(t *testing.T) {
	n := node(t)
	rcv, rec := clienttest.StartReceiver(t, n)
	d := newSim(t, hv1, sim.Options{MemoryMB: 8192, ReservedMB: 512, NICTags: []string{"admin", "storage"}})
	if err := d.Create(ctx30(t), zone(vmID(7), 256)); err != nil {
		t.Fatal(err)
	}
	startApp(t, n, newAgent(t, hv1, d))

	waitSessions(t, rec, hv1, 1)
	reg := rec.Sessions()[0]
	want := client.Addr{Node: n.Name(), HV: hv1}
	if reg.Addr != want || reg.Version != "test" || reg.Proto != proto.Version || reg.Refresh {
		t.Fatalf("registration %+v", reg)
	}
	h := reg.Host
	if h.UUID != hv1 || h.Memory.TotalMB != 8192 || h.Memory.ReservedMB != 512 || h.Memory.ProvisionedMB != 256 ||
		len(h.NICTags) != 2 || h.Pools["zones"].SizeMB == 0 || len(h.Virtualisation) == 0 || h.Sysinfo["UUID"] != hv1 {
		t.Fatalf("host report %+v", h)
	}
	l := rec.Lists()[0]
	if l.Addr != want || len(l.VMs) != 1 || l.VMs[0].UUID != vmID(7) || l.VMs[0].State != driver.StateRunning {
		t.Fatalf("vm list %+v", l)
	}
	if a, ok := rcv.Lookup(hv1); !ok || a != want {
		t.Fatalf("lookup %v %v", a, ok)
	}
	runtimetest.WaitFor(t, "heartbeats", func() bool { return len(rec.Heartbeats()) >= 3 })
	hb := rec.Heartbeats()[0]
	if hb.Addr != want || hb.Memory.FreeMB != 8192-512-256 || hb.VMs != 1 {
		t.Fatalf("heartbeat %+v", hb)
	}
	if infos := rcv.Agents(); len(infos) != 1 || infos[0].Version != "test" || infos[0].LastSeen.Before(infos[0].Registered) {
		t.Fatalf("agents %+v", infos)
	}
}

// Every command through the client, with the agent in the caller's node.
func TestCommandsLocal(t *testing.T) {
	n := node(t)
	_, rec := clienttest.StartReceiver(t, n)
	d := newSim(t, hv1, sim.Options{MemoryMB: 16384})
	startApp(t, n, newAgent(t, hv1, d))
	waitSessions(t, rec, hv1, 1)
	exercise(t, client.New(n), client.Addr{Node: n.Name(), HV: hv1}, d, rec)
}

// Several simulated hypervisors share a node; each has its own agent.
func TestTwoHypervisorsInOneNode(t *testing.T) {
	n := node(t)
	rcv, rec := clienttest.StartReceiver(t, n)
	d1 := newSim(t, hv1, sim.Options{MemoryMB: 2048})
	d2 := newSim(t, hv2, sim.Options{MemoryMB: 4096})
	startApp(t, n, newAgent(t, hv1, d1), newAgent(t, hv2, d2))
	waitSessions(t, rec, hv1, 1)
	waitSessions(t, rec, hv2, 1)
	c := client.New(n).ByHV(rcv)
	ctx := ctx30(t)
	if err := c.Reserve(ctx, hv1, vmID(1), 3000); !errors.Is(err, driver.ErrNoMemory) {
		t.Fatalf("hv1 reserve: %v", err)
	}
	if err := c.Reserve(ctx, hv2, vmID(1), 3000); err != nil {
		t.Fatalf("hv2 reserve: %v", err)
	}
	if err := c.Create(ctx, hv2, zone(vmID(2), 512)); err != nil {
		t.Fatal(err)
	}
	if vms, err := c.List(ctx, hv2); err != nil || len(vms) != 1 {
		t.Fatalf("hv2 list %v %v", vms, err)
	}
	if vms, err := c.List(ctx, hv1); err != nil || len(vms) != 0 {
		t.Fatalf("hv1 list %v %v", vms, err)
	}
	if err := c.Start(ctx, "33333333-3333-4333-8333-333333333333", vmID(2)); !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("unknown hypervisor: %v", err)
	}
}

// Requests for another hypervisor and requests the agent does not know
// are refused at once.
func TestRefusedRequests(t *testing.T) {
	n := node(t)
	d := newSim(t, hv1, sim.Options{})
	startApp(t, n, newAgent(t, hv1, d))
	ctx := ctx30(t)
	v, err := n.Call(ctx, proto.AgentName(hv1), proto.Get{HV: hv2, VM: vmID(1)})
	if err != nil || !errors.Is(v.(proto.Reply).Err(), driver.ErrInvalid) {
		t.Fatalf("other hypervisor: %+v %v", v, err)
	}
	v, err = n.Call(ctx, proto.AgentName(hv1), proto.Heartbeat{HV: hv1})
	if err != nil || !errors.Is(v.(proto.Reply).Err(), proto.ErrUnsupported) {
		t.Fatalf("unknown request: %+v %v", v, err)
	}
	v, err = n.Call(ctx, proto.AgentName(hv1), proto.Create{HV: hv1, Spec: []byte{0xff}})
	if err != nil || !errors.Is(v.(proto.Reply).Err(), driver.ErrInvalid) {
		t.Fatalf("bad payload: %+v %v", v, err)
	}
}

// Concurrent reservations never over-commit the host: exactly as many as
// fit are admitted, the others are driver.ErrNoMemory.
func TestConcurrentReservesNeverOvercommit(t *testing.T) {
	n := node(t)
	d := newSim(t, hv1, sim.Options{MemoryMB: 10 * 1024})
	startApp(t, n, newAgent(t, hv1, d))
	c, addr, ctx := client.New(n), client.Addr{Node: n.Name(), HV: hv1}, ctx30(t)

	var admitted, refused atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.Reserve(ctx, addr, vmID(100+i), 1024)
			switch {
			case err == nil:
				admitted.Add(1)
			case errors.Is(err, driver.ErrNoMemory):
				refused.Add(1)
			default:
				t.Errorf("reserve %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if admitted.Load() != 10 || refused.Load() != 30 {
		t.Fatalf("admitted %d refused %d, want 10 and 30", admitted.Load(), refused.Load())
	}
	h, err := c.Sysinfo(ctx, addr)
	if err != nil || h.Memory.ProvisionedMB != 10*1024 || h.Memory.FreeMB != 0 {
		t.Fatalf("memory %+v %v", h.Memory, err)
	}
}

// A long command does not hold the agent up: while a create waits on the
// hypervisor, reservations and queries are served, and a command on the
// same VM waits for the create and then runs.
func TestLongCommandDoesNotBlock(t *testing.T) {
	n := node(t)
	clock := drivertest.NewManualClock(time.Unix(1_700_000_000, 0))
	d := newSim(t, hv1, sim.Options{Clock: clock, Delays: sim.Delays{Create: time.Minute}})
	o := fastOptions(hv1, d)
	m := o.Metrics
	a, err := chunter.New(o)
	if err != nil {
		t.Fatal(err)
	}
	startApp(t, n, a)
	c, addr, ctx := client.New(n), client.Addr{Node: n.Name(), HV: hv1}, ctx30(t)
	vm := vmID(1)

	created := make(chan error, 1)
	go func() { created <- c.Create(ctx, addr, zone(vm, 1024)) }()
	if err := clock.BlockUntil(ctx, 1); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- c.Stop(ctx, addr, vm, false) }()
	runtimetest.WaitFor(t, "stop queued behind the create", func() bool { return testutil.ToFloat64(m.Waiting) == 1 })

	if err := c.Reserve(ctx, addr, vmID(2), 512); err != nil {
		t.Fatalf("reserve during create: %v", err)
	}
	if v, err := c.Get(ctx, addr, vm); err != nil || v.State != driver.StateProvisioning {
		t.Fatalf("get during create: %+v %v", v, err)
	}
	clock.Advance(time.Minute)
	if err := <-created; err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("stop queued behind the create: %v", err)
	}
	if w := testutil.ToFloat64(m.Waiting); w != 0 {
		t.Fatalf("%v commands still waiting", w)
	}
	if v, err := c.Get(ctx, addr, vm); err != nil || v.State != driver.StateStopped {
		t.Fatalf("after create and stop: %+v %v", v, err)
	}
}

// Stopping the agent answers the running command (cut short) and the
// queued ones (unavailable): no caller hangs.
func TestStopAnswersPendingCommands(t *testing.T) {
	n := node(t)
	clock := drivertest.NewManualClock(time.Unix(1_700_000_000, 0))
	d := newSim(t, hv1, sim.Options{Clock: clock, Delays: sim.Delays{Create: time.Hour}})
	o := fastOptions(hv1, d)
	a, err := chunter.New(o)
	if err != nil {
		t.Fatal(err)
	}
	app := startApp(t, n, a)
	c, addr, ctx := client.New(n), client.Addr{Node: n.Name(), HV: hv1}, ctx30(t)
	vm := vmID(1)

	created := make(chan error, 1)
	go func() { created <- c.Create(ctx, addr, zone(vm, 1024)) }()
	if err := clock.BlockUntil(ctx, 1); err != nil {
		t.Fatal(err)
	}
	started := make(chan error, 1)
	go func() { started <- c.Start(ctx, addr, vm) }()
	runtimetest.WaitFor(t, "start queued behind the create", func() bool { return testutil.ToFloat64(o.Metrics.Waiting) == 1 })
	if err := supervisors.StopApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	if err := <-created; !errors.Is(err, context.Canceled) {
		t.Fatalf("running create: %v, want canceled", err)
	}
	if err := <-started; !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("queued start: %v, want unavailable", err)
	}
}

// A restarted agent application opens a new session and reports every VM
// of the host, so the control plane reconciles its records.
func TestAppRestartReportsVMList(t *testing.T) {
	n := node(t)
	_, rec := clienttest.StartReceiver(t, n)
	d := newSim(t, hv1, sim.Options{})
	a := newAgent(t, hv1, d)
	app := startApp(t, n, a)
	waitSessions(t, rec, hv1, 1)
	c, addr, ctx := client.New(n), client.Addr{Node: n.Name(), HV: hv1}, ctx30(t)
	for i := 1; i <= 2; i++ {
		if err := c.Create(ctx, addr, zone(vmID(i), 256)); err != nil {
			t.Fatal(err)
		}
	}
	if err := supervisors.StopApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	// While the agent is down the host changes.
	if err := d.Stop(ctx, vmID(2), true); err != nil {
		t.Fatal(err)
	}
	if err := supervisors.StartApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	waitSessions(t, rec, hv1, 2)
	lists := rec.Lists()
	last := lists[len(lists)-1]
	if len(last.VMs) != 2 || last.VMs[0].UUID != vmID(1) || last.VMs[1].State != driver.StateStopped {
		t.Fatalf("vm list after restart %+v", last.VMs)
	}
	if st, _ := rec.State(vmID(2)); st != driver.StateStopped {
		t.Fatalf("control plane holds %s for vm 2", st)
	}
	if downs := rec.Downs(); len(downs) == 0 || downs[0].HV != hv1 {
		t.Fatalf("agent down not reported: %v", downs)
	}
}

// State changes made on the host by itself reach the control plane, and
// the periodic VM list repairs what a lost message would have missed.
func TestStateChangesAndResync(t *testing.T) {
	n := node(t)
	_, rec := clienttest.StartReceiver(t, n)
	d := newSim(t, hv1, sim.Options{})
	o := fastOptions(hv1, d)
	o.ResyncInterval = 100 * time.Millisecond
	a, err := chunter.New(o)
	if err != nil {
		t.Fatal(err)
	}
	startApp(t, n, a)
	waitSessions(t, rec, hv1, 1)
	ctx := ctx30(t)
	if err := d.Create(ctx, zone(vmID(1), 256)); err != nil {
		t.Fatal(err)
	}
	if err := d.SetState(vmID(1), driver.StateShuttingDown); err != nil {
		t.Fatal(err)
	}
	runtimetest.WaitFor(t, "crash reported", func() bool {
		st, ok := rec.State(vmID(1))
		return ok && st == driver.StateShuttingDown
	})
	runtimetest.WaitFor(t, "resyncs", func() bool {
		n := 0
		for _, l := range rec.Lists() {
			if len(l.VMs) == 1 && l.VMs[0].State == driver.StateShuttingDown {
				n++
			}
		}
		return n >= 2
	})
	if s := rec.Sessions(); len(s) != 1 {
		t.Fatalf("a resync is not a new session: %d sessions", len(s))
	}
}

// A control plane that refuses a registration (its store is busy, say)
// is asked again after a backoff; a heartbeat refused is retried too.
func TestRegisterRetriedWhenRefused(t *testing.T) {
	n := node(t)
	_, rec := clienttest.StartReceiver(t, n)
	rec.Fail(clienttest.KindRegister, 2)
	rec.Fail(clienttest.KindVMList, 1)
	d := newSim(t, hv1, sim.Options{})
	startApp(t, n, newAgent(t, hv1, d))
	// Two refused registrations, one accepted whose VM list is refused,
	// and a fourth session that succeeds.
	runtimetest.WaitFor(t, "sessions after the refusals", func() bool {
		return len(rec.Sessions()) >= 4 && len(rec.Lists()) >= 2 && len(rec.Heartbeats()) >= 2
	})
}

// A memory change is reported at once, not at the next heartbeat.
func TestMemoryChangePushesHeartbeat(t *testing.T) {
	n := node(t)
	_, rec := clienttest.StartReceiver(t, n)
	d := newSim(t, hv1, sim.Options{MemoryMB: 4096})
	o := fastOptions(hv1, d)
	o.HeartbeatInterval = time.Hour
	a, err := chunter.New(o)
	if err != nil {
		t.Fatal(err)
	}
	startApp(t, n, a)
	waitSessions(t, rec, hv1, 1)
	c := client.New(n)
	if err := c.Reserve(ctx30(t), client.Addr{Node: n.Name(), HV: hv1}, vmID(1), 1000); err != nil {
		t.Fatal(err)
	}
	runtimetest.WaitFor(t, "heartbeat with the reservation", func() bool {
		for _, h := range rec.Heartbeats() {
			if h.Memory.ProvisionedMB == 1000 && h.Memory.FreeMB == 3096 {
				return true
			}
		}
		return false
	})
}

func TestOptionsValidate(t *testing.T) {
	d := newSim(t, hv1, sim.Options{})
	for _, o := range []chunter.Options{
		{HV: "x", Driver: d},
		{HV: hv1},
		{HV: hv1, Driver: d, Controls: []string{"nohost"}},
		{HV: hv1, Driver: d, Controls: []string{"a@b", "a@b"}},
	} {
		if _, err := chunter.New(o); err == nil {
			t.Errorf("accepted %+v", o)
		}
	}
	a := newAgent(t, hv1, d)
	if _, err := chunter.App("v", a, a); err == nil {
		t.Error("app accepted a hypervisor twice")
	}
	if _, err := chunter.App("v"); err == nil {
		t.Error("app accepted no agents")
	}
	if a.Name() != proto.AgentName(hv1) || a.HV() != hv1 {
		t.Errorf("names %s %s", a.Name(), a.HV())
	}
}
