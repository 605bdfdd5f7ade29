package vmadm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/driver/drivertest"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*drivertest.Timeout)
	t.Cleanup(cancel)
	return ctx
}

// withVM returns a fake host with an image and a running zone VM.
func withVM(t *testing.T, edit ...func(*Options)) (*fakeHost, string) {
	t.Helper()
	f := newFake(t, 4096, edit...)
	img := drivertest.Image(1)
	if err := f.d.ImportImage(ctxT(t), driver.ImageImport{Manifest: img}); err != nil {
		t.Fatal(err)
	}
	id := drivertest.UUID(1)
	if err := f.d.Create(ctxT(t), drivertest.ZoneSpec(id, img.UUID, 512)); err != nil {
		t.Fatal(err)
	}
	return f, id
}

func (f *fakeHost) ran(argv ...string) bool {
	return slices.ContainsFunc(f.calls(), func(c []string) bool { return slices.Equal(c, argv) })
}

// TestCommandLines checks the exact argv the driver runs: flags where the
// tools expect them, payloads on stdin, no shell.
func TestCommandLines(t *testing.T) {
	f, id := withVM(t)
	ctx := ctxT(t)
	steps := []struct {
		do   func() error
		argv []string
	}{
		{func() error { return f.d.Stop(ctx, id, true) }, []string{"vmadm", "stop", id, "-F"}},
		{func() error { return f.d.Start(ctx, id) }, []string{"vmadm", "start", id}},
		{func() error { return f.d.Reboot(ctx, id, false) }, []string{"vmadm", "reboot", id}},
		{func() error { return f.d.Reboot(ctx, id, true) }, []string{"vmadm", "reboot", id, "-F"}},
		{func() error { return f.d.Snapshot(ctx, id, "s1") }, []string{"zfs", "snapshot", "zones/" + id + "@s1"}},
		{func() error { return f.d.Stop(ctx, id, false) }, []string{"vmadm", "stop", id}},
		{func() error { return f.d.Rollback(ctx, id, "s1") }, []string{"zfs", "rollback", "-r", "zones/" + id + "@s1"}},
		{func() error { return f.d.DeleteSnapshot(ctx, id, "s1") }, []string{"zfs", "destroy", "-r", "zones/" + id + "@s1"}},
		{func() error { return f.d.Delete(ctx, id) }, []string{"vmadm", "delete", id}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%v: %v", s.argv, err)
		}
		if !f.ran(s.argv...) {
			t.Fatalf("never ran %v; ran %v", s.argv, f.calls())
		}
	}
	if !f.ran("vmadm", "create") {
		t.Fatal("vmadm create not run with its payload on stdin")
	}
}

func TestHVMSnapshotCoversDisks(t *testing.T) {
	f := newFake(t, 8192)
	ctx := ctxT(t)
	img := drivertest.Image(1)
	if err := f.d.ImportImage(ctx, driver.ImageImport{Manifest: img}); err != nil {
		t.Fatal(err)
	}
	id := drivertest.UUID(1)
	if err := f.d.Create(ctx, drivertest.HVMSpec(id, img.UUID, 1024)); err != nil {
		t.Fatal(err)
	}
	if err := f.d.Snapshot(ctx, id, "s1"); err != nil {
		t.Fatal(err)
	}
	want := []string{"zfs", "snapshot", "zones/" + id + "@s1", "zones/" + id + "-disk0@s1", "zones/" + id + "-disk1@s1"}
	if !f.ran(want...) {
		t.Fatalf("never ran %v; ran %v", want, f.calls())
	}
}

func TestTimeoutKillsAHungCommand(t *testing.T) {
	f, id := withVM(t, func(o *Options) { o.CommandTimeout = 2 * time.Second })
	f.faults(fault{Cmd: "vmadm", Sub: "stop", Hang: true})
	start := time.Now()
	err := f.d.Stop(ctxT(t), id, false)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stop of a hung vmadm: %v", err)
	}
	if time.Since(start) > 15*time.Second {
		t.Fatalf("took %s", time.Since(start))
	}
	if st, _ := f.d.Get(ctxT(t), id); st.State != driver.StateRunning {
		t.Fatalf("state %s", st.State)
	}
}

