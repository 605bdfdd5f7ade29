package client

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/agent/upgrade"
	"github.com/fifogo/fifo/releases/manifest"
)

// Binary is an agent binary the control node can push.
type Binary struct {
	// Version, OS and Arch say what it is.
	Version, OS, Arch string
	// Path is the file; Size and SHA256 (lower-case hex) what its release
	// manifest says it holds: the agent checks the bytes it receives
	// against them.
	Path   string
	Size   int64
	SHA256 string
	// UpgradeFrom is the oldest agent version it upgrades
	// (manifest.AnyVersion, or "", for any).
	UpgradeFrom string
	// Source says where it comes from, for the operator.
	Source string
}

// Directory is the receiver's directory of registered agents; *Receiver
// is one.
type Directory interface {
	Agents() []AgentInfo
	Agent(hv string) (AgentInfo, bool)
}

// Upgrader pushes agent binaries to hypervisors and switches them
// (docs/releases.md, "Pushing chunter to hypervisors"). Its fields are
// required but Now.
type Upgrader struct {
	// Client calls the agents.
	Client *Client
	// Agents is the directory of registered agents.
	Agents Directory
	// Binaries finds the agent binary of a version for a platform.
	Binaries func(version, os, arch string) (Binary, error)
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Defaults of UpgradeOptions.
const (
	DefaultCallTimeout     = 30 * time.Second
	DefaultRegisterTimeout = 3 * time.Minute
	// registerPoll is how often the directory is looked at while an
	// agent restarts.
	registerPoll = 100 * time.Millisecond
)

// UpgradeOptions say what to upgrade and how.
type UpgradeOptions struct {
	// Version is the agent version to run. Required.
	Version string
	// Hypervisors lists the hypervisors to upgrade; empty: every agent
	// registered now (those that run inside a fifo node are skipped).
	Hypervisors []string
	// Parallel is how many hypervisors are upgraded at once. Default 1.
	Parallel int
	// ChunkSize and Retries tune the transfer (PushOptions).
	ChunkSize, Retries int
	// CallTimeout bounds each call to an agent. Default 30 s.
	CallTimeout time.Duration
	// RegisterTimeout bounds the wait, after the switch, for the agent to
	// register again with the new version and commit it. Default 3 min
	// (an agent gives a new binary 2 min to register before it returns to
	// the old one).
	RegisterTimeout time.Duration
	// Progress, when set, is told each step (concurrently for several
	// hypervisors).
	Progress func(hv, line string)
}

// Outcomes of an upgrade.
const (
	// Upgraded: the agent runs the new version and committed it.
	Upgraded = "upgraded"
	// Already: the agent already ran the version.
	Already = "already"
	// Skipped: the agent cannot be upgraded (it runs inside a fifo node)
	// and was not asked for by name.
	Skipped = "skipped"
	// Failed: see Err; the agent runs what it ran before (or, when the
	// failure came after the switch, what it says it runs).
	Failed = "failed"
)

// UpgradeResult is how one hypervisor's upgrade went.
type UpgradeResult struct {
	HV, Node string
	// From is the version it ran, To the one it runs at the end.
	From, To string
	// Outcome is Upgraded, Already, Skipped or Failed.
	Outcome string
	// Err is why it failed or was skipped.
	Err error
	// Transfer counts the chunks sent.
	Transfer upgrade.SendResult
	// PIDBefore and PIDAfter are the agent's process ids (equal: the new
	// binary was executed in place).
	PIDBefore, PIDAfter int64
	// Took is how long it took.
	Took time.Duration
}

// Upgrade upgrades the chosen hypervisors and returns one result each, in
// the order of o.Hypervisors (else of the directory). It fails only for
// bad options; each hypervisor's failure is in its result.
func (u *Upgrader) Upgrade(ctx context.Context, o UpgradeOptions) ([]UpgradeResult, error) {
	if !manifest.ValidVersion(o.Version) {
		return nil, fmt.Errorf("upgrade: version %q is not a version", o.Version)
	}
	if o.Parallel <= 0 {
		o.Parallel = 1
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.RegisterTimeout <= 0 {
		o.RegisterTimeout = DefaultRegisterTimeout
	}
	if o.Progress == nil {
		o.Progress = func(string, string) {}
	}
	if u.Now == nil {
		u.Now = time.Now
	}
	named := len(o.Hypervisors) > 0
	hvs := o.Hypervisors
	if !named {
		for _, a := range u.Agents.Agents() {
			hvs = append(hvs, a.Addr.HV)
		}
	}
	out := make([]UpgradeResult, len(hvs))
	sem := make(chan struct{}, o.Parallel)
	var wg sync.WaitGroup
	for i, hv := range hvs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = UpgradeResult{HV: hv, Outcome: Failed, Err: ctx.Err()}
				return
			}
			defer func() { <-sem }()
			t0 := u.Now()
			out[i] = u.one(ctx, hv, named, o)
			out[i].Took = u.Now().Sub(t0)
		}()
	}
	wg.Wait()
	return out, nil
}

