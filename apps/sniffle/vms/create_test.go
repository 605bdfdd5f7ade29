package vms

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

func lastLog(vm record.VM) string {
	if len(vm.Logs) == 0 {
		return ""
	}
	last := vm.Logs[0]
	for _, l := range vm.Logs {
		if l.Date >= last.Date {
			last = l
		}
	}
	return last.Log
}

func TestCreateHappyPath(t *testing.T) {
	f := newFixture(t, 2, 4096, 1024, 10)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.id.ChangeResource(f.ctx, f.org, "vms", 5))
	r, _ := f.cloud.Get(f.ctx, cloud.Packages, f.pkg)
	_ = r
	trig, err := f.id.AddTrigger(f.ctx, f.org, identity.OrgTrigger{Event: identity.EventVMCreate, Action: identity.ActionUserGrant,
		Target: f.user, Base: "vms", Permission: []string{"owned"}})
	must(err)
	_ = trig

	id, err := f.Register(f.ctx, f.user, f.request("web1"), false)
	must(err)
	// Creator grants exist before the create runs.
	for _, p := range []perm.Permission{{"vms", id, "start"}, {"channels", id, "join"}} {
		if ok, _ := f.id.UserAllowed(f.ctx, f.user, p); !ok {
			t.Fatalf("creator lacks %v after Register", p)
		}
	}
	vm, err := f.Get(f.ctx, id)
	must(err)
	if vm.State != StatePooled || vm.Creating.Phase != StatePooled {
		t.Fatalf("registered VM: state %q creating %+v", vm.State, vm.Creating)
	}
	must(f.Run(f.ctx, id))
	vm, err = f.Get(f.ctx, id)
	must(err)
	if vm.Hypervisor == "" || vm.Hypervisor == "pooled" || !vm.Creating.IsZero() || vm.Owner != f.org {
		t.Fatalf("created VM: hv %q creating %+v owner %q log %v", vm.Hypervisor, vm.Creating, vm.Owner, vm.Logs)
	}
	if len(vm.IPRangeMap) != 1 {
		t.Fatalf("iprange_map %v", vm.IPRangeMap)
	}
	var ip string
	for k := range vm.IPRangeMap {
		ip = k
	}
	if h, err := f.cloud.LeaseHolder(f.ctx, f.ranges[0], ip); err != nil || h != id {
		t.Fatalf("lease of %s: %q %v", ip, h, err)
	}
	host, _ := f.agents.Host(vm.Hypervisor)
	got, err := host.Get(f.ctx, id)
	must(err)
	if len(got.NICs) != 1 || got.NICs[0].IP != ip || got.State != driver.StateRunning {
		t.Fatalf("VM on the host: %+v", got)
	}
	if res, _ := f.id.OrgResources(f.ctx, f.org); res["vms"] != 5 {
		t.Fatalf("a package without org resources changed them: %v", res)
	}
	if ok, _ := f.id.UserAllowed(f.ctx, f.user, perm.Permission{"vms", id, "owned"}); !ok {
		t.Fatal("vm_create trigger did not fire")
	}
	acc, err := f.id.Accounting(f.ctx, f.org, 0, 0)
	must(err)
	if len(acc) != 1 || acc[0].Resource != id || acc[0].Action != "create" {
		t.Fatalf("accounting %+v", acc)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var states []string
	for _, e := range f.events {
		if e.channel == id && e.event == "state" {
			states = append(states, e.event)
		}
	}
	if len(states) < 4 {
		t.Fatalf("state events %v", f.events)
	}
}

func TestCreateFailsWithReason(t *testing.T) {
	t.Run("org resources", func(t *testing.T) {
		f := newFixture(t, 1, 4096, 1024, 10)
		pkg, err := f.cloud.CreatePackage(f.ctx, cloud.PackageSpec{Name: "metered", RAM: 512, CPUCap: 100, Org: map[string]int64{"vms": 1}})
		if err != nil {
			t.Fatal(err)
		}
		req := f.request("x")
		req.Package = pkg
		id, err := f.Register(f.ctx, f.user, req, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Run(f.ctx, id); err != nil {
			t.Fatal(err)
		}
		vm, _ := f.Get(f.ctx, id)
		if vm.State != StateFailed || !strings.Contains(lastLog(vm), "Org cant provide resource vms") || !vm.Creating.IsZero() {
			t.Fatalf("state %q log %q", vm.State, lastLog(vm))
		}
	})
	t.Run("no memory anywhere", func(t *testing.T) {
		f := newFixture(t, 2, 512, 1024, 10)
		vm := f.create(t, "big")
		if vm.State != StateFailed || !strings.Contains(vm.Error, "no hypervisor after 2 attempts") || !strings.Contains(vm.Error, "memory") {
			t.Fatalf("state %q error %q", vm.State, vm.Error)
		}
		// Nothing leaked: the range is whole again.
		if err := f.cloud.FlushIPViews(f.ctx); err != nil {
			t.Fatal(err)
		}
		for _, r := range f.ranges {
			rec, _ := f.cloud.Get(f.ctx, cloud.IPRanges, r)
			ipr, _ := record.IPRangeFromRecord(rec)
			if len(ipr.Used) != 0 {
				t.Fatalf("failed create kept leases: %v", ipr.Used)
			}
		}
	})
	t.Run("dataset not imported", func(t *testing.T) {
		f := newFixture(t, 1, 4096, 1024, 10)
		if err := f.cloud.SetDatasetStatus(f.ctx, f.ds, cloud.DatasetImporting, 0.5); err != nil {
			t.Fatal(err)
		}
		vm := f.create(t, "x")
		if vm.State != StateFailed || !strings.Contains(vm.Error, "not imported") {
			t.Fatalf("state %q error %q", vm.State, vm.Error)
		}
	})
	t.Run("ips exhausted", func(t *testing.T) {
		f := newFixture(t, 1, 8192, 512, 1)
		if vm := f.create(t, "a"); vm.State == StateFailed {
			t.Fatalf("first create failed: %s", vm.Error)
		}
		vm := f.create(t, "b")
		if vm.State != StateFailed {
			t.Fatalf("second create on a full range: %q", vm.State)
		}
		h, _ := f.agents.Host(fmt.Sprintf("00000000-0000-4000-8000-%012d", 0))
		hi, _ := h.Sysinfo(f.ctx)
		if hi.Memory.ProvisionedMB != 512 {
			t.Fatalf("the failed create kept memory: %+v", hi.Memory)
		}
	})
}

func TestRegisterValidates(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 10)
	bad := []CreateRequest{
		{Package: f.pkg, Dataset: f.ds},
		{Package: "nope", Dataset: f.ds, Config: Config{Alias: "x"}},
		{Package: f.pkg, Dataset: "nope", Config: Config{Alias: "x"}},
		{Package: f.pkg, Dataset: f.ds, Config: Config{Alias: "x", Networks: map[string]string{"eth0": f.network}}},
		{Package: f.pkg, Dataset: f.ds, Config: Config{Alias: "x", Networks: map[string]string{"net0": "missing"}}},
	}
	for i, r := range bad {
		if _, err := f.Register(f.ctx, f.user, r, false); err == nil {
			t.Errorf("request %d accepted: %+v", i, r)
		} else if !errors.Is(err, cloud.ErrInvalid) && !errors.Is(err, cloud.ErrNotFound) {
			t.Errorf("request %d: %v", i, err)
		}
	}
}

