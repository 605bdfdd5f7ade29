package drivertest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
)

// Run runs the conformance suite. newDriver returns a fresh driver for
// one test, on a host as cfg describes, with no VMs and no images.
func Run(t *testing.T, newDriver func(t *testing.T, cfg Config) driver.Driver) {
	fresh := func(t *testing.T) driver.Driver { return newDriver(t, Config{MemoryMB: 4096}) }
	tests := []struct {
		name string
		fn   func(t *testing.T, d driver.Driver)
	}{
		{"Sysinfo", testSysinfo},
		{"Images", testImages},
		{"CreateIsIdempotent", testCreateIdempotent},
		{"CreateStopped", testCreateStopped},
		{"CreateRefusals", testCreateRefusals},
		{"PowerIsIdempotent", testPower},
		{"MissingVM", testMissingVM},
		{"InvalidArguments", testInvalid},
		{"Delete", testDelete},
		{"Snapshots", testSnapshots},
		{"HVMSnapshots", testHVMSnapshots},
		{"Update", testUpdate},
		{"Memory", testMemory},
		{"MemoryFollowsVMs", testMemoryFollowsVMs},
		{"ReserveRace", testReserveRace},
		{"CreateRace", testCreateRace},
		{"Watch", testWatch},
		{"Cancelled", testCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, fresh(t)) })
	}
}

func testSysinfo(t *testing.T, d driver.Driver) {
	h, err := d.Sysinfo(ctxT(t))
	must(t, "sysinfo", err)
	if !driver.ValidUUID(h.UUID) {
		t.Errorf("host uuid %q", h.UUID)
	}
	if h.Hostname == "" || h.CPUs <= 0 {
		t.Errorf("hostname %q, cpus %d", h.Hostname, h.CPUs)
	}
	m := h.Memory
	if m.TotalMB != 4096 || m.ProvisionedMB != 0 || m.FreeMB != m.TotalMB-m.ReservedMB {
		t.Errorf("memory %+v", m)
	}
	if !slices.Contains(h.Virtualisation, "zone") {
		t.Errorf("virtualisation %v lacks zone", h.Virtualisation)
	}
	if len(h.Pools) == 0 || len(h.NICTags) == 0 {
		t.Errorf("pools %v, nic tags %v", h.Pools, h.NICTags)
	}
	if bp, _ := h.Sysinfo["Boot Parameters"].(map[string]any); bp["root_shadow"] != nil {
		t.Error("sysinfo leaks root_shadow")
	}
}

