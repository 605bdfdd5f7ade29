package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fifogo/fifo/agent/driver"
)

// Defaults of Options.
const (
	DefaultUUID     = "00000000-0000-4000-8000-00000000000a"
	DefaultHostname = "sim"
	DefaultCPUs     = 8
	DefaultMemoryMB = 64 << 10
	DefaultPoolMB   = 1 << 20
)

// Options configure a simulated host; the zero value is a valid host.
type Options struct {
	// UUID is the host's uuid. Default DefaultUUID.
	UUID string
	// Hostname is its host name. Default DefaultHostname.
	Hostname string
	// CPUs is its number of cores. Default DefaultCPUs (8).
	CPUs int
	// MemoryMB is its physical memory. Default DefaultMemoryMB (64 GiB).
	MemoryMB int64
	// ReservedMB is kept for the global zone. Default 0.
	ReservedMB int64
	// Pools are the zpools and their sizes in MB; their use grows with the
	// VMs' quotas and disks. Default: "zones" of DefaultPoolMB (1 TiB).
	Pools map[string]int64
	// NICTags are the host's NIC tags. Default: admin, external.
	NICTags []string
	// Virtualisation are the kinds of VM it runs. Default: zone, lx,
	// kvm, bhyve.
	Virtualisation []string
	// Services are the global zone's SMF services and states. Default: a
	// few online services.
	Services map[string]string
	// Images are installed from the start.
	Images []driver.Image
	// Delays are how long operations take. Default: no time at all.
	Delays Delays
	// Faults make operations fail.
	Faults []Fault
	// Clock measures the delays and dates VMs and snapshots. Default
	// driver.SystemClock.
	Clock driver.Clock
	// StateFile, when set, makes the host outlive its process, as a real
	// host outlives its agent: its VMs (spec, state, creation time,
	// snapshots) and installed images are written to this file (JSON,
	// see HostState) after every change, atomically (a temporary file,
	// fsync, rename), and New reads them back, settling the operations
	// the previous process was in the middle of (HostState.Settle: a
	// half-created VM is gone, a booting one running, a halting one
	// stopped). Memory reservations are the agent's and are not kept.
	// The file must belong to this host (UUID); one that does not, or
	// does not decode, fails New with ErrCorruptState. One process at a
	// time may use a file. Default "": the host lives in memory only and
	// costs nothing more.
	StateFile string
	// Rand draws the faults' probabilities and the MAC addresses: a
	// number in [0, 1). It is called with the host's lock held. Default:
	// a generator with a fixed seed, so runs repeat.
	Rand func() float64
}

// Delays are the simulated durations of operations. During each, the VM
// shows its transitional state.
type Delays struct {
	Create   time.Duration // provisioning
	Boot     time.Duration // booting
	Shutdown time.Duration // shutting_down (skipped by a forced stop)
	Delete   time.Duration
	Snapshot time.Duration
	Import   time.Duration
}

// Op names an operation, for Faults.
type Op string

// Operations that can fail.
const (
	OpCreate         Op = "create"
	OpStart          Op = "start"
	OpStop           Op = "stop"
	OpReboot         Op = "reboot"
	OpDelete         Op = "delete"
	OpUpdate         Op = "update"
	OpSnapshot       Op = "snapshot"
	OpDeleteSnapshot Op = "delete_snapshot"
	OpRollback       Op = "rollback"
	OpImport         Op = "import"
)

// Fault makes calls of one operation fail. Only calls that would change
// the host count: idempotent no-ops (starting a running VM) never fail.
type Fault struct {
	// Op is the operation.
	Op Op
	// Nth fails the Nth call of Op (1 = the next one) counted from when
	// the fault was added, once. 0: not by count.
	Nth int
	// Probability fails each call with this probability (0..1), drawn
	// from Options.Rand. Ignored when Nth is set.
	Probability float64
	// Err is the error returned, wrapped. Default driver.ErrFailed.
	Err error
}

func (o Options) withDefaults() Options {
	if o.UUID == "" {
		o.UUID = DefaultUUID
	}
	if o.Hostname == "" {
		o.Hostname = DefaultHostname
	}
	if o.CPUs == 0 {
		o.CPUs = DefaultCPUs
	}
	if o.MemoryMB == 0 {
		o.MemoryMB = DefaultMemoryMB
	}
	if o.Pools == nil {
		o.Pools = map[string]int64{"zones": DefaultPoolMB}
	}
	if o.NICTags == nil {
		o.NICTags = []string{"admin", "external"}
	}
	if o.Virtualisation == nil {
		o.Virtualisation = []string{"zone", "lx", "kvm", "bhyve"}
	}
	if o.Services == nil {
		o.Services = map[string]string{
			"svc:/system/smartdc/vminfod:default": "online",
			"svc:/system/zones:default":           "online",
			"svc:/network/ssh:default":            "online",
		}
	}
	if o.Clock == nil {
		o.Clock = driver.SystemClock{}
	}
	if o.Rand == nil {
		o.Rand = rand.New(rand.NewPCG(1, 2)).Float64
	}
	return o
}

// Validate reports every problem of the options at once.
func (o Options) Validate() error {
	var errs []error
	if err := driver.CheckUUID("host", o.withDefaults().UUID); err != nil {
		errs = append(errs, err)
	}
	if o.CPUs < 0 || o.MemoryMB < 0 || o.ReservedMB < 0 {
		errs = append(errs, errors.New("negative capacity"))
	}
	if o.ReservedMB > o.withDefaults().MemoryMB {
		errs = append(errs, fmt.Errorf("reserved %d MB > memory %d MB", o.ReservedMB, o.withDefaults().MemoryMB))
	}
	for _, d := range []time.Duration{o.Delays.Create, o.Delays.Boot, o.Delays.Shutdown, o.Delays.Delete, o.Delays.Snapshot, o.Delays.Import} {
		if d < 0 {
			errs = append(errs, errors.New("negative delay"))
			break
		}
	}
	for _, f := range o.Faults {
		if err := f.validate(); err != nil {
			errs = append(errs, err)
		}
	}
	for _, img := range o.Images {
		if err := driver.CheckUUID("image", img.UUID); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("sim options: %w", errors.Join(errs...))
}

func (f Fault) validate() error {
	if f.Op == "" || f.Nth < 0 || f.Probability < 0 || f.Probability > 1 || (f.Nth == 0 && f.Probability == 0) {
		return fmt.Errorf("fault %+v: needs an op and Nth > 0 or a probability in (0, 1]", f)
	}
	return nil
}