func TestFailuresAreCheckedAgainstTheHost(t *testing.T) {
	t.Run("start that worked but failed", func(t *testing.T) {
		f, id := withVM(t)
		if err := f.d.Stop(ctxT(t), id, false); err != nil {
			t.Fatal(err)
		}
		f.faults(fault{Cmd: "vmadm", Sub: "start", Apply: true, Stderr: "lost the reply"})
		if err := f.d.Start(ctxT(t), id); err != nil {
			t.Fatalf("start whose goal holds: %v", err)
		}
	})
	t.Run("start that failed", func(t *testing.T) {
		f, id := withVM(t)
		if err := f.d.Stop(ctxT(t), id, false); err != nil {
			t.Fatal(err)
		}
		f.faults(fault{Cmd: "vmadm", Sub: "start", Stderr: "Unable to start VM: zone could not boot"})
		err := f.d.Start(ctxT(t), id)
		var ce *CommandError
		if !errors.As(err, &ce) || ce.ExitCode != 1 || !strings.Contains(ce.Stderr, "could not boot") || !errors.Is(err, driver.ErrFailed) {
			t.Fatalf("start: %v", err)
		}
	})
	t.Run("delete that worked but failed", func(t *testing.T) {
		f, id := withVM(t)
		f.faults(fault{Cmd: "vmadm", Sub: "delete", Apply: true})
		if err := f.d.Delete(ctxT(t), id); err != nil {
			t.Fatalf("delete whose goal holds: %v", err)
		}
	})
	t.Run("create that worked but failed", func(t *testing.T) {
		f := newFake(t, 4096)
		img := drivertest.Image(1)
		if err := f.d.ImportImage(ctxT(t), driver.ImageImport{Manifest: img}); err != nil {
			t.Fatal(err)
		}
		f.faults(fault{Cmd: "vmadm", Sub: "create", Apply: true})
		if err := f.d.Create(ctxT(t), drivertest.ZoneSpec(drivertest.UUID(1), img.UUID, 512)); err != nil {
			t.Fatalf("create whose goal holds: %v", err)
		}
	})
	t.Run("half-made create is deleted", func(t *testing.T) {
		f := newFake(t, 4096)
		ctx := ctxT(t)
		img := drivertest.Image(1)
		if err := f.d.ImportImage(ctx, driver.ImageImport{Manifest: img}); err != nil {
			t.Fatal(err)
		}
		f.faults(fault{Cmd: "vmadm", Sub: "create", Apply: true, State: "failed", Stderr: "Failed to create VM: zone install failed"})
		id := drivertest.UUID(1)
		if err := f.d.Create(ctx, drivertest.ZoneSpec(id, img.UUID, 512)); !errors.Is(err, driver.ErrFailed) {
			t.Fatalf("create: %v", err)
		}
		if _, err := f.d.Get(ctx, id); !errors.Is(err, driver.ErrNotFound) {
			t.Fatalf("half-made VM left: %v", err)
		}
		if !f.ran("vmadm", "delete", id) {
			t.Fatal("no cleanup delete")
		}
		h, err := f.d.Sysinfo(ctx)
		if err != nil || h.Memory.ProvisionedMB != 0 {
			t.Fatalf("memory after a failed create: %+v %v", h.Memory, err)
		}
	})
	t.Run("update that failed keeps the memory", func(t *testing.T) {
		f, id := withVM(t)
		f.faults(fault{Cmd: "vmadm", Sub: "update", Stderr: "Invalid value for max_physical_memory"})
		mem := int64(2048)
		err := f.d.Update(ctxT(t), id, driver.UpdateSpec{MaxPhysicalMemory: &mem})
		if !errors.Is(err, driver.ErrInvalid) {
			t.Fatalf("update: %v", err)
		}
		if h, _ := f.d.Sysinfo(ctxT(t)); h.Memory.ProvisionedMB != 512 {
			t.Fatalf("memory after a failed update: %+v", h.Memory)
		}
	})
}

