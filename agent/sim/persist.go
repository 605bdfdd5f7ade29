package sim

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/fifogo/fifo/agent/driver"
)

// ReadStateFile reads and checks a state file (Options.StateFile) as it
// is on disk, transitional states included: what a test or an operator
// compares the control plane's view with. host, when not empty, must be
// the file's host.
func ReadStateFile(path, host string) (HostState, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return HostState{}, fmt.Errorf("sim: state file: %w", err)
	}
	s, err := DecodeState(b, host)
	if err != nil {
		return HostState{}, fmt.Errorf("sim: state file %s: %w", path, err)
	}
	return s, nil
}

// load restores the host from its state file, settling the operations
// the previous process was in the middle of (HostState.Settle), and
// writes the settled state back. A missing file is an empty host, whose
// file is created at once so an unusable path fails New.
func (d *Driver) load() error {
	path := d.opts.StateFile
	s, err := ReadStateFile(path, d.opts.UUID)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		s, _ = s.Settle()
		d.mu.Lock()
		for _, v := range s.VMs {
			snaps := slices0(v.Snapshots)
			d.vms[v.Spec.UUID] = &vm{spec: v.Spec, state: v.State, created: v.Created, snaps: snaps}
		}
		for _, img := range s.Images {
			d.images[img.UUID] = img
		}
		d.mu.Unlock()
	}
	d.mu.Lock()
	d.gen++
	d.mu.Unlock()
	return d.flush()
}

// slices0 is s, or nil when empty (as a VM without snapshots holds it).
func slices0(s []driver.Snapshot) []driver.Snapshot {
	if len(s) == 0 {
		return nil
	}
	return s
}

// changedLocked notes a change of what the state file holds. Called with
// d.mu held; a flush after releasing it writes the change.
func (d *Driver) changedLocked() {
	if d.opts.StateFile != "" {
		d.gen++
	}
}

// flush writes the host's state to its state file if it changed since
// the last write: a snapshot taken under d.mu, written outside it
// (writes run one at a time; one that finds a newer snapshot written
// already has nothing to do). It returns when the file holds every
// change made before the call. Without a state file, or after Crash, it
// does nothing.
func (d *Driver) flush() error {
	if d.opts.StateFile == "" {
		return nil
	}
	d.pmu.Lock()
	defer d.pmu.Unlock()
	d.mu.Lock()
	if d.crashed || d.gen == d.saved {
		d.mu.Unlock()
		return nil
	}
	gen, s := d.gen, d.snapshotLocked()
	d.mu.Unlock()
	b, err := encodeState(s)
	if err == nil {
		err = writeFileAtomic(d.opts.StateFile, b)
	}
	if err != nil {
		return fmt.Errorf("sim: save state: %w: %w", driver.ErrFailed, err)
	}
	d.mu.Lock()
	d.saved = gen
	d.mu.Unlock()
	return nil
}

// snapshotLocked copies what the state file holds. Called with d.mu held.
func (d *Driver) snapshotLocked() HostState {
	s := HostState{Host: d.opts.UUID, VMs: make([]VMState, 0, len(d.vms)), Images: make([]driver.Image, 0, len(d.images))}
	for _, v := range d.vms {
		s.VMs = append(s.VMs, VMState{Spec: v.spec.Clone(), State: v.state, Created: v.created,
			Snapshots: append([]driver.Snapshot(nil), v.snaps...)})
	}
	sort.Slice(s.VMs, func(i, j int) bool { return s.VMs[i].Spec.UUID < s.VMs[j].Spec.UUID })
	for _, img := range d.images {
		s.Images = append(s.Images, img)
	}
	sort.Slice(s.Images, func(i, j int) bool { return s.Images[i].UUID < s.Images[j].UUID })
	return s
}

// Crash stops the state file where it is, as if the process holding the
// host had been killed (kill -9) at this instant: what happens on the
// host afterwards stays in memory only, so a new Driver on the same
// StateFile finds the host as it was at the crash, operations in flight
// included. For tests of restarts; without a state file it does nothing
// observable.
func (d *Driver) Crash() {
	d.pmu.Lock() // a write in progress finishes first, as a rename is atomic
	d.mu.Lock()
	d.crashed = true
	d.mu.Unlock()
	d.pmu.Unlock()
}

// writeFileAtomic replaces path with b: a temporary file in the same
// directory, synced, renamed over path, and the directory synced, so a
// crash leaves the old file or the new one, never a part.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(tmp)
		}
	}()
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	dh, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer dh.Close()
	return dh.Sync()
}
