package chunter

import (
	"context"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/agent/upgrade"
)

// Upgrader takes new binaries of the agent from the control plane and
// switches to them (docs/releases.md, "Pushing chunter to hypervisors").
// NewUpgrader builds the one cmd/chunter uses.
type Upgrader interface {
	// Begin reports where the transfer of a binary stands.
	Begin(version string, size int64, sum string) (upgrade.Progress, error)
	// Chunk takes one chunk of a binary.
	Chunk(c upgrade.Chunk) (upgrade.Progress, error)
	// Switch checks the received binary of version and records the
	// switch; start, called once the control node has its answer, runs
	// the new binary.
	Switch(ctx context.Context, version, sum string) (start func(), err error)
	// Status reports the agent's binary, its trial and the last switch.
	Status() (UpgradeStatus, error)
}

// UpgradeStatus is what an Upgrader knows of the agent's binaries.
type UpgradeStatus struct {
	// Exe is the running binary.
	Exe string
	// Trial is the version on trial ("" for none).
	Trial string
	// Last is the last switch's outcome, nil for none.
	Last *upgrade.Outcome
}

// UpgraderOptions configure NewUpgrader. Every field is required.
type UpgraderOptions struct {
	// Store is the agent's releases folder.
	Store *upgrade.Store
	// Version is the running agent's version, Exe its binary.
	Version string
	Exe     string
	// Exec stops the agent and executes the binary at path in its place
	// (cmd/chunter: stop the application and the node, then exec with the
	// same arguments). It is called after the switch was answered.
	Exec func(path string)
	// Now is the clock of the trial records. Default time.Now.
	Now func() time.Time
}