// TestWatchSeesOutsideChanges: a zone that changes state behind the
// driver's back shows up on the watch at the next poll.
func TestWatchSeesOutsideChanges(t *testing.T) {
	f, id := withVM(t)
	ctx := ctxT(t)
	ch, err := f.d.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	drivertest.WaitState(t, ch, id, driver.StateRunning)
	f.tool("", "vmadm", "stop", id)
	drivertest.WaitState(t, ch, id, driver.StateStopped)
	f.tool("", "vmadm", "delete", id)
	drivertest.WaitState(t, ch, id, driver.StateDeleted)
	other := drivertest.UUID(2)
	f.tool(`{"uuid":"`+other+`","brand":"joyent","image_uuid":"`+drivertest.Image(1).UUID+`","max_physical_memory":256}`, "vmadm", "create")
	drivertest.WaitState(t, ch, other, driver.StateRunning)
}

// TestWatchUsesTheClock: with a manual clock and no commands of its own,
// the driver polls only when the clock says so.
func TestWatchUsesTheClock(t *testing.T) {
	clock := drivertest.NewManualClock(time.Unix(0, 0))
	f, id := withVM(t, func(o *Options) { o.Clock = clock; o.PollInterval = time.Minute })
	ctx := ctxT(t)
	ch, err := f.d.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	drivertest.WaitState(t, ch, id, driver.StateRunning)
	f.tool("", "vmadm", "stop", id)
	if err := clock.BlockUntil(ctx, 1); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-ch:
		t.Fatalf("change before the poll: %+v", c)
	default:
	}
	clock.Advance(time.Minute)
	drivertest.WaitState(t, ch, id, driver.StateStopped)
}

func TestWatchFailsWhenTheHostCannotBePolled(t *testing.T) {
	f := newFake(t, 4096)
	f.faults(fault{Cmd: "zoneadm", Sub: "list", Stderr: "zoneadm: failed to get zone list"})
	if _, err := f.d.Watch(ctxT(t)); !errors.Is(err, driver.ErrFailed) {
		t.Fatalf("watch: %v", err)
	}
}

