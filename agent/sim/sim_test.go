package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/driver/drivertest"
)

func newSim(t *testing.T, o Options) *Driver {
	t.Helper()
	d, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), drivertest.Timeout)
	t.Cleanup(cancel)
	return ctx
}

var img = drivertest.Image(1)

// next reads the next change of VM uuid.
func next(t *testing.T, ch <-chan driver.StateChange, uuid string) driver.State {
	t.Helper()
	deadline := time.After(drivertest.Timeout)
	for {
		select {
		case c := <-ch:
			if c.UUID == uuid {
				return c.State
			}
		case <-deadline:
			t.Fatalf("no change of %s", uuid)
		}
	}
}

// TestStateMachine drives a VM through every transition with delays on
// a manual clock: each transitional state is visible until the clock
// moves.
func TestStateMachine(t *testing.T) {
	clock := drivertest.NewManualClock(time.Unix(1_700_000_000, 0))
	delay := Delays{Create: time.Minute, Boot: 10 * time.Second, Shutdown: 20 * time.Second}
	d := newSim(t, Options{Clock: clock, Delays: delay, Images: []driver.Image{img}})
	ctx := ctxT(t)
	ch, err := d.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := drivertest.UUID(1)

	// run starts op, then for each step: waits for the state, checks Get
	// agrees, and moves the clock. A state with no time after it may
	// coalesce with the next one on the watch (see watchq), so only the
	// states the VM stays in are waited for.
	run := func(name string, op func() error, steps []driver.State, advance []time.Duration) {
		t.Helper()
		done := make(chan error, 1)
		go func() { done <- op() }()
		for i, want := range steps {
			last := i == len(steps)-1
			if !last && (i >= len(advance) || advance[i] == 0) {
				continue
			}
			for {
				got := next(t, ch, id)
				if got == want {
					break
				}
				if !slices.Contains(steps[:i], got) {
					t.Fatalf("%s: state %s, want %s", name, got, want)
				}
			}
			if !last {
				if vm, err := d.Get(ctx, id); err != nil || vm.State != want {
					t.Fatalf("%s: get shows %v, %v; want %s", name, vm.State, err, want)
				}
				if err := clock.BlockUntil(ctx, 1); err != nil {
					t.Fatal(err)
				}
				clock.Advance(advance[i])
			}
		}
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	run("create", func() error { return d.Create(ctx, drivertest.ZoneSpec(id, img.UUID, 256)) },
		[]driver.State{driver.StateProvisioning, driver.StateStopped, driver.StateBooting, driver.StateRunning},
		[]time.Duration{time.Minute, 0, 10 * time.Second})
	run("stop", func() error { return d.Stop(ctx, id, false) },
		[]driver.State{driver.StateShuttingDown, driver.StateStopped}, []time.Duration{20 * time.Second})
	run("start", func() error { return d.Start(ctx, id) },
		[]driver.State{driver.StateBooting, driver.StateRunning}, []time.Duration{10 * time.Second})
	run("reboot", func() error { return d.Reboot(ctx, id, false) },
		[]driver.State{driver.StateShuttingDown, driver.StateStopped, driver.StateBooting, driver.StateRunning},
		[]time.Duration{20 * time.Second, 0, 10 * time.Second})
	run("force stop", func() error { return d.Stop(ctx, id, true) }, // no shutdown delay
		[]driver.State{driver.StateShuttingDown, driver.StateStopped}, nil)
	run("delete", func() error { return d.Delete(ctx, id) }, []driver.State{driver.StateDeleted}, nil)
	if clock.Pending() != 0 {
		t.Fatalf("%d timers left", clock.Pending())
	}
}

// TestCancelDuringDelay: a command whose context ends while it waits
// undoes its step.
func TestCancelDuringDelay(t *testing.T) {
	clock := drivertest.NewManualClock(time.Unix(0, 0))
	d := newSim(t, Options{Clock: clock, Delays: Delays{Create: time.Hour, Boot: time.Hour}, Images: []driver.Image{img}})
	id := drivertest.UUID(1)
	ctx, cancel := context.WithCancel(ctxT(t))
	done := make(chan error, 1)
	go func() { done <- d.Create(ctx, drivertest.ZoneSpec(id, img.UUID, 256)) }()
	if err := clock.BlockUntil(ctxT(t), 1); err != nil {
		t.Fatal(err)
	}
	if vm, err := d.Get(ctxT(t), id); err != nil || vm.State != driver.StateProvisioning {
		t.Fatalf("during create: %v %v", vm.State, err)
	}
	if h, _ := d.Sysinfo(ctxT(t)); h.Memory.ProvisionedMB != 256 {
		t.Fatalf("memory not held while provisioning: %+v", h.Memory)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("create: %v", err)
	}
	if _, err := d.Get(ctxT(t), id); !errors.Is(err, driver.ErrNotFound) {
		t.Fatalf("cancelled create left the VM: %v", err)
	}
	if h, _ := d.Sysinfo(ctxT(t)); h.Memory.ProvisionedMB != 0 {
		t.Fatalf("cancelled create kept memory: %+v", h.Memory)
	}

	// A boot cut short leaves the VM stopped.
	s := drivertest.ZoneSpec(id, img.UUID, 256)
	s.Autoboot = false
	d2 := newSim(t, Options{Clock: clock, Delays: Delays{Boot: time.Hour}, Images: []driver.Image{img}})
	if err := d2.Create(ctxT(t), s); err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithCancel(ctxT(t))
	go func() { done <- d2.Start(ctx2, id) }()
	if err := clock.BlockUntil(ctxT(t), 2); err != nil { // the first create's timer is still pending
		t.Fatal(err)
	}
	cancel2()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("start: %v", err)
	}
	if vm, _ := d2.Get(ctxT(t), id); vm.State != driver.StateStopped {
		t.Fatalf("after a cut boot: %s", vm.State)
	}
}

