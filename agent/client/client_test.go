package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// A call to an agent that does not answer ends at the client's default
// timeout (the context had no deadline) as ErrUnavailable, naming the
// runtime's timeout.
func TestCallTimesOut(t *testing.T) {
	n := runtimetest.StartNode(t)
	spawnAgent(t, n, hv1)
	c := client.NewWithOptions(n, client.Options{Timeout: 300 * time.Millisecond})
	start := time.Now()
	err := c.Start(context.Background(), client.Addr{Node: n.Name(), HV: hv1}, "vm")
	if !errors.Is(err, client.ErrUnavailable) || !errors.Is(err, runtime.ErrTimeout) {
		t.Fatalf("err %v", err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("took %v", el)
	}
}

func TestMalformedAnswersAndAddresses(t *testing.T) {
	n := runtimetest.StartNode(t)
	spawnAgent(t, n, hv1)
	c, ctx := client.New(n), ctx30(t)
	a := client.Addr{Node: n.Name(), HV: hv1}
	if _, err := c.Get(ctx, a, "vm"); !errors.Is(err, proto.ErrInternal) {
		t.Fatalf("non-reply: %v", err)
	}
	// An empty body where a list is expected does not decode.
	if _, err := c.List(ctx, a); err == nil {
		t.Fatal("list from an empty reply")
	}
	if err := c.Stop(ctx, client.Addr{HV: "bad"}, "vm", false); !errors.Is(err, driver.ErrInvalid) {
		t.Fatalf("bad hv: %v", err)
	}
	// Node "" is the caller's own node.
	if err := c.Reserve(ctx, client.Addr{HV: hv1}, "vm", 1); err != nil {
		t.Fatalf("local address: %v", err)
	}
	if err := c.Reserve(ctx, client.Addr{Node: "nobody@127.0.0.1", HV: hv1}, "vm", 1); !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("unreachable node: %v", err)
	}
	if s := (client.Addr{Node: "n@h", HV: hv1}).String(); s != hv1+"@n@h" {
		t.Fatal(s)
	}
}
