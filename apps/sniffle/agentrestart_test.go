package sniffle

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/driver/drivertest"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// TestAgentKilledMidCreate kills a hypervisor's agent node while VMs are
// being created on it — some still provisioning, some booting — as kill
// -9 would: the simulated host's state file stops where it is
// (sim.Driver.Crash) and the node dies. The create calls end without an
// answer, so the host may or may not have each VM: the creates keep
// their placement and addresses and wait for the host (an address of a
// VM the host may run is never released to another). The agent comes
// back on a new node with the same host (a new sim.Driver on the same
// state file: the half-created VMs are gone, the booting ones run). Then
// every VM's state in sniffle is its host's, none is transitional, a
// failed one says why, no VM is on a host sniffle does not place it on,
// and every address a host runs is leased to its VM.
func TestAgentKilledMidCreate(t *testing.T) {
	// A returns while the creates wait: the VMs it has are adopted, the
	// others placed again.
	t.Run("returns", func(t *testing.T) { agentKilledMidCreate(t, false) })
	// A returns after the creates gave up waiting (CreateHostWait): the
	// VMs failed, their addresses kept until A, back, confirms it does
	// not have them — the booting ones it has are deleted from it first.
	t.Run("returns late", func(t *testing.T) { agentKilledMidCreate(t, true) })
}

