package chunter

import (
	"context"
	"fmt"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
)

// command is one request turned into work on the driver.
type command struct {
	// name labels the command in metrics and logs.
	name string
	// key serialises commands: those with the same key run one at a
	// time, in arrival order; "" runs at once (queries).
	key string
	// timeout bounds the work.
	timeout time.Duration
	// memory says a success changes the host's memory account.
	memory bool
	// run does the work and returns its reply.
	run func(ctx context.Context) proto.Reply
	// after, when set, runs once the reply is on its way.
	after func()
}

// vmKey is the serialisation key of commands on a VM.
func vmKey(vm string) string { return "vm:" + vm }

// command maps a request to its work, or returns the error answered at
// once: a request for another hypervisor or with a payload that does not
// decode (ErrInvalid), or an unknown request (ErrUnsupported).
func (a *Agent) command(req any) (command, error) {
	d := a.opts.Driver
	ok := func(err error) proto.Reply { return proto.ReplyOf(nil, err) }
	mut := func(name, vm string, memory bool, f func(ctx context.Context) error) command {
		return command{name: name, key: vmKey(vm), timeout: a.opts.CommandTimeout, memory: memory,
			run: func(ctx context.Context) proto.Reply { return ok(f(ctx)) }}
	}
	query := func(name string, f func(ctx context.Context) (any, error)) command {
		return command{name: name, timeout: a.opts.QueryTimeout,
			run: func(ctx context.Context) proto.Reply { return proto.ReplyOf(f(ctx)) }}
	}
	if err := a.checkHV(req); err != nil {
		return command{}, err
	}
	if c, ok, err := a.upgradeCommand(req); ok {
		return c, err
	}
	switch r := req.(type) {
	case proto.Reserve:
		return mut("reserve", r.VM, true, func(ctx context.Context) error { return d.Reserve(ctx, r.VM, r.RAMMB) }), nil
	case proto.Release:
		return mut("release", r.VM, true, func(ctx context.Context) error { return d.Release(ctx, r.VM) }), nil
	case proto.Create:
		var spec driver.Spec
		if err := decode("create", r.Spec, &spec); err != nil {
			return command{}, err
		}
		return mut("create", spec.UUID, true, func(ctx context.Context) error { return d.Create(ctx, spec) }), nil
	case proto.Start:
		return mut("start", r.VM, false, func(ctx context.Context) error { return d.Start(ctx, r.VM) }), nil
	case proto.Stop:
		return mut("stop", r.VM, false, func(ctx context.Context) error { return d.Stop(ctx, r.VM, r.Force) }), nil
	case proto.Reboot:
		return mut("reboot", r.VM, false, func(ctx context.Context) error { return d.Reboot(ctx, r.VM, r.Force) }), nil
	case proto.Delete:
		return mut("delete", r.VM, true, func(ctx context.Context) error { return d.Delete(ctx, r.VM) }), nil
	case proto.Update:
		var u driver.UpdateSpec
		if err := decode("update", r.Update, &u); err != nil {
			return command{}, err
		}
		return mut("update", r.VM, true, func(ctx context.Context) error { return d.Update(ctx, r.VM, u) }), nil
	case proto.Snapshot:
		return mut("snapshot", r.VM, false, func(ctx context.Context) error { return d.Snapshot(ctx, r.VM, r.Name) }), nil
	case proto.DeleteSnapshot:
		return mut("delete_snapshot", r.VM, false, func(ctx context.Context) error { return d.DeleteSnapshot(ctx, r.VM, r.Name) }), nil
	case proto.Rollback:
		return mut("rollback", r.VM, false, func(ctx context.Context) error { return d.Rollback(ctx, r.VM, r.Name) }), nil
	case proto.ImportImage:
		var imp driver.ImageImport
		if err := decode("import image", r.Import, &imp); err != nil {
			return command{}, err
		}
		c := mut("import_image", "", false, func(ctx context.Context) error { return d.ImportImage(ctx, imp) })
		c.key = "image:" + imp.Manifest.UUID
		return c, nil
	case proto.Snapshots:
		return query("snapshots", func(ctx context.Context) (any, error) { return d.Snapshots(ctx, r.VM) }), nil
	case proto.Images:
		return query("images", func(ctx context.Context) (any, error) { return d.Images(ctx) }), nil
	case proto.Get:
		return query("get", func(ctx context.Context) (any, error) { return d.Get(ctx, r.VM) }), nil
	case proto.List:
		return query("list", func(ctx context.Context) (any, error) { return d.List(ctx) }), nil
	case proto.Sysinfo:
		return query("sysinfo", func(ctx context.Context) (any, error) { return d.Sysinfo(ctx) }), nil
	}
	return command{}, fmt.Errorf("agent %s: %T: %w", a.opts.HV, req, proto.ErrUnsupported)
}

// checkHV refuses a request meant for another hypervisor; requests that
// are not a proto.Request are refused by command.
func (a *Agent) checkHV(req any) error {
	r, ok := req.(proto.Request)
	if ok && r.Hypervisor() != a.opts.HV {
		return fmt.Errorf("agent %s: request for hypervisor %q: %w", a.opts.HV, r.Hypervisor(), driver.ErrInvalid)
	}
	return nil
}

// decode decodes a request's payload; a payload that does not decode is
// ErrInvalid.
func decode(what string, b []byte, v any) error {
	if err := proto.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w: %w", what, driver.ErrInvalid, err)
	}
	return nil
}