func TestSysinfo(t *testing.T) {
	f, _ := withVM(t, func(o *Options) { o.ReservedMemoryMB = 96 })
	h, err := f.d.Sysinfo(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if h.UUID != "44454c4c-3900-1034-8052-b2c04f4d3532" || h.Hostname != "fakehost" || h.CPUs != 8 {
		t.Errorf("identity %+v", h)
	}
	if h.Memory != (driver.Memory{TotalMB: 4096, ReservedMB: 96, ProvisionedMB: 512, FreeMB: 4096 - 96 - 512}) {
		t.Errorf("memory %+v", h.Memory)
	}
	if !slices.Equal(h.NICTags, []string{"admin", "external", "storage"}) {
		t.Errorf("nic tags %v", h.NICTags)
	}
	if !slices.Equal(h.Virtualisation, []string{"zone", "lx", "kvm", "bhyve"}) {
		t.Errorf("virtualisation %v", h.Virtualisation)
	}
	if p := h.Pools["zones"]; p.SizeMB != 1000<<10 || p.UsedMB != 10<<10 || p.Dedup != 100 || p.Health != "ONLINE" {
		t.Errorf("pool %+v", p)
	}
	if h.Services["svc:/site/broken:default"] != "maintenance" || len(h.Services) != 4 {
		t.Errorf("services %v", h.Services)
	}
	if bp := h.Sysinfo["Boot Parameters"].(map[string]any); bp["root_shadow"] != nil || bp["console"] != "text" {
		t.Errorf("boot parameters %v", bp)
	}
	if it := h.Interfaces["ixgbe0"]; it.IP != "10.0.0.10" || !slices.Equal(it.NICTags, []string{"admin"}) {
		t.Errorf("interface %+v", it)
	}
	if err := f.d.Reserve(ctxT(t), drivertest.UUID(9), 4096-96-512+1); !errors.Is(err, driver.ErrNoMemory) {
		t.Errorf("reserve past the global zone's share: %v", err)
	}
}

// TestMemoryCountsVMsMadeElsewhere: VMs created behind chunter's back
// take memory all the same.
func TestMemoryCountsVMsMadeElsewhere(t *testing.T) {
	f, _ := withVM(t)
	f.tool(`{"uuid":"`+drivertest.UUID(2)+`","brand":"kvm","ram":1024,"max_physical_memory":2048,"disks":[{"boot":true,"image_uuid":"`+drivertest.Image(1).UUID+`"}]}`, "vmadm", "create")
	ctx := ctxT(t)
	if err := f.d.Reserve(ctx, drivertest.UUID(3), 4096-512-2048+1); !errors.Is(err, driver.ErrNoMemory) {
		t.Fatalf("reserve: %v", err)
	}
	if err := f.d.Reserve(ctx, drivertest.UUID(3), 4096-512-2048); err != nil {
		t.Fatalf("reserve: %v", err)
	}
}

func TestImportImage(t *testing.T) {
	f := newFake(t, 4096)
	ctx := ctxT(t)
	file := filepath.Join(t.TempDir(), "image.zfs.gz")
	if err := os.WriteFile(file, []byte("not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	img := driver.Image{UUID: drivertest.Image(7).UUID, Name: "base64", Version: "24.4.1", Type: "zone-dataset", OS: "smartos"}
	if err := f.d.ImportImage(ctx, driver.ImageImport{Manifest: img, File: file}); err != nil {
		t.Fatal(err)
	}
	imgs, err := f.d.Images(ctx)
	if err != nil || len(imgs) != 1 || imgs[0] != img {
		t.Fatalf("images %+v %v", imgs, err)
	}
	other := drivertest.Image(8).UUID
	if err := f.d.ImportImage(ctx, driver.ImageImport{Manifest: driver.Image{UUID: other}, Source: "https://images.example.com"}); err != nil {
		t.Fatal(err)
	}
	if !f.ran("imgadm", "import", "-q", "-S", "https://images.example.com", other) {
		t.Fatalf("ran %v", f.calls())
	}
	for _, bad := range []driver.ImageImport{
		{Manifest: driver.Image{UUID: other}, File: "relative/path"},
		{Manifest: driver.Image{UUID: other}, Source: "-S"},
		{Manifest: driver.Image{UUID: other}, Source: "file:///etc/passwd"},
	} {
		if err := f.d.ImportImage(ctx, bad); !errors.Is(err, driver.ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	entries, _ := os.ReadDir(f.opts.TempDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "fifo-manifest-") {
			t.Errorf("manifest %s left behind", e.Name())
		}
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options{{BinDir: "bin"}, {TempDir: "tmp"}, {ReservedMemoryMB: -1}} {
		if _, err := New(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.opts.path("vmadm") != "/usr/sbin/vmadm" || d.opts.path("sysinfo") != "/usr/bin/sysinfo" {
		t.Fatal("default paths")
	}
}

func TestCreateOverAFailedVM(t *testing.T) {
	f, id := withVM(t)
	f.faults(fault{Cmd: "vmadm", Sub: "stop", Apply: true, State: "failed"})
	if err := f.d.Stop(ctxT(t), id, false); err == nil {
		t.Fatal("the fault did not fire")
	}
	s := drivertest.ZoneSpec(id, drivertest.Image(1).UUID, 512)
	if err := f.d.Create(ctxT(t), s); !errors.Is(err, driver.ErrConflict) {
		t.Fatalf("create over a failed VM: %v", err)
	}
	if err := f.d.Start(ctxT(t), id); !errors.Is(err, driver.ErrConflict) {
		t.Fatalf("start of a failed VM: %v", err)
	}
	if err := f.d.Delete(ctxT(t), id); err != nil {
		t.Fatal(err)
	}
	if err := f.d.Create(ctxT(t), s); err != nil {
		t.Fatal(err)
	}
}
