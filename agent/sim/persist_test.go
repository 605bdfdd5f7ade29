package sim

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/driver/drivertest"
)

// TestConformanceWithStateFile: a persistent host honours the whole
// driver contract too.
func TestConformanceWithStateFile(t *testing.T) {
	drivertest.Run(t, func(t *testing.T, cfg drivertest.Config) driver.Driver {
		d, err := New(Options{MemoryMB: cfg.MemoryMB, StateFile: filepath.Join(t.TempDir(), "host.json")})
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}

// view is what a host shows: its VMs as List reports them, their
// snapshots, its images.
type view struct {
	VMs    []driver.VM
	Snaps  map[string][]driver.Snapshot
	Images []driver.Image
}

func viewOf(t *testing.T, d *Driver) view {
	t.Helper()
	ctx := ctxT(t)
	vms, err := d.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := view{VMs: vms, Snaps: map[string][]driver.Snapshot{}}
	for _, vm := range vms {
		if v.Snaps[vm.UUID], err = d.Snapshots(ctx, vm.UUID); err != nil {
			t.Fatal(err)
		}
	}
	if v.Images, err = d.Images(ctx); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRestartKeepsTheHost: a new Driver on the same state file finds the
// VMs, their specs, states, dates and snapshots, and the images, as the
// previous one left them; memory counts them again; a VM deleted or an
// update made before the restart stays so.
func TestRestartKeepsTheHost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "host.json")
	clock := drivertest.NewManualClock(time.Unix(1_700_000_000, 0))
	o := Options{UUID: drivertest.UUID(99), MemoryMB: 4096, Clock: clock, StateFile: path}
	d := newSim(t, o)
	ctx := ctxT(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(d.ImportImage(ctx, driver.ImageImport{Manifest: img}))
	a, b, c := drivertest.ZoneSpec(drivertest.UUID(1), img.UUID, 512), drivertest.ZoneSpec(drivertest.UUID(2), img.UUID, 256),
		drivertest.ZoneSpec(drivertest.UUID(3), img.UUID, 128)
	b.Autoboot = false
	a.CustomerMetadata = driver.Metadata{"user-script": "#!/bin/sh\n"}
	for _, s := range []driver.Spec{a, b, c} {
		must(d.Create(ctx, s))
	}
	must(d.Snapshot(ctx, a.UUID, "one"))
	must(d.Snapshot(ctx, a.UUID, "two"))
	must(d.DeleteSnapshot(ctx, a.UUID, "one"))
	mem := int64(1024)
	must(d.Update(ctx, a.UUID, driver.UpdateSpec{MaxPhysicalMemory: &mem}))
	must(d.Delete(ctx, c.UUID))
	must(d.SetState(b.UUID, driver.StateFailed))
	must(d.Reserve(ctx, drivertest.UUID(7), 2000)) // the agent's, not the host's
	before := viewOf(t, d)
	d.Crash()

	d2 := newSim(t, o)
	after := viewOf(t, d2)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("after a restart:\n%+v\nbefore:\n%+v", after, before)
	}
	if len(after.VMs) != 2 || after.VMs[0].State != driver.StateRunning || after.VMs[1].State != driver.StateFailed ||
		after.VMs[0].MaxPhysicalMemory != 1024 || len(after.Snaps[a.UUID]) != 1 || len(after.Images) != 1 {
		t.Fatalf("restored host: %+v", after)
	}
	h, err := d2.Sysinfo(ctx)
	must(err)
	if h.Memory.ProvisionedMB != 1024+256 {
		t.Fatalf("provisioned after a restart: %d MB, want the VMs' 1280 (no reservation)", h.Memory.ProvisionedMB)
	}
	// The restored host works on: the same create again is a no-op (the
	// spec as updated), a rollback works, a deleted VM can be made again,
	// and a third process sees all that too.
	a.MaxPhysicalMemory = mem
	must(d2.Create(ctx, a))
	must(d2.Create(ctx, c))
	must(d2.Stop(ctx, a.UUID, false))
	must(d2.Rollback(ctx, a.UUID, "two"))
	d3 := newSim(t, o)
	final := viewOf(t, d3)
	if !reflect.DeepEqual(final, viewOf(t, d2)) {
		t.Fatalf("third process: %+v", final)
	}
	// The restored host draws MACs from the same seed, yet gives none
	// twice.
	macs := map[string]string{}
	for _, vm := range final.VMs {
		for _, n := range vm.NICs {
			if other, dup := macs[n.MAC]; dup {
				t.Fatalf("MAC %s of %s and %s", n.MAC, vm.UUID, other)
			}
			macs[n.MAC] = vm.UUID
		}
	}
	if len(macs) != 3 {
		t.Fatalf("MACs %v, want one for each of 3 VMs", macs)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("left in the state file's directory: %v", entries)
	}
}

// TestCrashMidOperations: a host that dies during operations comes back
// as SmartOS would: a half-created VM is gone (and its memory free), a
// booting one runs, a halting one is stopped; the file is written back
// settled.
func TestCrashMidOperations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "host.json")
	clock := drivertest.NewManualClock(time.Unix(1_700_000_000, 0))
	o := Options{Clock: clock, StateFile: path, Images: []driver.Image{img},
		Delays: Delays{Create: time.Minute, Boot: time.Minute, Shutdown: time.Minute}}
	d := newSim(t, o)
	ctx := ctxT(t)
	running, booting, halting, creating := drivertest.ZoneSpec(drivertest.UUID(1), img.UUID, 128),
		drivertest.ZoneSpec(drivertest.UUID(2), img.UUID, 128), drivertest.ZoneSpec(drivertest.UUID(3), img.UUID, 128),
		drivertest.ZoneSpec(drivertest.UUID(4), img.UUID, 128)
	block := func(c *drivertest.ManualClock, n int) {
		t.Helper()
		if err := c.BlockUntil(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []driver.Spec{running, halting} {
		done := make(chan error, 1)
		go func() { done <- d.Create(ctx, s) }()
		block(clock, 1) // create delay
		clock.Advance(time.Minute)
		block(clock, 1) // boot delay
		clock.Advance(time.Minute)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	cut, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 3)
	go func() { errs <- d.Create(cut, booting) }()
	block(clock, 1)
	clock.Advance(time.Minute) // provisioned; now booting
	block(clock, 1)
	go func() { errs <- d.Stop(cut, halting.UUID, false) }()
	go func() { errs <- d.Create(cut, creating) }()
	block(clock, 3)
	onDisk, err := ReadStateFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]driver.State{running.UUID: driver.StateRunning, booting.UUID: driver.StateBooting,
		halting.UUID: driver.StateShuttingDown, creating.UUID: driver.StateProvisioning}
	if got := states(onDisk); !reflect.DeepEqual(got, want) {
		t.Fatalf("on disk before the crash: %v, want %v", got, want)
	}
	d.Crash()
	cancel() // the old process's commands end; the file no longer follows
	for range 3 {
		<-errs
	}

	clock2 := drivertest.NewManualClock(time.Unix(1_700_000_000, 0)) // the old one holds the dead process's timers
	o.Clock = clock2
	d2 := newSim(t, o)
	want = map[string]driver.State{running.UUID: driver.StateRunning, booting.UUID: driver.StateRunning,
		halting.UUID: driver.StateStopped}
	vms, _ := d2.List(ctx)
	got := map[string]driver.State{}
	for _, vm := range vms {
		got[vm.UUID] = vm.State
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the crash: %v, want %v", got, want)
	}
	if onDisk, err = ReadStateFile(path, ""); err != nil || !reflect.DeepEqual(states(onDisk), want) {
		t.Fatalf("settled state not written back: %v %v", states(onDisk), err)
	}
	if h, _ := d2.Sysinfo(ctx); h.Memory.ProvisionedMB != 3*128 {
		t.Fatalf("the half-created VM's memory is held: %+v", h.Memory)
	}
	// The create that was cut short can be repeated.
	c2 := make(chan error, 1)
	go func() { c2 <- d2.Create(ctx, creating) }()
	block(clock2, 1)
	clock2.Advance(time.Minute)
	block(clock2, 1)
	clock2.Advance(time.Minute)
	if err := <-c2; err != nil {
		t.Fatal(err)
	}
}

