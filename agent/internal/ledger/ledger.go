// Package ledger is the memory admission core the drivers share
// (driver.MemoryAdmitter): a table of reservations by VM uuid, checked
// against a capacity and the memory the host's VMs are configured with.
// It does no I/O: the caller passes the capacity and the VMs' usage.
//
// A VM counts once, with the larger of its reservation and its usage.
// Reserve admits a reservation when the total stays within capacity, or
// when it does not grow the VM's entitlement (so a repeated Reserve is
// always admitted). The check and the change happen under one lock, so
// concurrent reservations never take the total over capacity provided
// every VM that appears in usage later was reserved first (drivers
// reserve before they create) — a usage snapshot that is a little old
// then only overstates what is used.
package ledger

import (
	"fmt"
	"sync"

	"github.com/fifogo/fifo/agent/driver"
)

// Ledger holds the reservations of one host. The zero value is not
// usable; call New. Safe for concurrent use.
type Ledger struct {
	mu  sync.Mutex
	res map[string]int64
}

// New returns an empty ledger.
func New() *Ledger { return &Ledger{res: map[string]int64{}} }

// Reserve sets vm's reservation to mb if the host can hold it: capacity
// is what VMs may use in all (MB), usage the configured memory of each VM
// on the host now. It returns driver.ErrNoMemory, changing nothing, when
// it cannot.
func (l *Ledger) Reserve(vm string, mb, capacity int64, usage map[string]int64) error {
	if mb <= 0 {
		return fmt.Errorf("reserve %d MB for vm %s: %w", mb, vm, driver.ErrInvalid)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	cur := max(l.res[vm], usage[vm])
	next := max(mb, usage[vm])
	if next > cur {
		used := l.usedLocked(usage)
		if used-cur+next > capacity {
			return fmt.Errorf("reserve %d MB for vm %s: %d of %d MB in use: %w",
				mb, vm, used, capacity, driver.ErrNoMemory)
		}
	}
	l.res[vm] = mb
	return nil
}

// Release drops vm's reservation.
func (l *Ledger) Release(vm string) {
	l.mu.Lock()
	delete(l.res, vm)
	l.mu.Unlock()
}

// Get returns vm's reservation and whether it has one.
func (l *Ledger) Get(vm string) (int64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	mb, ok := l.res[vm]
	return mb, ok
}

// Restore puts back a reservation read with Get (mb, ok), undoing a
// Reserve whose command then failed.
func (l *Ledger) Restore(vm string, mb int64, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ok {
		l.res[vm] = mb
	} else {
		delete(l.res, vm)
	}
}

// Provisioned is the memory VMs are entitled to, given usage.
func (l *Ledger) Provisioned(usage map[string]int64) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.usedLocked(usage)
}

func (l *Ledger) usedLocked(usage map[string]int64) int64 {
	var used int64
	for vm, mb := range l.res {
		used += max(mb, usage[vm])
	}
	for vm, mb := range usage {
		if _, ok := l.res[vm]; !ok {
			used += mb
		}
	}
	return used
}
