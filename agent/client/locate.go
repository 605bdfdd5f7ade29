package client

import (
	"context"
	"errors"
	"fmt"
)

// Locator finds where the agent of a hypervisor runs when that may take
// I/O (a store read): the Resolver of a control plane with several nodes.
// Hypervisors uses it instead of Lookup when its Resolver is one.
type Locator interface {
	Locate(ctx context.Context, hv string) (Addr, error)
}

// HostSource tells the node an agent runs on from what the cluster
// recorded: the hypervisor record's host, which the agent's registration
// sets to its node's name on whichever control node it registered with.
type HostSource interface {
	// AgentNode returns the node name recorded for hypervisor hv's agent
	// ("" when none is).
	AgentNode(ctx context.Context, hv string) (string, error)
}

// HostSourceFunc adapts a function to HostSource.
type HostSourceFunc func(ctx context.Context, hv string) (string, error)

// AgentNode implements HostSource.
func (f HostSourceFunc) AgentNode(ctx context.Context, hv string) (string, error) { return f(ctx, hv) }

// Recorded resolves an agent through the local directory first (the
// agents registered with this control node: Local, a *Receiver) and then,
// for an agent registered with another control node, through the node
// name the cluster recorded for it (Hosts): the agent actor is
// proto.AgentName(hv) on that node, which ergo reaches with the shared
// cookie. So any control node commands any agent, and an agent that
// fails over to another control node keeps its address (its own node's
// name).
type Recorded struct {
	Local Resolver
	Hosts HostSource
}

var (
	_ Resolver = Recorded{}
	_ Locator  = Recorded{}
)

// Lookup implements Resolver: the local directory only (it takes no I/O).
func (r Recorded) Lookup(hv string) (Addr, bool) {
	if r.Local == nil {
		return Addr{}, false
	}
	return r.Local.Lookup(hv)
}

// Locate implements Locator. A hypervisor without a recorded host, or
// whose record cannot be read, is ErrUnavailable.
func (r Recorded) Locate(ctx context.Context, hv string) (Addr, error) {
	if a, ok := r.Lookup(hv); ok {
		return a, nil
	}
	if r.Hosts == nil {
		return Addr{}, fmt.Errorf("hypervisor %s: no agent registered: %w", hv, ErrUnavailable)
	}
	node, err := r.Hosts.AgentNode(ctx, hv)
	if err != nil {
		return Addr{}, fmt.Errorf("hypervisor %s: agent's node: %w: %w", hv, ErrUnavailable, err)
	}
	if node == "" {
		return Addr{}, fmt.Errorf("hypervisor %s: no agent registered nor recorded: %w", hv, ErrUnavailable)
	}
	return Addr{Node: node, HV: hv}, nil
}

// locate resolves hv through r: Locate when r is a Locator, else Lookup.
func locate(ctx context.Context, r Resolver, hv string) (Addr, error) {
	if l, ok := r.(Locator); ok {
		a, err := l.Locate(ctx, hv)
		if err != nil && !errors.Is(err, ErrUnavailable) {
			err = fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return a, err
	}
	a, ok := r.Lookup(hv)
	if !ok {
		return Addr{}, fmt.Errorf("hypervisor %s: no agent registered: %w", hv, ErrUnavailable)
	}
	return a, nil
}