func TestFaults(t *testing.T) {
	boom := errors.New("boom")
	d := newSim(t, Options{
		Images: []driver.Image{img},
		Faults: []Fault{{Op: OpCreate, Nth: 2}, {Op: OpStart, Nth: 1, Err: boom}},
	})
	ctx := ctxT(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s1 := drivertest.ZoneSpec(drivertest.UUID(1), img.UUID, 128)
	must(d.Create(ctx, s1))
	must(d.Create(ctx, s1)) // idempotent no-op: not counted
	s2 := drivertest.ZoneSpec(drivertest.UUID(2), img.UUID, 128)
	if err := d.Create(ctx, s2); !errors.Is(err, driver.ErrFailed) {
		t.Fatalf("second create: %v", err)
	}
	if _, err := d.Get(ctx, s2.UUID); !errors.Is(err, driver.ErrNotFound) {
		t.Fatalf("failed create left a VM: %v", err)
	}
	must(d.Create(ctx, s2)) // the fault fired once
	must(d.Stop(ctx, s2.UUID, false))
	if err := d.Start(ctx, s2.UUID); !errors.Is(err, boom) {
		t.Fatalf("start: %v", err)
	}
	must(d.Start(ctx, s2.UUID))

	must(d.InjectFault(Fault{Op: OpSnapshot, Nth: 1}))
	if err := d.Snapshot(ctx, s2.UUID, "a"); !errors.Is(err, driver.ErrFailed) {
		t.Fatalf("snapshot: %v", err)
	}
	if err := d.InjectFault(Fault{Op: OpSnapshot}); err == nil {
		t.Fatal("a fault without Nth or probability was accepted")
	}
}

// TestFaultProbability uses an injected random source: the same source
// gives the same failures.
func TestFaultProbability(t *testing.T) {
	run := func() []bool {
		vals := []float64{0.1, 0.9, 0.4, 0.6, 0.0}
		i := 0
		d := newSim(t, Options{
			Images: []driver.Image{img},
			Faults: []Fault{{Op: OpCreate, Probability: 0.5}},
			Rand:   func() float64 { v := vals[i%len(vals)]; i++; return v },
		})
		var failed []bool
		for n := range 5 {
			err := d.Create(ctxT(t), drivertest.ZoneSpec(drivertest.UUID(n+1), img.UUID, 64))
			failed = append(failed, err != nil)
		}
		return failed
	}
	got := run()
	want := []bool{true, false, true, false, true}
	if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(run()) != fmt.Sprint(got) {
		t.Fatalf("failures %v, want %v", got, want)
	}
}

func TestSetState(t *testing.T) {
	d := newSim(t, Options{Images: []driver.Image{img}})
	ctx := ctxT(t)
	id := drivertest.UUID(1)
	if err := d.Create(ctx, drivertest.ZoneSpec(id, img.UUID, 64)); err != nil {
		t.Fatal(err)
	}
	ch, _ := d.Watch(ctx)
	drivertest.WaitState(t, ch, id, driver.StateRunning)
	if err := d.SetState(id, driver.StateStopped); err != nil {
		t.Fatal(err)
	}
	drivertest.WaitState(t, ch, id, driver.StateStopped)
	if err := d.SetState(drivertest.UUID(2), driver.StateStopped); !errors.Is(err, driver.ErrNotFound) {
		t.Fatal(err)
	}
	if err := d.SetState(id, driver.StateDeleted); !errors.Is(err, driver.ErrInvalid) {
		t.Fatal(err)
	}
}

func TestWatchersGoAway(t *testing.T) {
	d := newSim(t, Options{})
	ctx, cancel := context.WithCancel(ctxT(t))
	ch, _ := d.Watch(ctx)
	cancel()
	for range ch {
	}
	deadline := time.After(drivertest.Timeout)
	for d.Watchers() != 0 {
		select {
		case <-deadline:
			t.Fatal("watcher not dropped")
		default:
			runtime.Gosched()
		}
	}
}

// TestReservationsNeverOvercommit races reservations, creates, deletes
// and releases from many goroutines; memory is checked after every step.
func TestReservationsNeverOvercommit(t *testing.T) {
	const memory = 10_000
	d := newSim(t, Options{MemoryMB: memory, ReservedMB: 1000, Images: []driver.Image{img}})
	ctx := ctxT(t)
	var wg sync.WaitGroup
	var admitted, refused atomic.Int64
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				id := drivertest.UUID(1 + (g*40+i)%97)
				mb := int64(200 + (g*7+i*13)%700)
				var err error
				switch i % 4 {
				case 0, 1:
					err = d.Reserve(ctx, id, mb)
				case 2:
					err = d.Create(ctx, drivertest.ZoneSpec(id, img.UUID, mb))
					if errors.Is(err, driver.ErrConflict) {
						err = nil
					}
				case 3:
					if i%8 == 3 {
						err = d.Delete(ctx, id)
					} else {
						err = d.Release(ctx, id)
					}
				}
				switch {
				case err == nil:
					admitted.Add(1)
				case errors.Is(err, driver.ErrNoMemory):
					refused.Add(1)
				default:
					t.Error(err)
					return
				}
				h, err := d.Sysinfo(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if h.Memory.ProvisionedMB > memory-1000 {
					t.Errorf("provisioned %d MB > capacity %d MB", h.Memory.ProvisionedMB, memory-1000)
					return
				}
			}
		}()
	}
	wg.Wait()
	if admitted.Load() == 0 || refused.Load() == 0 {
		t.Fatalf("admitted %d, refused %d: the race proves nothing", admitted.Load(), refused.Load())
	}
}