// one upgrades one hypervisor.
func (u *Upgrader) one(ctx context.Context, hv string, named bool, o UpgradeOptions) UpgradeResult {
	res := UpgradeResult{HV: hv, To: o.Version}
	say := func(format string, a ...any) { o.Progress(hv, fmt.Sprintf(format, a...)) }
	fail := func(err error) UpgradeResult {
		res.Outcome, res.Err = Failed, err
		say("failed: %v", err)
		return res
	}
	info, ok := u.Agents.Agent(hv)
	if !ok {
		return fail(fmt.Errorf("hypervisor %s: no agent connected", hv))
	}
	addr := info.Addr
	res.Node = addr.Node
	st, err := u.info(ctx, addr, o)
	if err != nil {
		return fail(err)
	}
	res.From, res.To, res.PIDBefore, res.PIDAfter = st.Version, st.Version, st.PID, st.PID
	switch {
	case st.Version == o.Version:
		res.Outcome = Already
		say("already runs %s", o.Version)
		return res
	case !st.Upgradable:
		err := fmt.Errorf("agent runs inside fifo node %s: it is upgraded with the node", addr.Node)
		if named {
			return fail(err)
		}
		res.Outcome, res.Err = Skipped, err
		say("skipped: %v", err)
		return res
	case st.Trial != "":
		return fail(fmt.Errorf("agent is on trial with %s: try again once it committed or returned", st.Trial))
	}
	bin, err := u.Binaries(o.Version, st.OS, st.Arch)
	if err != nil {
		return fail(err)
	}
	if err := manifest.CheckUpgrade(st.Version, manifest.Manifest{Version: bin.Version, UpgradeFrom: orAny(bin.UpgradeFrom)}); err != nil {
		return fail(fmt.Errorf("%s: %w", bin.Source, err))
	}
	say("%s %s/%s (pid %d) -> %s: sending %s from %s", st.Version, st.OS, st.Arch, st.PID, o.Version, mib(bin.Size), bin.Source)
	if res.Transfer, err = u.push(ctx, addr, bin, o, say); err != nil {
		return fail(err)
	}
	say("sent %s in %d chunks (%d resent); switching", mib(bin.Size), res.Transfer.Chunks, res.Transfer.Retries)
	switched := u.Now()
	cctx, cancel := context.WithTimeout(ctx, o.CallTimeout)
	err = u.Client.SwitchBinary(cctx, addr, o.Version, bin.SHA256)
	cancel()
	if err != nil && !errors.Is(err, ErrUnavailable) {
		return fail(fmt.Errorf("agent refused the switch: %w", err))
	}
	st, err = u.registered(ctx, addr, switched, o)
	if err != nil {
		return fail(err)
	}
	res.To, res.PIDAfter = st.Version, st.PID
	if st.Version != o.Version {
		why := "the new binary did not keep running"
		if st.Last != nil && st.Last.To == o.Version && st.Last.Reason != "" {
			why = st.Last.Reason
		}
		return fail(fmt.Errorf("agent came back with %s: the upgrade to %s failed (%s); it runs %s as before", st.Version, o.Version, why, st.Version))
	}
	res.Outcome = Upgraded
	how := "same process, executed in place"
	if res.PIDAfter != res.PIDBefore {
		how = fmt.Sprintf("new process %d", res.PIDAfter)
	}
	say("re-registered with %s (%s); committed", o.Version, how)
	return res
}

// info asks the agent what it runs, again while its answers are lost.
func (u *Upgrader) info(ctx context.Context, a Addr, o UpgradeOptions) (proto.UpgradeState, error) {
	var err error
	for range 3 {
		cctx, cancel := context.WithTimeout(ctx, o.CallTimeout)
		var st proto.UpgradeState
		st, err = u.Client.UpgradeInfo(cctx, a)
		cancel()
		if err == nil || !errors.Is(err, ErrUnavailable) || ctx.Err() != nil {
			return st, err
		}
	}
	return proto.UpgradeState{}, err
}

// push sends the binary, telling the operator at every quarter.
func (u *Upgrader) push(ctx context.Context, a Addr, bin Binary, o UpgradeOptions, say func(string, ...any)) (upgrade.SendResult, error) {
	f, err := os.Open(bin.Path)
	if err != nil {
		return upgrade.SendResult{}, fmt.Errorf("agent binary: %w", err)
	}
	defer f.Close()
	next := bin.Size / 4
	return u.Client.PushBinary(ctx, a, bin.Version, bin.Size, bin.SHA256, f, PushOptions{
		ChunkSize: o.ChunkSize, Retries: o.Retries, CallTimeout: o.CallTimeout,
		Progress: func(off int64) {
			if off >= next && off < bin.Size {
				say("sent %s of %s", mib(off), mib(bin.Size))
				for next <= off {
					next += bin.Size / 4
				}
			}
		},
	})
}

// registered waits until the agent registered after the switch (the
// directory has a registration newer than since), then until it is off
// trial, and returns what it runs.
func (u *Upgrader) registered(ctx context.Context, a Addr, since time.Time, o UpgradeOptions) (proto.UpgradeState, error) {
	ctx, cancel := context.WithTimeout(ctx, o.RegisterTimeout)
	defer cancel()
	tick := time.NewTicker(registerPoll)
	defer tick.Stop()
	var last error
	for {
		if info, ok := u.Agents.Agent(a.HV); ok && info.Registered.After(since) {
			cctx, ccancel := context.WithTimeout(ctx, o.CallTimeout)
			st, err := u.Client.UpgradeInfo(cctx, info.Addr)
			ccancel()
			switch {
			case err != nil:
				last = err
			case st.Trial == "":
				return st, nil
			default:
				last = fmt.Errorf("registered with %s, not committed yet", st.Version)
			}
		}
		select {
		case <-ctx.Done():
			if last == nil {
				last = errors.New("it did not register again")
			}
			return proto.UpgradeState{}, fmt.Errorf("agent not back within %v after the switch: %w", o.RegisterTimeout, last)
		case <-tick.C:
		}
	}
}

// orAny maps an empty floor to manifest.AnyVersion.
func orAny(v string) string {
	if v == "" {
		return manifest.AnyVersion
	}
	return v
}

// mib renders a byte count for the operator.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