func states(s HostState) map[string]driver.State {
	out := map[string]driver.State{}
	for _, v := range s.VMs {
		out[v.Spec.UUID] = v.State
	}
	return out
}

// TestBadStateFiles: a file that does not decode, of another host, or
// in a directory that does not exist fails New with a clear error.
func TestBadStateFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := encodeState(HostState{Host: DefaultUUID})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, want string
	}{
		{"garbage", write("garbage", "{\"format\": \"fifo-sim-h"), "corrupt state file"},
		{"another host", write("other", strings.Replace(string(good), DefaultUUID, drivertest.UUID(5), 1)), "not " + DefaultUUID},
		{"future version", write("v2", strings.Replace(string(good), `"version": 1`, `"version": 2`, 1)), "version 2"},
		{"no directory", filepath.Join(dir, "missing", "host.json"), "no such file"},
	}
	for _, c := range cases {
		_, err := New(Options{StateFile: c.path})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	if _, err := New(Options{StateFile: write("good", string(good))}); err != nil {
		t.Fatalf("a good file: %v", err)
	}
}

// TestSaveFailureIsTheCommandsError: a state file that cannot be written
// fails the command that changed the host.
func TestSaveFailureIsTheCommandsError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	d := newSim(t, Options{StateFile: filepath.Join(dir, "host.json")})
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	err := d.ImportImage(ctxT(t), driver.ImageImport{Manifest: img})
	if !errors.Is(err, driver.ErrFailed) || !strings.Contains(err.Error(), "save state") {
		t.Fatalf("import with an unwritable state file: %v", err)
	}
}

// BenchmarkLifecycleStateFile is BenchmarkLifecycle with a state file
// (in the test's temporary directory): the cost of writing the host
// after each step, fsyncs included.
func BenchmarkLifecycleStateFile(b *testing.B) {
	d, err := New(Options{Images: []driver.Image{img}, StateFile: filepath.Join(b.TempDir(), "host.json")})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := range 100 { // a host with 100 VMs, as in chunter's budget
		if err := d.Create(ctx, drivertest.ZoneSpec(drivertest.UUID(100000+i), img.UUID, 64)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		s := drivertest.ZoneSpec(drivertest.UUID(i), img.UUID, 64)
		if err := d.Create(ctx, s); err != nil {
			b.Fatal(err)
		}
		if err := d.Delete(ctx, s.UUID); err != nil {
			b.Fatal(err)
		}
	}
}
