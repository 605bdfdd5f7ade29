package client_test

import (
	"context"
	"errors"
	"testing"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// directory is a Resolver over a fixed map.
type directory map[string]client.Addr

func (d directory) Lookup(hv string) (client.Addr, bool) {
	a, ok := d[hv]
	return a, ok
}

// hosts is a HostSource over a fixed map; errHV fails.
func hosts(m map[string]string, errHV string, err error) client.HostSource {
	return client.HostSourceFunc(func(_ context.Context, hv string) (string, error) {
		if hv == errHV {
			return "", err
		}
		return m[hv], nil
	})
}

const hv3 = "33333333-3333-4333-8333-333333333333"

// The local directory wins; an agent it does not know is found on the
// node recorded for it; none recorded, or a record that cannot be read,
// is ErrUnavailable.
func TestRecordedResolvesLocalThenRecord(t *testing.T) {
	boom := errors.New("store down")
	r := client.Recorded{
		Local: directory{hv1: {Node: "ctl@h", HV: hv1}},
		Hosts: hosts(map[string]string{hv1: "stale@h", hv2: "agent2@h"}, hv3, boom),
	}
	ctx := context.Background()
	for _, tc := range []struct {
		hv   string
		want client.Addr
	}{{hv1, client.Addr{Node: "ctl@h", HV: hv1}}, {hv2, client.Addr{Node: "agent2@h", HV: hv2}}} {
		if a, err := r.Locate(ctx, tc.hv); err != nil || a != tc.want {
			t.Fatalf("Locate(%s) = %v, %v; want %v", tc.hv, a, err, tc.want)
		}
	}
	if a, ok := r.Lookup(hv2); ok {
		t.Fatalf("Lookup (no I/O) found %v through the record", a)
	}
	if _, err := r.Locate(ctx, "44444444-4444-4444-8444-444444444444"); !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("nothing recorded: %v", err)
	}
	if _, err := r.Locate(ctx, hv3); !errors.Is(err, client.ErrUnavailable) || !errors.Is(err, boom) {
		t.Fatalf("unreadable record: %v", err)
	}
	if _, err := (client.Recorded{}).Locate(ctx, hv1); !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("empty resolver: %v", err)
	}
}

// A control node commands an agent registered elsewhere through the node
// the cluster recorded for it; with the receiver's directory alone it
// could not.
func TestByHVReachesAnAgentOnItsRecordedNode(t *testing.T) {
	runtimetest.StartNode(t) // the registrar
	ctl, agents := runtimetest.StartNode(t), runtimetest.StartNode(t)
	spawnAgent(t, agents, hv1)
	c, ctx := client.New(ctl), ctx30(t)

	if err := c.ByHV(directory{}).Reserve(ctx, hv1, "vm", 1); !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("directory alone: %v", err)
	}
	rec := client.Recorded{Local: directory{}, Hosts: hosts(map[string]string{hv1: agents.Name(), hv2: "gone@127.0.0.1"}, "", nil)}
	h := c.ByHV(rec)
	if err := h.Reserve(ctx, hv1, "vm", 1); err != nil {
		t.Fatalf("through the record: %v", err)
	}
	if a, err := h.Addr(ctx, hv1); err != nil || a != (client.Addr{Node: agents.Name(), HV: hv1}) {
		t.Fatalf("Addr = %v, %v", a, err)
	}
	if err := h.Release(ctx, hv2, "vm"); !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("agent on a node that is gone: %v", err)
	}
}
