package chunter

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/fifogo/fifo/agent/chunter/backoff"
	"github.com/fifogo/fifo/agent/driver"
)

// Defaults of Options.
const (
	DefaultHeartbeatInterval   = 10 * time.Second
	DefaultResyncInterval      = 5 * time.Minute
	DefaultCallTimeout         = 10 * time.Second
	DefaultMaxMissedHeartbeats = 3
	DefaultCommandTimeout      = 15 * time.Minute
	DefaultQueryTimeout        = time.Minute
	DefaultMailboxSize         = 4096
)

// Options configure the agent of one hypervisor. HV and Driver are
// required; every other field has a default.
type Options struct {
	// HV is the hypervisor's uuid (see package hostid). Required.
	HV string
	// Driver runs the hypervisor. Required. It outlives the agent's actors:
	// a restarted agent finds the VMs the driver has.
	Driver driver.Driver
	// Controls are the control nodes to register with, in order of
	// preference; the agent fails over to the next one when its control
	// node goes away. Empty: the agent's own node (all-in-one).
	Controls []string
	// Version is the agent's version reported at registration. Default
	// "dev".
	Version string
	// Logger receives the agent's logs. Default: discard.
	Logger *slog.Logger
	// Metrics counts the agent's work; agents of one node share one.
	// Default: metrics in a private registry.
	Metrics *Metrics
	// HeartbeatInterval is the period of heartbeats. Default 10 s.
	HeartbeatInterval time.Duration
	// ResyncInterval is the period at which the full VM list is sent
	// again, repairing state changes the control plane missed. Default
	// 5 min.
	ResyncInterval time.Duration
	// CallTimeout bounds each call to the control node (Register,
	// Heartbeat, VMList). Default 10 s.
	CallTimeout time.Duration
	// MaxMissedHeartbeats is how many heartbeats in a row may go
	// unanswered before the agent fails over. Default 3.
	MaxMissedHeartbeats int
	// Backoff spaces the attempts to (re)register. Default: 200 ms
	// doubling to 30 s, 20 % jitter.
	Backoff backoff.Policy
	// CommandTimeout bounds a command on the driver (create, delete, …),
	// whatever the caller's own deadline: a caller that gave up repeats
	// the command, which waits for the first. Default 15 min.
	CommandTimeout time.Duration
	// QueryTimeout bounds a query on the driver (get, list, sysinfo, …).
	// Default 1 min.
	QueryTimeout time.Duration
	// MailboxSize bounds each of the agent's mailboxes. Default 4096.
	MailboxSize uint16
	// Rand draws the backoff's jitter, in [0, 1). Default math/rand/v2.
	Rand func() float64
	// Upgrader takes new binaries of the agent and switches to them
	// (NewUpgrader). Nil: the agent refuses them (proto.CodeUnsupported),
	// as an agent running inside a fifo node does: it is upgraded with
	// the node.
	Upgrader Upgrader
	// OnRegistered, when set, is called in its own goroutine each time
	// the agent opens a session with a control node (its name given):
	// cmd/chunter commits a switch on trial there.
	OnRegistered func(control string)
}

func (o Options) withDefaults() Options {
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if o.ResyncInterval <= 0 {
		o.ResyncInterval = DefaultResyncInterval
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.MaxMissedHeartbeats <= 0 {
		o.MaxMissedHeartbeats = DefaultMaxMissedHeartbeats
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = DefaultCommandTimeout
	}
	if o.QueryTimeout <= 0 {
		o.QueryTimeout = DefaultQueryTimeout
	}
	if o.MailboxSize == 0 {
		o.MailboxSize = DefaultMailboxSize
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	o.Controls = append([]string(nil), o.Controls...)
	return o
}

// Validate reports every problem of the options at once.
func (o Options) Validate() error {
	var errs []error
	if !driver.ValidUUID(o.HV) {
		errs = append(errs, fmt.Errorf("hypervisor uuid %q is not a uuid", o.HV))
	}
	if o.Driver == nil {
		errs = append(errs, errors.New("no driver"))
	}
	seen := map[string]bool{}
	for _, c := range o.Controls {
		if !validNodeName(c) {
			errs = append(errs, fmt.Errorf("control node %q: want name@host", c))
		}
		if seen[c] {
			errs = append(errs, fmt.Errorf("control node %q listed twice", c))
		}
		seen[c] = true
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("chunter options: %w", errors.Join(errs...))
}

// validNodeName reports whether s looks like an ergo node name.
func validNodeName(s string) bool {
	at := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '@' {
			if at >= 0 {
				return false
			}
			at = i
		}
	}
	return at > 0 && at < len(s)-1
}