func testImages(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	img := Image(1)
	must(t, "import", d.ImportImage(ctx, driver.ImageImport{Manifest: img}))
	must(t, "import again", d.ImportImage(ctx, driver.ImageImport{Manifest: img}))
	imgs, err := d.Images(ctx)
	must(t, "images", err)
	n := 0
	for _, i := range imgs {
		if i.UUID == img.UUID {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("image listed %d times: %v", n, imgs)
	}
	wantErr(t, "import bad uuid", d.ImportImage(ctx, driver.ImageImport{Manifest: driver.Image{UUID: "-S"}}), driver.ErrInvalid)
}

func testCreateIdempotent(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	img := importImage(t, d, 1)
	s := ZoneSpec(UUID(1), img, 512)
	create(t, d, s)
	vm, err := d.Get(ctx, s.UUID)
	must(t, "get", err)
	if vm.State != driver.StateRunning || vm.Brand != "joyent" || vm.MemoryMB() != 512 || vm.ImageUUID != img || vm.Alias != s.Alias {
		t.Fatalf("created %+v", vm)
	}
	if vm.CustomerMetadata["k"] != "v" || len(vm.NICs) != 1 || vm.NICs[0].IP != "10.0.0.5" {
		t.Fatalf("created metadata %v nics %+v", vm.CustomerMetadata, vm.NICs)
	}
	must(t, "create again", d.Create(ctx, s))
	bigger := s
	bigger.MaxPhysicalMemory = 1024
	wantErr(t, "create with other memory", d.Create(ctx, bigger), driver.ErrConflict)
	renamed := s
	renamed.Alias = "other"
	wantErr(t, "create with other alias", d.Create(ctx, renamed), driver.ErrConflict)
	vms, err := d.List(ctx)
	must(t, "list", err)
	if len(vms) != 1 || vms[0].UUID != s.UUID {
		t.Fatalf("list %+v", vms)
	}
	if got := provisioned(t, d); got != 512 {
		t.Fatalf("provisioned %d, want 512", got)
	}
}

func testCreateStopped(t *testing.T, d driver.Driver) {
	img := importImage(t, d, 1)
	s := ZoneSpec(UUID(1), img, 256)
	s.Autoboot = false
	create(t, d, s)
	wantState(t, d, s.UUID, driver.StateStopped)
}

func testCreateRefusals(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	img := importImage(t, d, 1)
	missing := ZoneSpec(UUID(1), Image(2).UUID, 256)
	wantErr(t, "create on a missing image", d.Create(ctx, missing), driver.ErrNotFound)
	_, err := d.Get(ctx, missing.UUID)
	wantErr(t, "get after refused create", err, driver.ErrNotFound)

	noBrand := ZoneSpec(UUID(2), img, 256)
	noBrand.Brand = ""
	wantErr(t, "create without brand", d.Create(ctx, noBrand), driver.ErrInvalid)
	badUUID := ZoneSpec(UUID(3), img, 256)
	badUUID.UUID = "--force"
	wantErr(t, "create with a bad uuid", d.Create(ctx, badUUID), driver.ErrInvalid)

	huge := ZoneSpec(UUID(4), img, 8192)
	wantErr(t, "create beyond memory", d.Create(ctx, huge), driver.ErrNoMemory)
	_, err = d.Get(ctx, huge.UUID)
	wantErr(t, "get after refused create", err, driver.ErrNotFound)
	if got := provisioned(t, d); got != 0 {
		t.Fatalf("refused creates left %d MB provisioned", got)
	}
}

func testPower(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	img := importImage(t, d, 1)
	id := UUID(1)
	create(t, d, ZoneSpec(id, img, 256))
	steps := []struct {
		name string
		do   func() error
		want driver.State
	}{
		{"start running", func() error { return d.Start(ctx, id) }, driver.StateRunning},
		{"stop", func() error { return d.Stop(ctx, id, false) }, driver.StateStopped},
		{"stop stopped", func() error { return d.Stop(ctx, id, false) }, driver.StateStopped},
		{"force stop stopped", func() error { return d.Stop(ctx, id, true) }, driver.StateStopped},
		{"reboot stopped", func() error { return d.Reboot(ctx, id, false) }, driver.StateRunning},
		{"reboot", func() error { return d.Reboot(ctx, id, false) }, driver.StateRunning},
		{"force reboot", func() error { return d.Reboot(ctx, id, true) }, driver.StateRunning},
		{"force stop", func() error { return d.Stop(ctx, id, true) }, driver.StateStopped},
		{"start", func() error { return d.Start(ctx, id) }, driver.StateRunning},
		{"start again", func() error { return d.Start(ctx, id) }, driver.StateRunning},
	}
	for _, s := range steps {
		must(t, s.name, s.do())
		wantState(t, d, id, s.want)
	}
}

func testMissingVM(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	id := UUID(7)
	_, err := d.Get(ctx, id)
	wantErr(t, "get", err, driver.ErrNotFound)
	wantErr(t, "start", d.Start(ctx, id), driver.ErrNotFound)
	wantErr(t, "stop", d.Stop(ctx, id, false), driver.ErrNotFound)
	wantErr(t, "reboot", d.Reboot(ctx, id, true), driver.ErrNotFound)
	alias := "x"
	wantErr(t, "update", d.Update(ctx, id, driver.UpdateSpec{Alias: &alias}), driver.ErrNotFound)
	wantErr(t, "snapshot", d.Snapshot(ctx, id, "s1"), driver.ErrNotFound)
	_, err = d.Snapshots(ctx, id)
	wantErr(t, "snapshots", err, driver.ErrNotFound)
	wantErr(t, "rollback", d.Rollback(ctx, id, "s1"), driver.ErrNotFound)
	must(t, "delete", d.Delete(ctx, id))
	must(t, "delete snapshot", d.DeleteSnapshot(ctx, id, "s1"))
	must(t, "release", d.Release(ctx, id))
}

func testInvalid(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	for _, bad := range []string{"", "-F", "not-a-uuid", UUID(1) + " ", "../" + UUID(1)[3:]} {
		wantErr(t, "start "+bad, d.Start(ctx, bad), driver.ErrInvalid)
		wantErr(t, "delete "+bad, d.Delete(ctx, bad), driver.ErrInvalid)
		_, err := d.Get(ctx, bad)
		wantErr(t, "get "+bad, err, driver.ErrInvalid)
		wantErr(t, "reserve "+bad, d.Reserve(ctx, bad, 1), driver.ErrInvalid)
	}
	img := importImage(t, d, 1)
	id := UUID(1)
	create(t, d, ZoneSpec(id, img, 256))
	for _, bad := range []string{"", "-r", "a@b", "a b", "a/b", string(make([]byte, 65))} {
		wantErr(t, "snapshot "+bad, d.Snapshot(ctx, id, bad), driver.ErrInvalid)
		wantErr(t, "rollback "+bad, d.Rollback(ctx, id, bad), driver.ErrInvalid)
	}
	zero := int64(0)
	wantErr(t, "update ram 0", d.Update(ctx, id, driver.UpdateSpec{MaxPhysicalMemory: &zero}), driver.ErrInvalid)
	wantErr(t, "reserve 0 MB", d.Reserve(ctx, id, 0), driver.ErrInvalid)
}

func testDelete(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	img := importImage(t, d, 1)
	id := UUID(1)
	create(t, d, ZoneSpec(id, img, 1024))
	must(t, "delete running", d.Delete(ctx, id))
	_, err := d.Get(ctx, id)
	wantErr(t, "get deleted", err, driver.ErrNotFound)
	must(t, "delete again", d.Delete(ctx, id))
	if got := provisioned(t, d); got != 0 {
		t.Fatalf("provisioned %d after delete", got)
	}
	// The uuid can be used again.
	create(t, d, ZoneSpec(id, img, 2048))
}

func snapNames(t *testing.T, d driver.Driver, id string) []string {
	t.Helper()
	snaps, err := d.Snapshots(ctxT(t), id)
	must(t, "snapshots", err)
	var out []string
	for _, s := range snaps {
		out = append(out, s.Name)
	}
	return out
}

func wantSnaps(t *testing.T, d driver.Driver, id string, want ...string) {
	t.Helper()
	if got := snapNames(t, d, id); !slices.Equal(got, want) {
		t.Fatalf("snapshots %v, want %v", got, want)
	}
}

func checkSnapshots(t *testing.T, d driver.Driver, id string) {
	ctx := ctxT(t)
	wantSnaps(t, d, id)
	must(t, "snapshot s1", d.Snapshot(ctx, id, "s1"))
	must(t, "snapshot s1 again", d.Snapshot(ctx, id, "s1"))
	must(t, "snapshot s2", d.Snapshot(ctx, id, "s2"))
	must(t, "snapshot s3", d.Snapshot(ctx, id, "s3"))
	wantSnaps(t, d, id, "s1", "s2", "s3")
	wantErr(t, "rollback running", d.Rollback(ctx, id, "s1"), driver.ErrConflict)
	must(t, "stop", d.Stop(ctx, id, false))
	wantErr(t, "rollback missing", d.Rollback(ctx, id, "nope"), driver.ErrNotFound)
	must(t, "rollback s2", d.Rollback(ctx, id, "s2"))
	wantSnaps(t, d, id, "s1", "s2")
	must(t, "delete s1", d.DeleteSnapshot(ctx, id, "s1"))
	must(t, "delete s1 again", d.DeleteSnapshot(ctx, id, "s1"))
	wantSnaps(t, d, id, "s2")
	wantState(t, d, id, driver.StateStopped)
}

func testSnapshots(t *testing.T, d driver.Driver) {
	img := importImage(t, d, 1)
	id := UUID(1)
	create(t, d, ZoneSpec(id, img, 256))
	checkSnapshots(t, d, id)
}

func testHVMSnapshots(t *testing.T, d driver.Driver) {
	img := importImage(t, d, 1)
	id := UUID(1)
	create(t, d, HVMSpec(id, img, 1024))
	vm, err := d.Get(ctxT(t), id)
	must(t, "get", err)
	if vm.MemoryMB() != 1024+256 || len(vm.Disks) != 2 || !vm.Disks[0].Boot {
		t.Fatalf("hvm %+v", vm)
	}
	checkSnapshots(t, d, id)
}

func testUpdate(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	img := importImage(t, d, 1)
	id := UUID(1)
	create(t, d, ZoneSpec(id, img, 1024))
	alias, mem := "renamed", int64(2048)
	must(t, "update", d.Update(ctx, id, driver.UpdateSpec{
		Alias: &alias, MaxPhysicalMemory: &mem, MaxLockedMemory: &mem,
		SetCustomerMetadata: driver.Metadata{"a": "1"}, RemoveCustomerMetadata: []string{"k"},
	}))
	vm, err := d.Get(ctx, id)
	must(t, "get", err)
	if vm.Alias != alias || vm.MemoryMB() != mem || vm.CustomerMetadata["a"] != "1" || vm.CustomerMetadata["k"] != "" {
		t.Fatalf("updated %+v", vm)
	}
	if got := provisioned(t, d); got != 2048 {
		t.Fatalf("provisioned %d, want 2048", got)
	}
	big := int64(5000)
	wantErr(t, "grow beyond memory", d.Update(ctx, id, driver.UpdateSpec{MaxPhysicalMemory: &big}), driver.ErrNoMemory)
	if vm, _ := d.Get(ctx, id); vm.MemoryMB() != mem {
		t.Fatalf("refused update changed memory to %d", vm.MemoryMB())
	}
	small := int64(512)
	must(t, "shrink", d.Update(ctx, id, driver.UpdateSpec{MaxPhysicalMemory: &small}))
	if got := provisioned(t, d); got != 512 {
		t.Fatalf("provisioned %d after shrink, want 512", got)
	}
}

func testMemory(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	a, b := UUID(1), UUID(2)
	must(t, "reserve a", d.Reserve(ctx, a, 1000))
	must(t, "reserve a again", d.Reserve(ctx, a, 1000))
	wantErr(t, "reserve b beyond", d.Reserve(ctx, b, 3500), driver.ErrNoMemory)
	if got := provisioned(t, d); got != 1000 {
		t.Fatalf("provisioned %d, want 1000", got)
	}
	must(t, "reserve b", d.Reserve(ctx, b, 3096))
	wantErr(t, "grow a", d.Reserve(ctx, a, 1001), driver.ErrNoMemory)
	must(t, "release a", d.Release(ctx, a))
	must(t, "release a again", d.Release(ctx, a))
	must(t, "reserve a smaller", d.Reserve(ctx, a, 1000))
	h, err := d.Sysinfo(ctx)
	must(t, "sysinfo", err)
	if h.Memory.ProvisionedMB != 4096 || h.Memory.FreeMB != 0 {
		t.Fatalf("memory %+v", h.Memory)
	}
}

func testMemoryFollowsVMs(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	img := importImage(t, d, 1)
	a, b := UUID(1), UUID(2)
	must(t, "reserve a", d.Reserve(ctx, a, 1024))
	create(t, d, ZoneSpec(a, img, 1024)) // counted once
	if got := provisioned(t, d); got != 1024 {
		t.Fatalf("provisioned %d after reserve+create, want 1024", got)
	}
	must(t, "release a", d.Release(ctx, a)) // the VM still holds it
	if got := provisioned(t, d); got != 1024 {
		t.Fatalf("provisioned %d after release of a created VM, want 1024", got)
	}
	wantErr(t, "reserve b beyond", d.Reserve(ctx, b, 3073), driver.ErrNoMemory)
	create(t, d, ZoneSpec(b, img, 3072))
	wantErr(t, "create c on a full host", d.Create(ctx, ZoneSpec(UUID(3), img, 128)), driver.ErrNoMemory)
	must(t, "delete a", d.Delete(ctx, a))
	create(t, d, ZoneSpec(UUID(3), img, 1024))
}

func testReserveRace(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	const n = 24
	var wg sync.WaitGroup
	var ok atomic.Int64
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := d.Reserve(ctx, UUID(100+i), 300)
			switch {
			case err == nil:
				ok.Add(1)
			case !errors.Is(err, driver.ErrNoMemory):
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if ok.Load() != 4096/300 {
		t.Fatalf("%d reservations of 300 MB admitted on 4096 MB, want %d", ok.Load(), 4096/300)
	}
	if got := provisioned(t, d); got != 300*(4096/300) {
		t.Fatalf("provisioned %d", got)
	}
}

func testCreateRace(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	img := importImage(t, d, 1)
	const n = 8
	var wg sync.WaitGroup
	var ok atomic.Int64
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() { // distinct VMs: at most 4 of 1000 MB fit
			defer wg.Done()
			err := d.Create(ctx, ZoneSpec(UUID(100+i), img, 1000))
			switch {
			case err == nil:
				ok.Add(1)
			case !errors.Is(err, driver.ErrNoMemory):
				errs <- err
			}
		}()
		go func() { // the same VM: every create succeeds
			defer wg.Done()
			if err := d.Create(ctx, ZoneSpec(UUID(1), img, 96)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if ok.Load() != 4 {
		t.Fatalf("%d creates of 1000 MB succeeded on 4096 MB with 96 MB taken, want 4", ok.Load())
	}
	vms, err := d.List(ctx)
	must(t, "list", err)
	if len(vms) != 5 {
		t.Fatalf("%d VMs, want 5", len(vms))
	}
	if got := provisioned(t, d); got != 4096 {
		t.Fatalf("provisioned %d, want 4096", got)
	}
}

func testWatch(t *testing.T, d driver.Driver) {
	ctx := ctxT(t)
	img := importImage(t, d, 1)
	old := UUID(1)
	create(t, d, ZoneSpec(old, img, 256))

	wctx, cancel := context.WithCancel(ctx)
	ch, err := d.Watch(wctx)
	must(t, "watch", err)
	WaitState(t, ch, old, driver.StateRunning) // the current state comes first

	id := UUID(2)
	create(t, d, ZoneSpec(id, img, 256))
	WaitState(t, ch, id, driver.StateRunning)
	must(t, "stop", d.Stop(ctx, id, false))
	WaitState(t, ch, id, driver.StateStopped)
	must(t, "start", d.Start(ctx, id))
	WaitState(t, ch, id, driver.StateRunning)
	must(t, "delete", d.Delete(ctx, id))
	WaitState(t, ch, id, driver.StateDeleted)

	// A second watcher sees the present, not the past.
	ch2, err := d.Watch(wctx)
	must(t, "second watch", err)
	WaitState(t, ch2, old, driver.StateRunning)
	must(t, "stop old", d.Stop(ctx, old, true))
	WaitState(t, ch, old, driver.StateStopped)
	WaitState(t, ch2, old, driver.StateStopped)

	cancel()
	for _, c := range []<-chan driver.StateChange{ch, ch2} {
		for range c { // drains, then ends when the stream closes
		}
	}
}

func testCancelled(t *testing.T, d driver.Driver) {
	img := importImage(t, d, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	id := UUID(1)
	wantErr(t, "create with a cancelled context", d.Create(ctx, ZoneSpec(id, img, 256)), context.Canceled)
	_, err := d.Get(ctxT(t), id)
	wantErr(t, "get after cancelled create", err, driver.ErrNotFound)
	if _, err := d.Watch(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("watch with a cancelled context: %v", err)
	}
}