func agentKilledMidCreate(t *testing.T, late bool) {
	runtimetest.StartNode(t) // the test's registrar (EPMD), stopped last
	ctl := runtimetest.StartNode(t)
	ctx := context.Background()
	id, cl, user, req := seed(t)
	opts := Options{}
	if late {
		opts.CreateHostWait = time.Second
	}
	svc, err := Build(Deps{Node: ctl, Cloud: cl, Identity: id}, opts)
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
	start := func(n *runtime.Node, agents ...*chunter.Agent) supervisors.App {
		t.Helper()
		app, err := chunter.App("test", agents...)
		must(err)
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		must(supervisors.StartApp(sctx, n, app))
		return app
	}
	sniffleApp := svc.App("test")
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	must(supervisors.StartApp(sctx, ctl, sniffleApp))
	t.Cleanup(func() { supervisors.StopApp(context.Background(), ctl, sniffleApp) })

	imgs := []driver.Image{{UUID: dataset, Type: "zone-dataset", OS: "smartos"}}
	hvA, hvB := "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"
	stateFile := filepath.Join(t.TempDir(), "host-a.json")
	registered := func(hv string) {
		t.Helper()
		waitLong(t, hv+" registered", func() bool {
			_, ok := svc.rcv.Lookup(hv)
			_, err := cl.Hypervisor(ctx, hv)
			return ok && err == nil
		})
	}

	// Host A: creates and boots take a minute of its manual clock, so
	// they stay in flight until the test moves it.
	clock := drivertest.NewManualClock(time.Now())
	a, err := sim.New(sim.Options{UUID: hvA, MemoryMB: 4096, Images: imgs, StateFile: stateFile, Clock: clock,
		Delays: sim.Delays{Create: time.Minute, Boot: time.Minute}})
	must(err)
	agentA, err := chunter.New(chunter.Options{HV: hvA, Driver: a, Controls: []string{ctl.Name()}, HeartbeatInterval: time.Hour})
	must(err)
	nodeA := runtimetest.StartNode(t)
	start(nodeA, agentA)
	registered(hvA)

	// Three VMs get to booting on A, three more to provisioning.
	var ids []string
	create := func(n int) {
		for range n {
			r := req
			r.Config.Alias = fmt.Sprint("vm", len(ids))
			vid, err := svc.Create(ctx, user, r, false)
			must(err)
			ids = append(ids, vid)
		}
	}
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	create(3)
	must(clock.BlockUntil(wctx, 3))
	clock.Advance(time.Minute)
	must(clock.BlockUntil(wctx, 3))
	booting := slices.Clone(ids)
	create(3)
	must(clock.BlockUntil(wctx, 6))
	for i, vid := range ids {
		want := driver.StateBooting
		if i >= 3 {
			want = driver.StateProvisioning
		}
		if vm, err := a.Get(ctx, vid); err != nil || vm.State != want {
			t.Fatalf("vm %d on A: %s %v, want %s", i, vm.State, err, want)
		}
	}

	// What sniffle leased to each VM, placed on A.
	leases := map[string]map[string]any{}
	for _, vid := range ids {
		vm, err := v.Get(ctx, vid)
		must(err)
		if vm.Hypervisor != hvA || len(vm.IPRangeMap) == 0 {
			t.Fatalf("vm %s: on %q with leases %v before the crash", vid, vm.Hypervisor, vm.IPRangeMap)
		}
		leases[vid] = vm.IPRangeMap
	}
	held := func(vid string) string { // "" when every lease of vid is still its own
		for ip, r := range leases[vid] {
			if h, err := cl.LeaseHolder(ctx, r.(string), ip); err != nil || h != vid {
				return fmt.Sprintf("vm %s: ip %s held by %q (%v)", vid, ip, h, err)
			}
		}
		return ""
	}

	// Host B joins; then A's agent node dies with its host as it is.
	b, err := sim.New(sim.Options{UUID: hvB, MemoryMB: 4096, Images: imgs})
	must(err)
	agentB, err := chunter.New(chunter.Options{HV: hvB, Driver: b, HeartbeatInterval: time.Hour})
	must(err)
	appB := start(ctl, agentB)
	t.Cleanup(func() { supervisors.StopApp(context.Background(), ctl, appB) })
	registered(hvB)
	a.Crash()
	must(nodeA.Stop())

	// Every create settles while A is away: waiting for A (or, late,
	// given up), or (before the fix) running on B.
	waitLong(t, "the creates settled while A is away", func() bool {
		for _, vid := range ids {
			vm, err := v.Get(ctx, vid)
			if err != nil {
				return false
			}
			waiting := vm.Creating.Phase == vms.PhaseAwaitingHost
			done := vm.Creating.IsZero() && (vm.State == string(driver.StateRunning) || vm.State == vms.StateFailed)
			if late && !done || !waiting && !done {
				return false
			}
		}
		return true
	})
	for _, vid := range ids {
		vm, _ := v.Get(ctx, vid)
		if vm.Hypervisor != hvA {
			t.Errorf("vm %s: on %q while A, which may have it, is away (%s)", vid, vm.Hypervisor, vm.State)
		}
		if late && (vm.State != vms.StateFailed || !strings.Contains(vm.Error, "did not answer")) {
			t.Errorf("vm %s: %s (%q), want failed waiting for A", vid, vm.State, vm.Error)
		}
		if why := held(vid); why != "" {
			t.Errorf("address released while A may run the VM: %s", why)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// A comes back on a new node: the same host, settled.
	a2, err := sim.New(sim.Options{UUID: hvA, MemoryMB: 4096, Images: imgs, StateFile: stateFile})
	must(err)
	list, err := a2.List(ctx)
	must(err)
	var back []string
	for _, vm := range list {
		if vm.State != driver.StateRunning {
			t.Fatalf("restored host: %s %s", vm.UUID, vm.State)
		}
		back = append(back, vm.UUID)
	}
	slices.Sort(booting)
	if !slices.Equal(back, booting) {
		t.Fatalf("restored host runs %v, want the VMs that were booting %v", back, booting)
	}
	agentA2, err := chunter.New(chunter.Options{HV: hvA, Driver: a2, Controls: []string{ctl.Name()},
		HeartbeatInterval: time.Hour, ResyncInterval: 200 * time.Millisecond})
	must(err)
	nodeA2 := runtimetest.StartNode(t)
	start(nodeA2, agentA2)

	hosts := map[string]*sim.Driver{hvA: a2, hvB: b}
	var last string
	waitLong(t, "sniffle and the hosts agree", func() bool {
		last = agree(ctx, v, ids, hosts)
		for _, vid := range ids {
			// Late: A, back, confirms each VM absent (deleting its copy
			// first), which frees the VM's addresses.
			if vm, err := v.Get(ctx, vid); late && last == "" && (err != nil || vm.Hypervisor != "" || held(vid) == "") {
				last = fmt.Sprintf("vm %s: failed on %q, its addresses held: %v", vid, vm.Hypervisor, held(vid) == "")
			}
		}
		return last == ""
	}, func() string { return last })
	if why := hostIPsLeased(ctx, cl, hosts); why != "" {
		t.Fatal(why)
	}
	for _, vid := range ids {
		vm, _ := v.Get(ctx, vid)
		switch {
		case !late && vm.State != string(driver.StateRunning):
			t.Errorf("vm %s ended %s (%s), want running: a host had room", vid, vm.State, vm.Error)
		case late && (vm.State != vms.StateFailed || vm.Hypervisor != ""):
			t.Errorf("vm %s ended %s on %q, want failed on none (A confirmed it absent)", vid, vm.State, vm.Hypervisor)
		case late && held(vid) == "":
			t.Errorf("vm %s: failed and confirmed absent, its addresses still leased to it", vid)
		}
	}
}

// hostIPsLeased reports ("" when none) an address a host runs that is not
// leased to the VM running it, or that two VMs run.
func hostIPsLeased(ctx context.Context, cl *cloud.Service, hosts map[string]*sim.Driver) string {
	ranges, err := cl.List(ctx, cloud.IPRanges)
	if err != nil {
		return err.Error()
	}
	by := map[string]string{}
	for hv, d := range hosts {
		list, err := d.List(ctx)
		if err != nil {
			return err.Error()
		}
		for _, vm := range list {
			for _, nic := range vm.NICs {
				if other, ok := by[nic.IP]; ok {
					return fmt.Sprintf("ip %s run by vm %s and vm %s", nic.IP, other, vm.UUID)
				}
				by[nic.IP] = vm.UUID
				leased := false
				for _, r := range ranges {
					if h, err := cl.LeaseHolder(ctx, r, nic.IP); err == nil && h == vm.UUID {
						leased = true
					}
				}
				if !leased {
					return fmt.Sprintf("ip %s, run by vm %s on %s, is not leased to it", nic.IP, vm.UUID, hv)
				}
			}
		}
	}
	return ""
}

// waitLong polls cond until it holds, failing after a minute with what
// explain says.
func waitLong(t *testing.T, what string, cond func() bool, explain ...func() string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			why := ""
			for _, e := range explain {
				why += "\n" + e()
			}
			t.Fatalf("timed out waiting for %s%s", what, why)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// hostVMs lists what the hosts run: VM uuid → hypervisor and state.
type placedVM struct {
	hv    string
	state driver.State
}

func hostVMs(hosts map[string]*sim.Driver) (map[string]placedVM, error) {
	out := map[string]placedVM{}
	for hv, d := range hosts {
		list, err := d.List(context.Background())
		if err != nil {
			return nil, err
		}
		for _, vm := range list {
			if prev, ok := out[vm.UUID]; ok {
				return nil, fmt.Errorf("vm %s on %s and on %s", vm.UUID, prev.hv, hv)
			}
			out[vm.UUID] = placedVM{hv: hv, state: vm.State}
		}
	}
	return out, nil
}

// agree reports how sniffle's VMs and the hosts' disagree ("" when they
// agree): each VM settled, on a host exactly when sniffle places it
// there and in the host's state, a failed one with its reason logged,
// and every VM a host runs known to sniffle on that host.
func agree(ctx context.Context, v *vms.Service, ids []string, hosts map[string]*sim.Driver) string {
	on, err := hostVMs(hosts)
	if err != nil {
		return err.Error()
	}
	var bad []string
	for _, id := range ids {
		vm, err := v.Get(ctx, id)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", id, err))
			continue
		}
		h, onHost := on[id]
		delete(on, id)
		switch {
		case !vm.Creating.IsZero() || !slices.Contains([]string{"running", "stopped", vms.StateFailed}, vm.State):
			bad = append(bad, fmt.Sprintf("%s: %s (creating %+v)", id, vm.State, vm.Creating))
		case onHost && (vm.Hypervisor != h.hv || vm.State != string(h.state)):
			bad = append(bad, fmt.Sprintf("%s: sniffle %s on %q, host %s has it %s", id, vm.State, vm.Hypervisor, h.hv, h.state))
		case !onHost && vm.State != vms.StateFailed:
			bad = append(bad, fmt.Sprintf("%s: sniffle %s on %q, no host has it", id, vm.State, vm.Hypervisor))
		case vm.State == vms.StateFailed && (vm.Error == "" || !logged(vm, vm.Error)):
			bad = append(bad, fmt.Sprintf("%s: failed without a reason in its log (error %q)", id, vm.Error))
		}
	}
	for id, h := range on {
		bad = append(bad, fmt.Sprintf("%s: %s on host %s, unknown to sniffle", id, h.state, h.hv))
	}
	slices.Sort(bad)
	return strings.Join(bad, "\n")
}

func logged(vm record.VM, line string) bool {
	for _, l := range vm.Logs {
		if l.Log == line {
			return true
		}
	}
	return false
}
