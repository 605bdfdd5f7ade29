package chunter_test

import (
	"errors"
	"testing"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/client/clienttest"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// exercise runs every command through the client against the agent at
// addr (backed by d), checking results and the error categories that come
// back, and the state changes the control plane receives.
func exercise(t *testing.T, c *client.Client, addr client.Addr, d *sim.Driver, rec *clienttest.Recorder) {
	ctx := ctx30(t)
	vm, other := vmID(1), vmID(2)
	is := func(what string, err, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Fatalf("%s: err %v, want %v", what, err, want)
		}
	}
	ok := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	state := func(want driver.State) {
		t.Helper()
		v, err := c.Get(ctx, addr, vm)
		ok("get", err)
		if v.State != want {
			t.Fatalf("state %s, want %s", v.State, want)
		}
	}

	// Create is idempotent; another spec under the same uuid conflicts.
	ok("create", c.Create(ctx, addr, zone(vm, 1024)))
	ok("create again", c.Create(ctx, addr, zone(vm, 1024)))
	is("create other spec", c.Create(ctx, addr, zone(vm, 2048)), driver.ErrConflict)
	is("create bad spec", c.Create(ctx, addr, driver.Spec{UUID: vm}), driver.ErrInvalid)
	state(driver.StateRunning)
	got, err := c.Get(ctx, addr, vm)
	ok("get", err)
	if got.MaxPhysicalMemory != 1024 || got.ImageUUID != img || got.ZonePath == "" {
		t.Fatalf("vm %+v", got)
	}
	vms, err := c.List(ctx, addr)
	ok("list", err)
	if len(vms) != 1 || vms[0].UUID != vm {
		t.Fatalf("list %+v", vms)
	}

	// Lifecycle.
	ok("stop", c.Stop(ctx, addr, vm, false))
	state(driver.StateStopped)
	ok("stop again", c.Stop(ctx, addr, vm, true))
	ok("start", c.Start(ctx, addr, vm))
	state(driver.StateRunning)
	ok("reboot", c.Reboot(ctx, addr, vm, true))
	state(driver.StateRunning)

	// Snapshots.
	ok("snapshot", c.Snapshot(ctx, addr, vm, "s1"))
	ok("snapshot again", c.Snapshot(ctx, addr, vm, "s1"))
	is("bad snapshot name", c.Snapshot(ctx, addr, vm, "-x"), driver.ErrInvalid)
	snaps, err := c.Snapshots(ctx, addr, vm)
	ok("snapshots", err)
	if len(snaps) != 1 || snaps[0].Name != "s1" {
		t.Fatalf("snapshots %+v", snaps)
	}
	is("rollback running", c.Rollback(ctx, addr, vm, "s1"), driver.ErrConflict)
	ok("stop", c.Stop(ctx, addr, vm, true))
	ok("rollback", c.Rollback(ctx, addr, vm, "s1"))
	ok("delete snapshot", c.DeleteSnapshot(ctx, addr, vm, "s1"))
	ok("delete snapshot again", c.DeleteSnapshot(ctx, addr, vm, "s1"))
	is("snapshots of nothing", func() error { _, err := c.Snapshots(ctx, addr, other); return err }(), driver.ErrNotFound)

	// Update, and memory that does not fit.
	ok("update", c.Update(ctx, addr, vm, driver.UpdateSpec{Alias: ptr("renamed")}))
	if v, _ := c.Get(ctx, addr, vm); v.Alias != "renamed" {
		t.Fatalf("alias %q", v.Alias)
	}
	is("update too big", c.Update(ctx, addr, vm, driver.UpdateSpec{MaxPhysicalMemory: ptr(int64(1 << 30))}), driver.ErrNoMemory)

	// Images.
	img2 := "88888888-8888-4888-8888-888888888888"
	ok("import", c.ImportImage(ctx, addr, driver.ImageImport{Manifest: driver.Image{UUID: img2, Name: "new"}}))
	imgs, err := c.Images(ctx, addr)
	ok("images", err)
	if len(imgs) != 2 || imgs[0].UUID != img2 || imgs[0].Name != "new" {
		t.Fatalf("images %+v", imgs)
	}

	// Memory admission.
	host, err := c.Sysinfo(ctx, addr)
	ok("sysinfo", err)
	if host.UUID != addr.HV || host.Memory.ProvisionedMB != 1024 || host.Memory.TotalMB == 0 {
		t.Fatalf("host %+v", host)
	}
	is("reserve too much", c.Reserve(ctx, addr, other, host.Memory.FreeMB+1), driver.ErrNoMemory)
	ok("reserve", c.Reserve(ctx, addr, other, 512))
	ok("reserve again", c.Reserve(ctx, addr, other, 512))
	if h, _ := c.Sysinfo(ctx, addr); h.Memory.ProvisionedMB != 1536 {
		t.Fatalf("provisioned %d after reserve", h.Memory.ProvisionedMB)
	}
	ok("release", c.Release(ctx, addr, other))
	ok("release unknown", c.Release(ctx, addr, vmID(3)))

	// Missing VMs and malformed arguments.
	is("get missing", func() error { _, err := c.Get(ctx, addr, other); return err }(), driver.ErrNotFound)
	is("start missing", c.Start(ctx, addr, other), driver.ErrNotFound)
	is("get bad uuid", func() error { _, err := c.Get(ctx, addr, "nope"); return err }(), driver.ErrInvalid)
	is("reserve bad uuid", c.Reserve(ctx, addr, "nope", 1), driver.ErrInvalid)

	// A failure of the hypervisor.
	ok("inject", d.InjectFault(sim.Fault{Op: sim.OpStart, Nth: 1}))
	is("injected failure", c.Start(ctx, addr, vm), driver.ErrFailed)

	// Delete is idempotent.
	ok("delete", c.Delete(ctx, addr, vm))
	ok("delete again", c.Delete(ctx, addr, vm))
	is("get deleted", func() error { _, err := c.Get(ctx, addr, vm); return err }(), driver.ErrNotFound)

	// An address with no agent.
	is("no such agent", c.Start(ctx, client.Addr{Node: addr.Node, HV: vmID(999)}, vm), client.ErrUnavailable)
	is("bad address", c.Start(ctx, client.Addr{Node: addr.Node, HV: "x"}, vm), driver.ErrInvalid)

	// The control plane followed the VM through its states to its end.
	runtimetest.WaitFor(t, "deleted state reported", func() bool {
		seen := map[driver.State]bool{}
		for _, s := range rec.States() {
			if s.VM == vm && s.Addr == addr {
				seen[s.State] = true
				if s.State == driver.StateRunning && (s.Info == nil || s.Info.UUID != vm) {
					t.Errorf("running state without info: %+v", s)
				}
			}
		}
		_, held := rec.State(vm)
		return seen[driver.StateRunning] && seen[driver.StateStopped] && seen[driver.StateDeleted] && !held
	})
}
