// Package rolling upgrades a cluster of FiFo nodes to a release, one
// node at a time, live: `fifo cluster upgrade <version>`.
//
// It is the pure driver: it talks to the nodes through a Nodes value (the
// CLI's is the console of each node over ergo) and reads time through
// Options.Now and Options.Sleep, so tests run it against fakes. The plan:
//
//  1. ask the local node for the ring: every member that has not left
//     must be valid and reachable (else nothing is touched);
//  2. ask every member what it runs and whether the release is unpacked
//     in its releases root; a member without it stops the upgrade before
//     any node changed;
//  3. for each member not yet at the version, the other members in name
//     order and the local node last: ask it to install the release live
//     (it hands its sockets to the new binary), wait until it answers
//     again under its name, runs the version and its /readyz says ready,
//     then until every member sees every member valid and reachable, no
//     pending handoff and no hint held (the cluster is healthy again);
//  4. stop at the first node that fails, saying which and why: the
//     cluster then runs mixed versions, which records allow (a newer
//     schema stays readable by the older release).
package rolling

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Install states of Install.State (the console's).
const (
	StateRunning = "running"
	StateDone    = "done"
	StateFailed  = "failed"
)

// NodeStatus is what a node says of itself (`release status <version>`).
type NodeStatus struct {
	Node    string `json:"node"`
	Version string `json:"version"`
	PID     int    `json:"pid"`
	Ready   bool   `json:"ready"`
	// ReadyError says why it is not ready.
	ReadyError string `json:"ready_error"`
	// Has: the version asked about is unpacked in the node's releases
	// root; Root is that root.
	Has  bool   `json:"has"`
	Root string `json:"root"`
	// Upgradable: the node can hand over live; UpgradableError says why
	// not.
	Upgradable      bool   `json:"upgradable"`
	UpgradableError string `json:"upgradable_error"`
	// LastInstall is the node's last live install.
	LastInstall *Install `json:"last_install"`
}

// Install is a node's record of a live install.
type Install struct {
	ID       string   `json:"id"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	State    string   `json:"state"`
	Error    string   `json:"error"`
	PID      int      `json:"pid"`
	Progress []string `json:"progress"`
}

// Member is a ring member as a node sees it.
type Member struct {
	Name      string `json:"name"`
	Status    string `json:"status"`
	Reachable bool   `json:"reachable"`
}

// Handoff is a pending ownership transfer.
type Handoff struct {
	Partition int    `json:"partition"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// Ring is a node's view of the cluster (`cluster status`).
type Ring struct {
	Self        string    `json:"self"`
	Members     []Member  `json:"members"`
	Handoffs    []Handoff `json:"handoffs"`
	Unreachable []string  `json:"unreachable"`
	Hints       int       `json:"hints"`
	N           int       `json:"n_val"`
	R           int       `json:"r"`
	W           int       `json:"w"`
}

// Nodes reaches the nodes of the cluster by name. Errors are for a node
// that did not answer (it may be handing over) or refused the request.
type Nodes interface {
	// Ring is node's view of the cluster.
	Ring(ctx context.Context, node string) (Ring, error)
	// Status is what node runs, and whether version is unpacked there.
	Status(ctx context.Context, node, version string) (NodeStatus, error)
	// Install asks node to install version live, under id; it returns once
	// the node started it.
	Install(ctx context.Context, node, version, id string) error
}

// Options configure an upgrade.
type Options struct {
	// Version is the release to run everywhere. Required.
	Version string
	// Local is the node the command runs on, upgraded last. Required.
	Local string
	// NodeTimeout bounds each node's turn: its install, its return and
	// the cluster's health after it. Default 5 minutes.
	NodeTimeout time.Duration
	// Poll is the pause between two looks at a node. Default 500 ms.
	Poll time.Duration
	// ID names the installs (each node's is ID plus the node's name).
	ID string
	// Progress receives one line per step. Default: discarded.
	Progress func(line string)
	// Now and Sleep are the clock. Default time.Now and a sleep that ends
	// with ctx.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

func (o Options) withDefaults() Options {
	if o.NodeTimeout <= 0 {
		o.NodeTimeout = 5 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = 500 * time.Millisecond
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	return o
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Outcomes of NodeResult.Outcome.
const (
	OutcomeUpgraded = "upgraded"
	OutcomeAlready  = "already"
	OutcomeFailed   = "failed"
	OutcomePending  = "not upgraded"
)

// NodeResult is one member's part of the upgrade.
type NodeResult struct {
	Node    string        `json:"node"`
	From    string        `json:"from"`
	To      string        `json:"to"`
	Outcome string        `json:"outcome"`
	Error   string        `json:"error,omitempty"`
	PIDs    [2]int        `json:"pids"`
	Took    time.Duration `json:"took_ns"`
}

// Result is the whole upgrade.
type Result struct {
	Version string       `json:"version"`
	Nodes   []NodeResult `json:"nodes"`
}

// ErrNotReady is the error of an upgrade refused before any node changed
// (the cluster is not healthy, a member lacks the release).
var ErrNotReady = errors.New("cluster not ready for the upgrade")

// NodeError is the error of an upgrade that failed on one node.
type NodeError struct {
	Node string
	Err  error
}

// Error names the node and the reason.
func (e *NodeError) Error() string { return fmt.Sprintf("node %s: %v", e.Node, e.Err) }

// Unwrap returns the reason.
func (e *NodeError) Unwrap() error { return e.Err }

// Upgrade runs the upgrade (see the package doc). The result lists every
// member, in the order of the plan, also when it fails; its error then
// wraps ErrNotReady or is a *NodeError.
func Upgrade(ctx context.Context, nodes Nodes, o Options) (Result, error) {
	o = o.withDefaults()
	res := Result{Version: o.Version}
	ring, err := nodes.Ring(ctx, o.Local)
	if err != nil {
		return res, fmt.Errorf("%w: ring of %s: %w", ErrNotReady, o.Local, err)
	}
	members := Order(ring, o.Local)
	if !slices.Contains(members, o.Local) {
		return res, fmt.Errorf("%w: %s is not a member of its ring", ErrNotReady, o.Local)
	}
	if why := Unhealthy(o.Local, ring, members); why != "" {
		return res, fmt.Errorf("%w: %s", ErrNotReady, why)
	}
	o.Progress(fmt.Sprintf("cluster of %d: %s (n_val %d, r %d, w %d); upgrading to %s, %s last",
		len(members), strings.Join(members, ", "), ring.N, ring.R, ring.W, o.Version, o.Local))
	before := map[string]NodeStatus{}
	var missing []string
	for _, m := range members {
		st, err := nodes.Status(ctx, m, o.Version)
		if err != nil {
			return res, fmt.Errorf("%w: %s: %w", ErrNotReady, m, err)
		}
		if st.Node != m {
			return res, fmt.Errorf("%w: %s answers as %q", ErrNotReady, m, st.Node)
		}
		before[m] = st
		switch {
		case st.Version == o.Version:
			o.Progress(fmt.Sprintf("%s runs %s already", m, st.Version))
		case !st.Has:
			missing = append(missing, fmt.Sprintf("%s (root %s)", m, st.Root))
		case !st.Upgradable:
			missing = append(missing, fmt.Sprintf("%s cannot hand over live: %s", m, st.UpgradableError))
		default:
			o.Progress(fmt.Sprintf("%s runs %s (pid %d); %s is unpacked", m, st.Version, st.PID, o.Version))
		}
	}
	for _, m := range members {
		res.Nodes = append(res.Nodes, NodeResult{Node: m, From: before[m].Version, To: o.Version, Outcome: OutcomePending,
			PIDs: [2]int{before[m].PID, before[m].PID}})
	}
	if len(missing) > 0 {
		return res, fmt.Errorf("%w: %s is not unpacked on: %s", ErrNotReady, o.Version, strings.Join(missing, "; "))
	}
	for i, m := range members {
		nr := &res.Nodes[i]
		if before[m].Version == o.Version {
			nr.Outcome = OutcomeAlready
			continue
		}
		start := o.Now()
		o.Progress(fmt.Sprintf("[%d/%d] %s: %s -> %s", i+1, len(members), m, before[m].Version, o.Version))
		st, err := upgradeOne(ctx, nodes, o, m, members, o.ID+"-"+m)
		nr.Took = o.Now().Sub(start)
		if err != nil {
			nr.Outcome, nr.Error = OutcomeFailed, err.Error()
			return res, &NodeError{Node: m, Err: err}
		}
		nr.Outcome, nr.PIDs[1] = OutcomeUpgraded, st.PID
		o.Progress(fmt.Sprintf("[%d/%d] %s: done in %v", i+1, len(members), m, nr.Took.Round(100*time.Millisecond)))
	}
	return res, nil
}

// upgradeOne installs the version on node m and waits until it is back
// and the cluster healthy, within o.NodeTimeout.
func upgradeOne(ctx context.Context, nodes Nodes, o Options, m string, members []string, id string) (NodeStatus, error) {
	deadline := o.Now().Add(o.NodeTimeout)
	if err := nodes.Install(ctx, m, o.Version, id); err != nil {
		return NodeStatus{}, fmt.Errorf("install %s: %w", o.Version, err)
	}
	o.Progress(fmt.Sprintf("  %s: live install started (id %s)", m, id))
	// Back: the node answers under its name, runs the version, serves.
	var st NodeStatus
	shown := 0
	last := ""
	for {
		s, err := nodes.Status(ctx, m, o.Version)
		switch {
		case err != nil:
			last = "does not answer: " + err.Error()
		case s.Node != m:
			return s, fmt.Errorf("answers as %q after the install", s.Node)
		default:
			if li := s.LastInstall; li != nil && li.ID == id {
				for ; shown < len(li.Progress); shown++ {
					o.Progress("  " + m + ": " + li.Progress[shown])
				}
				if li.State == StateFailed {
					return s, fmt.Errorf("live install to %s failed: %s", o.Version, li.Error)
				}
			}
			switch {
			case s.Version != o.Version:
				last = fmt.Sprintf("still runs %s (pid %d)", s.Version, s.PID)
			case !s.Ready:
				last = fmt.Sprintf("runs %s (pid %d) but is not ready: %s", s.Version, s.PID, s.ReadyError)
			default:
				st = s
			}
		}
		if st.Node != "" {
			break
		}
		if !o.Now().Before(deadline) {
			return s, fmt.Errorf("not back with %s within %v: it %s", o.Version, o.NodeTimeout, last)
		}
		if err := o.Sleep(ctx, o.Poll); err != nil {
			return s, err
		}
	}
	o.Progress(fmt.Sprintf("  %s: runs %s (pid %d) and is ready", m, st.Version, st.PID))
	// Healthy: every member sees every member valid and reachable, no
	// handoff pending, no hint held.
	for {
		why := ""
		for _, n := range members {
			r, err := nodes.Ring(ctx, n)
			if err != nil {
				why = fmt.Sprintf("%s does not answer: %v", n, err)
				break
			}
			if why = Unhealthy(n, r, members); why != "" {
				break
			}
		}
		if why == "" {
			o.Progress(fmt.Sprintf("  cluster healthy: %d members valid and reachable, no handoff pending, no hint held", len(members)))
			return st, nil
		}
		if !o.Now().Before(deadline) {
			return st, fmt.Errorf("runs %s, but the cluster is not healthy within %v: %s", o.Version, o.NodeTimeout, why)
		}
		if err := o.Sleep(ctx, o.Poll); err != nil {
			return st, err
		}
	}
}

// Order lists the ring's members that have not left: the others in name
// order, then local (when it is one).
func Order(r Ring, local string) []string {
	var out []string
	self := false
	for _, m := range r.Members {
		if m.Status == "left" {
			continue
		}
		if m.Name == local {
			self = true
			continue
		}
		out = append(out, m.Name)
	}
	slices.Sort(out)
	if self {
		out = append(out, local)
	}
	return out
}

// Unhealthy says why node's view r of a cluster of members is not
// healthy ("" when it is): a member missing, not valid or unreachable, a
// handoff pending, hints held.
func Unhealthy(node string, r Ring, members []string) string {
	seen := map[string]Member{}
	for _, m := range r.Members {
		if m.Status != "left" {
			seen[m.Name] = m
		}
	}
	for _, want := range members {
		m, ok := seen[want]
		switch {
		case !ok:
			return fmt.Sprintf("%s does not list %s as a member", node, want)
		case m.Status != "valid":
			return fmt.Sprintf("%s sees %s %s", node, want, m.Status)
		case !m.Reachable:
			return fmt.Sprintf("%s cannot reach %s", node, want)
		}
	}
	if len(seen) != len(members) {
		return fmt.Sprintf("%s lists %d members, not %d", node, len(seen), len(members))
	}
	if len(r.Unreachable) > 0 {
		return fmt.Sprintf("%s cannot reach %s", node, strings.Join(r.Unreachable, ", "))
	}
	if len(r.Handoffs) > 0 {
		return fmt.Sprintf("%s has %d handoffs pending", node, len(r.Handoffs))
	}
	if r.Hints > 0 {
		return fmt.Sprintf("%s holds %d hints for other replicas", node, r.Hints)
	}
	return ""
}
