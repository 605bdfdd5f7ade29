package vms

import (
	"context"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/internal/perm"
)

// Identity is what the VM flows need from snarl (*identity.Service
// implements it).
type Identity interface {
	ActiveOrg(ctx context.Context, user string) (string, error)
	Effective(ctx context.Context, user string) (*perm.Set, error)
	EffectiveBase(ctx context.Context, user string) (*perm.Set, error)
	SSHKeys(ctx context.Context, user string) ([]string, error)
	GrantCreator(ctx context.Context, user, vm string) error
	RevokePrefix(ctx context.Context, prefix perm.Permission) (int, error)
	OrgResources(ctx context.Context, org string) (map[string]int64, error)
	ChangeResource(ctx context.Context, org, resource string, delta int64) error
	RunTriggers(ctx context.Context, org, event, element string) error
	AddAccounting(ctx context.Context, org string, e identity.AccountingEntry) error
}

// Agents reaches the agent of a hypervisor (by hypervisor uuid). Errors
// carry the driver's sentinels (driver.ErrNoMemory when a reservation is
// refused).
type Agents interface {
	Reserve(ctx context.Context, hv, vm string, ramMB int64) error
	Release(ctx context.Context, hv, vm string) error
	Create(ctx context.Context, hv string, spec driver.Spec) error
	Start(ctx context.Context, hv, vm string) error
	Stop(ctx context.Context, hv, vm string, force bool) error
	Reboot(ctx context.Context, hv, vm string, force bool) error
	Delete(ctx context.Context, hv, vm string) error
	Update(ctx context.Context, hv, vm string, u driver.UpdateSpec) error
	Snapshot(ctx context.Context, hv, vm, name string) error
	DeleteSnapshot(ctx context.Context, hv, vm, name string) error
	Rollback(ctx context.Context, hv, vm, name string) error
	// Get returns the VM as its host has it; driver.ErrNotFound when the
	// host does not have it.
	Get(ctx context.Context, hv, vm string) (driver.VM, error)
}

// Events publishes to the event hub (howl): channel, event, data.
type Events interface {
	Publish(channel, event string, data any)
}

// EventsFunc adapts a function to Events.
type EventsFunc func(channel, event string, data any)

// Publish implements Events.
func (f EventsFunc) Publish(channel, event string, data any) { f(channel, event, data) }

// Options tune the flows; zero fields take defaults.
type Options struct {
	// MaxRetries bounds the placement attempts of a create (fifo's
	// create_max_retries). Default 5.
	MaxRetries int
	// RetryDelay is the pause between attempts. Default 5 s.
	RetryDelay time.Duration
	// CreatingGrace is how long a VM counts as being created for delete
	// (423 before). Default 120 s.
	CreatingGrace time.Duration
	// SnapshotTTL is how long a read of the hypervisors serves placement
	// (the first attempt of a create; retries read afresh). Default 250 ms.
	SnapshotTTL time.Duration
	// HostWait bounds how long a create whose call to the agent ended
	// without a clear answer (the agent unreachable or too slow: the host
	// may or may not have made the VM) waits, bound to that host, for the
	// host to say whether it has the VM. Past it the VM fails, its
	// addresses still reserved until the host confirms it absent
	// (hostwait.go). Default 15 min.
	HostWait time.Duration
	// HostPoll is how often such a create asks the host again between
	// re-registrations of its agent (which wake it at once). Default 5 s.
	HostPoll time.Duration
	// Sleep waits between retries (tests use a fake). Default: a timer
	// honouring ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Node names the control node this service runs on. A create is
	// recorded as run by the node that registers or takes it up (VM info
	// create_node), and a delete is finished by the node that claims it
	// (recover.go). Default "local".
	Node string
	// Alive reports whether a control node is a live member of the
	// cluster. Recovery at start takes up the interrupted creates of this
	// node, of no recorded node (older versions), and of nodes Alive says
	// are gone; nil takes up only this node's.
	Alive func(ctx context.Context, node string) bool
}

func (o Options) withDefaults() Options {
	if o.MaxRetries <= 0 {
		o.MaxRetries = 5
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 5 * time.Second
	}
	if o.SnapshotTTL <= 0 {
		o.SnapshotTTL = 250 * time.Millisecond
	}
	if o.CreatingGrace <= 0 {
		o.CreatingGrace = 120 * time.Second
	}
	if o.HostWait <= 0 {
		o.HostWait = 15 * time.Minute
	}
	if o.HostPoll <= 0 {
		o.HostPoll = 5 * time.Second
	}
	if o.Node == "" {
		o.Node = "local"
	}
	if o.Sleep == nil {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return o
}