// TestHundredVMsAreSmall: the simulated host's memory for 100 VMs stays
// well below chunter's budget (30 MB resident for 100 VMs).
func TestHundredVMsAreSmall(t *testing.T) {
	d := newSim(t, Options{Images: []driver.Image{img}})
	ctx := ctxT(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 100 {
		s := drivertest.ZoneSpec(drivertest.UUID(i+1), img.UUID, 256)
		s.CustomerMetadata = driver.Metadata{"user-script": "#!/bin/sh\necho hello\n", "root_authorized_keys": "ssh-ed25519 AAAA… user@host"}
		if err := d.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := d.Snapshot(ctx, s.UUID, "base"); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("100 VMs: heap grew %d bytes (%d per VM)", grew, grew/100)
	if grew > 1<<20 {
		t.Fatalf("100 simulated VMs take %d bytes of heap, want < 1 MiB", grew)
	}
	runtime.KeepAlive(d)
}

func TestOptions(t *testing.T) {
	bad := []Options{
		{UUID: "nope"},
		{MemoryMB: -1},
		{MemoryMB: 100, ReservedMB: 200},
		{Delays: Delays{Boot: -time.Second}},
		{Faults: []Fault{{Op: OpCreate, Probability: 2}}},
		{Images: []driver.Image{{UUID: "x"}}},
	}
	for _, o := range bad {
		if _, err := New(o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	d := newSim(t, Options{})
	h, err := d.Sysinfo(ctxT(t))
	if err != nil || h.UUID != DefaultUUID || h.Memory.TotalMB != DefaultMemoryMB || h.Pools["zones"].SizeMB != DefaultPoolMB {
		t.Fatalf("defaults: %+v %v", h, err)
	}
}

func TestFailedVMs(t *testing.T) {
	d := newSim(t, Options{Images: []driver.Image{img}})
	ctx := ctxT(t)
	s := drivertest.ZoneSpec(drivertest.UUID(1), img.UUID, 64)
	if err := d.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := d.SetState(s.UUID, driver.StateFailed); err != nil {
		t.Fatal(err)
	}
	if err := d.Create(ctx, s); !errors.Is(err, driver.ErrConflict) {
		t.Fatalf("create over a failed VM: %v", err)
	}
	if err := d.Start(ctx, s.UUID); !errors.Is(err, driver.ErrConflict) {
		t.Fatalf("start of a failed VM: %v", err)
	}
	if err := d.Stop(ctx, s.UUID, false); err != nil {
		t.Fatalf("stop of a failed VM: %v", err)
	}
	if err := d.Delete(ctx, s.UUID); err != nil {
		t.Fatal(err)
	}
	if err := d.Create(ctx, s); err != nil {
		t.Fatalf("create after delete: %v", err)
	}
}

// BenchmarkLifecycle measures a create, stop, start and delete on a
// simulated host with no delays: the cost of the driver itself.
func BenchmarkLifecycle(b *testing.B) {
	d, err := New(Options{Images: []driver.Image{img}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		s := drivertest.ZoneSpec(drivertest.UUID(i), img.UUID, 64)
		if err := d.Create(ctx, s); err != nil {
			b.Fatal(err)
		}
		if err := d.Stop(ctx, s.UUID, false); err != nil {
			b.Fatal(err)
		}
		if err := d.Start(ctx, s.UUID); err != nil {
			b.Fatal(err)
		}
		if err := d.Delete(ctx, s.UUID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReserve measures admissions on a host with 100 VMs.
func BenchmarkReserve(b *testing.B) {
	d, err := New(Options{Images: []driver.Image{img}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := range 100 {
		if err := d.Create(ctx, drivertest.ZoneSpec(drivertest.UUID(i+1), img.UUID, 64)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Reserve(ctx, drivertest.UUID(1000), 128); err != nil {
			b.Fatal(err)
		}
	}
}
