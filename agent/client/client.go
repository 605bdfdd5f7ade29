package client

import (
	"context"
	"fmt"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
	_ "github.com/fifogo/fifo/agent/proto/wire" // the protocol's network registration
	"github.com/fifogo/fifo/internal/runtime"
)

// ErrUnavailable marks an agent that could not serve the call: not
// registered, unreachable, stopping, or too slow to answer in time. It is
// proto.ErrUnavailable.
var ErrUnavailable = proto.ErrUnavailable

// Addr is where a hypervisor's agent runs: its ergo node's name and the
// hypervisor's uuid (the agent actor is proto.AgentName(HV) on Node). A
// Node of "" means the caller's own node.
type Addr struct {
	Node string
	HV   string
}

// String renders hv@node.
func (a Addr) String() string { return a.HV + "@" + a.Node }

// process is the agent actor's address.
func (a Addr) process() runtime.ProcessID {
	return runtime.ProcessID{Name: proto.AgentName(a.HV), Node: a.Node}
}

// Defaults of Options.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultLongTimeout = 20 * time.Minute
)

// Options tune a Client; zero fields take defaults.
type Options struct {
	// Timeout bounds a call whose context has no deadline. Default 30 s.
	Timeout time.Duration
	// LongTimeout bounds, instead, a create, delete, update, rollback or
	// image import whose context has no deadline. Default 20 min (an
	// agent gives such a command 15 min).
	LongTimeout time.Duration
}

// Client commands hypervisor agents from a control node. It is safe for
// concurrent use and for plain Go code (not for an actor's handler, which
// must not wait).
type Client struct {
	node *runtime.Node
	opts Options
}

// New returns a client calling agents from node.
func New(node *runtime.Node) *Client { return NewWithOptions(node, Options{}) }

// NewWithOptions returns a client with tuned timeouts.
func NewWithOptions(node *runtime.Node, o Options) *Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.LongTimeout <= 0 {
		o.LongTimeout = DefaultLongTimeout
	}
	return &Client{node: node, opts: o}
}

// call sends one request to an agent and returns its reply; a reply that
// is an error comes back as that error, wrapped with what was asked.
func (c *Client) call(ctx context.Context, a Addr, what string, long bool, req proto.Request) (proto.Reply, error) {
	if !driver.ValidUUID(a.HV) {
		return proto.Reply{}, fmt.Errorf("agent %s: %s: hypervisor uuid %q: %w", a, what, a.HV, driver.ErrInvalid)
	}
	if _, ok := ctx.Deadline(); !ok {
		d := c.opts.Timeout
		if long {
			d = c.opts.LongTimeout
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	v, err := c.node.Call(ctx, a.process(), req)
	if err != nil {
		return proto.Reply{}, fmt.Errorf("agent %s: %s: %w: %w", a, what, ErrUnavailable, err)
	}
	rep, ok := v.(proto.Reply)
	if !ok {
		return proto.Reply{}, fmt.Errorf("agent %s: %s: answered %T: %w", a, what, v, proto.ErrInternal)
	}
	if err := rep.Err(); err != nil {
		return rep, fmt.Errorf("agent %s: %s: %w", a, what, err)
	}
	return rep, nil
}

// do runs a command that returns nothing.
func (c *Client) do(ctx context.Context, a Addr, what string, long bool, req proto.Request) error {
	_, err := c.call(ctx, a, what, long, req)
	return err
}

// query runs a request whose reply body decodes into out.
func (c *Client) query(ctx context.Context, a Addr, what string, req proto.Request, out any) error {
	rep, err := c.call(ctx, a, what, false, req)
	if err != nil {
		return err
	}
	if err := rep.Decode(out); err != nil {
		return fmt.Errorf("agent %s: %s: %w", a, what, err)
	}
	return nil
}

// encode encodes a command's payload.
func encode(a Addr, what string, v any) ([]byte, error) {
	b, err := proto.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("agent %s: %s: %w: %w", a, what, driver.ErrInvalid, err)
	}
	return b, nil
}