// NewUpgrader returns the Upgrader over a releases folder: binaries are
// received into the store, and a switch checks the binary (its SHA-256,
// then `<binary> version` must run and report the version), records a
// trial (upgrade.Trial) and executes it.
func NewUpgrader(o UpgraderOptions) (Upgrader, error) {
	if o.Store == nil || o.Version == "" || o.Exe == "" || o.Exec == nil {
		return nil, errors.New("chunter upgrader: store, version, exe and exec are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &storeUpgrader{o: o}, nil
}

// storeUpgrader is NewUpgrader's Upgrader.
type storeUpgrader struct{ o UpgraderOptions }

func (u *storeUpgrader) Begin(v string, size int64, sum string) (upgrade.Progress, error) {
	return u.o.Store.Begin(v, size, sum)
}

func (u *storeUpgrader) Chunk(c upgrade.Chunk) (upgrade.Progress, error) { return u.o.Store.Chunk(c) }

func (u *storeUpgrader) Switch(ctx context.Context, v, sum string) (func(), error) {
	if v == u.o.Version {
		return nil, fmt.Errorf("%w: the agent already runs %s", upgrade.ErrInvalid, v)
	}
	if t, err := u.o.Store.Trial(); err != nil {
		return nil, err
	} else if t != nil {
		return nil, fmt.Errorf("%w: a switch from %s to %s is on trial", upgrade.ErrInvalid, t.From, t.To)
	}
	path, err := u.o.Store.Binary(v, sum)
	if err != nil {
		return nil, err
	}
	if err := upgrade.CheckBinary(ctx, path, v); err != nil {
		return nil, err
	}
	t := upgrade.Trial{From: u.o.Version, FromExe: u.o.Exe, To: v, ToExe: path, Started: u.o.Now().UnixMilli()}
	if err := u.o.Store.BeginTrial(t); err != nil {
		return nil, err
	}
	return func() { u.o.Exec(path) }, nil
}

func (u *storeUpgrader) Status() (UpgradeStatus, error) {
	st := UpgradeStatus{Exe: u.o.Exe}
	t, err := u.o.Store.Trial()
	if err != nil {
		return st, err
	}
	if t != nil && t.To == u.o.Version {
		st.Trial = t.To
	}
	st.Last, err = u.o.Store.Last()
	return st, err
}

// upgradeKey serialises the upgrade commands of an agent.
const upgradeKey = "upgrade"

// upgradeCommand maps an upgrade request to its work; ok is false for
// other requests.
func (a *Agent) upgradeCommand(req any) (command, bool, error) {
	u := a.opts.Upgrader
	mut := func(name string, f func(ctx context.Context) proto.Reply) command {
		return command{name: name, key: upgradeKey, timeout: a.opts.CommandTimeout, run: f}
	}
	switch req.(type) {
	case proto.UpgradeInfo:
		return command{name: "upgrade_info", timeout: a.opts.QueryTimeout,
			run: func(context.Context) proto.Reply { return proto.ReplyOf(a.upgradeState()) }}, true, nil
	case proto.UpgradeBegin, proto.UpgradeChunk, proto.UpgradeSwitch:
		if u == nil {
			return command{}, true, fmt.Errorf("agent %s: %T: this agent runs inside a fifo node and is upgraded with it: %w", a.opts.HV, req, proto.ErrUnsupported)
		}
	default:
		return command{}, false, nil
	}
	switch r := req.(type) {
	case proto.UpgradeBegin:
		return mut("upgrade_begin", func(context.Context) proto.Reply {
			p, err := u.Begin(r.Version, r.Size, r.SHA256)
			return progressReply(p, err)
		}), true, nil
	case proto.UpgradeChunk:
		return mut("upgrade_chunk", func(context.Context) proto.Reply {
			p, err := u.Chunk(upgrade.Chunk{Version: r.Version, Size: r.Size, SHA256: r.SHA256, Offset: r.Offset, Data: r.Data, ChunkSHA256: r.ChunkSHA256})
			return progressReply(p, err)
		}), true, nil
	case proto.UpgradeSwitch:
		var start func()
		c := mut("upgrade_switch", func(ctx context.Context) proto.Reply {
			s, err := u.Switch(ctx, r.Version, r.SHA256)
			if err != nil {
				a.log.Warn("upgrade switch refused", "version", r.Version, "err", err)
				return proto.ReplyOf(nil, upgradeError(err))
			}
			a.log.Info("switching to a new agent binary", "version", r.Version)
			start = s
			return proto.Reply{}
		})
		c.after = func() {
			if start != nil {
				start()
			}
		}
		return c, true, nil
	}
	return command{}, false, nil
}

// upgradeState is the agent's answer to UpgradeInfo.
func (a *Agent) upgradeState() (proto.UpgradeState, error) {
	st := proto.UpgradeState{Version: a.opts.Version, OS: goruntime.GOOS, Arch: goruntime.GOARCH, PID: int64(os.Getpid())}
	if a.opts.Upgrader == nil {
		return st, nil
	}
	s, err := a.opts.Upgrader.Status()
	if err != nil {
		return st, fmt.Errorf("agent %s: upgrade status: %w", a.opts.HV, err)
	}
	st.Upgradable, st.Exe, st.Trial = true, s.Exe, s.Trial
	if s.Last != nil {
		st.Last = &proto.UpgradeOutcome{From: s.Last.From, To: s.Last.To, OK: s.Last.OK, Reason: s.Last.Reason, At: s.Last.At}
	}
	return st, nil
}

// progressReply answers Begin and Chunk.
func progressReply(p upgrade.Progress, err error) proto.Reply {
	if err != nil {
		return proto.ReplyOf(nil, upgradeError(err))
	}
	return proto.ReplyOf(proto.UpgradeProgress{Offset: p.Offset, Refused: p.Refused}, nil)
}

// upgradeError gives the upgrade's refusals the protocol's invalid code.
func upgradeError(err error) error {
	if errors.Is(err, upgrade.ErrInvalid) || errors.Is(err, upgrade.ErrNotReceived) {
		return fmt.Errorf("%w (%w)", err, driver.ErrInvalid)
	}
	return err
}
