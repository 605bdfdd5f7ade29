package vmadm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/internal/keylock"
	"github.com/fifogo/fifo/agent/internal/ledger"
)

// Driver is the SmartOS driver. Create one with New.
type Driver struct {
	opts   Options
	ledger *ledger.Ledger
	locks  keylock.Locks

	memMu   sync.Mutex
	totalMB int64 // sysinfo's memory, read once

	kickMu sync.Mutex
	kickCh chan struct{} // closed and replaced after each command, to poll now
}

var _ driver.Driver = (*Driver)(nil)

// New returns a driver; it runs nothing until called.
func New(opts Options) (*Driver, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Driver{opts: opts.withDefaults(), ledger: ledger.New(), kickCh: make(chan struct{})}, nil
}

// run runs tool with args and stdin within timeout and returns its
// stdout; a non-zero exit is a *CommandError.
func (d *Driver) run(ctx context.Context, timeout time.Duration, stdin []byte, tool string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := d.opts.Runner.Run(ctx, Command{Path: d.opts.path(tool), Args: args, Stdin: stdin})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", tool, strings.Join(args, " "), err)
	}
	if res.ExitCode != 0 {
		stderr := string(bytes.TrimSpace(res.Stderr))
		if len(stderr) > 4096 {
			stderr = stderr[len(stderr)-4096:]
		}
		return nil, &CommandError{Tool: tool, Args: args, ExitCode: res.ExitCode, Stderr: stderr, Kind: classify(res.ExitCode, stderr)}
	}
	return res.Stdout, nil
}

// cmd runs a command with the standard timeout.
func (d *Driver) cmd(ctx context.Context, tool string, args ...string) ([]byte, error) {
	return d.run(ctx, d.opts.CommandTimeout, nil, tool, args...)
}

// payload encodes a vmadm payload as vmadm reads it.
func payload(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("vmadm payload: %v: %w", err, driver.ErrInvalid)
	}
	return b.Bytes(), nil
}

// lock checks uuid and takes its command lock.
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

// cleanup is the context for undoing a failed command: it outlives the
// caller's context, which may be what ended the command.
func (d *Driver) cleanup(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d.opts.CommandTimeout)
}

// lookup returns the VM, or found=false when the host has no such VM.
// It asks `vmadm get` and, when that fails, `vmadm lookup` whether the
// VM exists, rather than trusting get's message.
func (d *Driver) lookup(ctx context.Context, uuid string) (vm driver.VM, found bool, err error) {
	out, err := d.cmd(ctx, "vmadm", "get", uuid)
	if err == nil {
		vm, err := ParseVM(out)
		return vm, err == nil, err
	}
	var ce *CommandError
	if !errors.As(err, &ce) {
		return driver.VM{}, false, err
	}
	list, lerr := d.cmd(ctx, "vmadm", "lookup", "-j", "-o", "uuid,state", "uuid="+uuid)
	if lerr != nil {
		return driver.VM{}, false, err
	}
	states, perr := ParseStates(list)
	if perr != nil {
		return driver.VM{}, false, perr
	}
	if _, ok := states[uuid]; ok {
		return driver.VM{}, false, err // it exists, and get failed
	}
	return driver.VM{}, false, nil
}

// get returns the VM, or driver.ErrNotFound.
func (d *Driver) get(ctx context.Context, uuid, op string) (driver.VM, error) {
	vm, found, err := d.lookup(ctx, uuid)
	switch {
	case err != nil:
		return driver.VM{}, fmt.Errorf("vm %s: %s: %w", uuid, op, err)
	case !found:
		return driver.VM{}, fmt.Errorf("vm %s: %s: %w", uuid, op, driver.ErrNotFound)
	}
	return vm, nil
}

// kick tells the watchers to poll now.
func (d *Driver) kick() {
	d.kickMu.Lock()
	close(d.kickCh)
	d.kickCh = make(chan struct{})
	d.kickMu.Unlock()
}

func (d *Driver) kicked() <-chan struct{} {
	d.kickMu.Lock()
	defer d.kickMu.Unlock()
	return d.kickCh
}
