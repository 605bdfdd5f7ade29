package sim

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/internal/keylock"
	"github.com/fifogo/fifo/agent/internal/ledger"
	"github.com/fifogo/fifo/agent/internal/watchq"
)

// Driver is a simulated host. Create one with New.
type Driver struct {
	opts   Options
	ledger *ledger.Ledger
	locks  keylock.Locks

	mu     sync.Mutex
	vms    map[string]*vm
	images map[string]driver.Image
	subs   map[*watchq.Queue]struct{}
	calls  map[Op]int
	faults []activeFault

	// State file (Options.StateFile): gen counts the changes of what it
	// holds, saved is the change last written; pmu orders the writes.
	// crashed stops them (Crash).
	pmu     sync.Mutex
	gen     uint64
	saved   uint64
	crashed bool
}

var _ driver.Driver = (*Driver)(nil)

// vm is what the host keeps of one VM.
type vm struct {
	spec    driver.Spec
	state   driver.State
	created int64 // Unix milliseconds
	snaps   []driver.Snapshot
}

type activeFault struct {
	Fault
	base int // calls of Op before the fault was added
}

// New returns a simulated host.
func New(opts Options) (*Driver, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	d := &Driver{
		opts:   opts,
		ledger: ledger.New(),
		vms:    map[string]*vm{},
		images: map[string]driver.Image{},
		subs:   map[*watchq.Queue]struct{}{},
		calls:  map[Op]int{},
	}
	for _, img := range opts.Images {
		d.images[img.UUID] = img
	}
	for _, f := range opts.Faults {
		d.faults = append(d.faults, activeFault{Fault: f})
	}
	if opts.StateFile != "" {
		if err := d.load(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// InjectFault adds a fault; its Nth counts from now.
func (d *Driver) InjectFault(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.faults = append(d.faults, activeFault{Fault: f, base: d.calls[f.Op]})
	return nil
}

// fault counts a call of op and returns the error it must fail with, if
// any. Called with d.mu held.
func (d *Driver) faultLocked(op Op) error {
	d.calls[op]++
	n := d.calls[op]
	for i, f := range d.faults {
		if f.Op != op {
			continue
		}
		fail := false
		if f.Nth > 0 {
			if n-f.base == f.Nth {
				fail = true
				d.faults = append(d.faults[:i:i], d.faults[i+1:]...)
			}
		} else {
			fail = d.opts.Rand() < f.Probability
		}
		if fail {
			err := f.Err
			if err == nil {
				err = driver.ErrFailed
			}
			return fmt.Errorf("sim: injected %s failure (call %d): %w", op, n, err)
		}
	}
	return nil
}

func (d *Driver) fault(op Op) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.faultLocked(op)
}

// wait lets a simulated duration pass on the clock, or returns ctx's
// error first.
func (d *Driver) wait(ctx context.Context, dur time.Duration) error {
	if dur <= 0 {
		return ctx.Err()
	}
	select {
	case <-d.opts.Clock.After(dur):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lock takes the VM's command lock after checking the uuid.
func (d *Driver) lock(ctx context.Context, uuid string) (func(), error) {
	if err := driver.CheckUUID("vm", uuid); err != nil {
		return nil, err
	}
	unlock, err := d.locks.Lock(ctx, uuid)
	if err != nil {
		return nil, fmt.Errorf("vm %s: waiting for another command: %w", uuid, err)
	}
	return unlock, nil
}

// state returns the VM's state, or ErrNotFound.
func (d *Driver) state(uuid string) (driver.State, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.vms[uuid]
	if !ok {
		return "", fmt.Errorf("vm %s: %w", uuid, driver.ErrNotFound)
	}
	return v.state, nil
}

// setState moves a VM and tells the watchers. Called with d.mu held.
func (d *Driver) setStateLocked(uuid string, st driver.State) {
	if v, ok := d.vms[uuid]; ok {
		v.state = st
	}
	d.publishLocked(driver.StateChange{UUID: uuid, State: st})
}

// setState is setStateLocked taking the lock, then writes the state
// file. A write that fails here is not the command's error: the command's
// last write (each write holds the whole host) reports it.
func (d *Driver) setState(uuid string, st driver.State) {
	d.mu.Lock()
	d.setStateLocked(uuid, st)
	d.mu.Unlock()
	_ = d.flush()
}

// publishLocked tells the watchers of a state change and notes it for
// the state file. Called with d.mu held.
func (d *Driver) publishLocked(c driver.StateChange) {
	d.changedLocked()
	for q := range d.subs {
		q.Push(c)
	}
}

// usageLocked is the configured memory of each VM. Called with d.mu held.
func (d *Driver) usageLocked() map[string]int64 {
	u := make(map[string]int64, len(d.vms))
	for id, v := range d.vms {
		u[id] = v.spec.MemoryMB()
	}
	return u
}

func (d *Driver) capacity() int64 { return d.opts.MemoryMB - d.opts.ReservedMB }

// SetState moves a VM to a state as if the zone had changed by itself (a
// crash, a halt from inside), telling the watchers. ErrNotFound for a VM
// that does not exist; ErrInvalid for StateDeleted (use Delete) and
// states a host does not have.
func (d *Driver) SetState(uuid string, st driver.State) error {
	if !slices.Contains(hostStates, st) {
		return fmt.Errorf("sim: set state %q: %w", st, driver.ErrInvalid)
	}
	d.mu.Lock()
	if _, ok := d.vms[uuid]; !ok {
		d.mu.Unlock()
		return fmt.Errorf("vm %s: %w", uuid, driver.ErrNotFound)
	}
	d.setStateLocked(uuid, st)
	d.mu.Unlock()
	return d.flush()
}

// Watch implements driver.Watcher.
func (d *Driver) Watch(ctx context.Context) (<-chan driver.StateChange, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q := watchq.New(ctx)
	d.mu.Lock()
	ids := make([]string, 0, len(d.vms))
	for id := range d.vms {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		q.Push(driver.StateChange{UUID: id, State: d.vms[id].state})
	}
	d.subs[q] = struct{}{}
	d.mu.Unlock()
	go func() {
		<-ctx.Done()
		d.mu.Lock()
		delete(d.subs, q)
		d.mu.Unlock()
	}()
	return q.C(), nil
}

// Watchers is the number of open watch streams.
func (d *Driver) Watchers() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.subs)
}