// TestMemoryRefusalMovesOn: sniffle's view says both hypervisors have
// room, the first candidate's agent refuses the reservation; the VM goes
// to the other.
func TestMemoryRefusalMovesOn(t *testing.T) {
	f := newFixture(t, 2, 2048, 1024, 10)
	hv0 := fmt.Sprintf("00000000-0000-4000-8000-%012d", 0)
	hv1 := fmt.Sprintf("00000000-0000-4000-8000-%012d", 1)
	// Fill both hosts behind sniffle's back, then let hv1 free its memory;
	// sniffle still believes the stale reports (both full → then reset to free).
	for i, hv := range []string{hv0, hv1} {
		h, _ := f.agents.Host(hv)
		if err := h.Reserve(f.ctx, fmt.Sprintf("11111111-0000-4000-8000-%012d", i), 2048); err != nil {
			t.Fatal(err)
		}
	}
	h1, _ := f.agents.Host(hv1)
	if err := h1.Release(f.ctx, fmt.Sprintf("11111111-0000-4000-8000-%012d", 1)); err != nil {
		t.Fatal(err)
	}
	vm := f.create(t, "x")
	if vm.State == StateFailed || vm.Hypervisor != hv1 {
		t.Fatalf("VM on %q (state %q, error %q), want %s", vm.Hypervisor, vm.State, vm.Error, hv1)
	}
}

// TestConcurrentCreates: many creates at once over hypervisors of limited
// memory and two small IP ranges: no address leased twice, no host over
// capacity, every VM created or failed with a reason, and the counts add
// up.
func TestConcurrentCreates(t *testing.T) {
	const (
		hvs     = 10
		hvMem   = 4096
		ram     = 1024
		creates = 120
	)
	f := newFixture(t, hvs, hvMem, ram, 15, 15) // 30 addresses, 40 VM slots
	ids := make([]string, creates)
	for i := range ids {
		id, err := f.Register(f.ctx, f.user, f.request(fmt.Sprint("vm", i)), false)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.Run(f.ctx, id); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	ipOwner := map[string]string{}
	perHV := map[string]int64{}
	created, failed := 0, 0
	for _, id := range ids {
		vm, err := f.Get(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case vm.State == StateFailed:
			failed++
			if vm.Error == "" {
				t.Errorf("vm %s failed without a reason", id)
			}
			if len(vm.IPRangeMap) != 0 && vm.Hypervisor != "" {
				t.Errorf("failed vm %s still placed", id)
			}
		case vm.Hypervisor != "" && vm.Hypervisor != "pooled" && vm.Creating.IsZero():
			created++
			perHV[vm.Hypervisor] += ram
			for ip := range vm.IPRangeMap {
				if prev, dup := ipOwner[ip]; dup {
					t.Errorf("%s leased to %s and %s", ip, prev, id)
				}
				ipOwner[ip] = id
			}
		default:
			t.Errorf("vm %s stuck: state %q creating %+v", id, vm.State, vm.Creating)
		}
	}
	if created+failed != creates {
		t.Fatalf("%d created + %d failed != %d", created, failed, creates)
	}
	if created != 30 {
		t.Errorf("%d created, want 30 (the addresses)", created)
	}
	for hv, used := range perHV {
		if used > hvMem {
			t.Errorf("%s over capacity: %d MB", hv, used)
		}
		h, _ := f.agents.Host(hv)
		info, _ := h.Sysinfo(f.ctx)
		if info.Memory.ProvisionedMB > info.Memory.TotalMB {
			t.Errorf("%s: agent over capacity %+v", hv, info.Memory)
		}
	}
}
