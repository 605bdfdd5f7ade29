package chunter_test

import (
	"context"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/client/clienttest"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// Nodes of a distributed test. The first node of a test serves the
// private registrar (EPMD) of the others, so it starts first and stops
// last, and no test stops it.
func registrar(t *testing.T) { node(t) }

// Every command through the client from a control node to an agent on
// another node, over ergo distribution: every message of the protocol
// crosses the wire.
func TestCommandsRemote(t *testing.T) {
	registrar(t)
	ctl := node(t)
	agentNode := node(t)
	_, rec := clienttest.StartReceiver(t, ctl)
	d := newSim(t, hv1, sim.Options{MemoryMB: 16384})
	startApp(t, agentNode, newAgent(t, hv1, d, ctl.Name()))
	waitSessions(t, rec, hv1, 1)
	if reg := rec.Sessions()[0]; reg.Addr.Node != agentNode.Name() || reg.Host.UUID != hv1 {
		t.Fatalf("registration %+v", reg)
	}
	exercise(t, client.New(ctl), client.Addr{Node: agentNode.Name(), HV: hv1}, d, rec)
}

// When its control node dies the agent registers with the next one, and
// is commanded from there.
func TestFailoverToNextControl(t *testing.T) {
	registrar(t)
	ctlA := node(t)
	ctlB := node(t)
	agentNode := node(t)
	_, recA := clienttest.StartReceiver(t, ctlA)
	rcvB, recB := clienttest.StartReceiver(t, ctlB)
	d := newSim(t, hv1, sim.Options{})
	startApp(t, agentNode, newAgent(t, hv1, d, ctlA.Name(), ctlB.Name()))
	waitSessions(t, recA, hv1, 1)
	if len(recB.Sessions()) != 0 {
		t.Fatal("registered with the second control node while the first lives")
	}

	if err := ctlA.Stop(); err != nil {
		t.Fatal(err)
	}
	waitSessions(t, recB, hv1, 1)
	runtimetest.WaitFor(t, "heartbeats at the second control node", func() bool { return len(recB.Heartbeats()) >= 2 })
	addr, ok := rcvB.Lookup(hv1)
	if !ok || addr.Node != agentNode.Name() {
		t.Fatalf("lookup at B: %+v %v", addr, ok)
	}
	if err := client.New(ctlB).ByHV(rcvB).Create(ctx30(t), hv1, zone(vmID(1), 256)); err != nil {
		t.Fatalf("create from B: %v", err)
	}
}

// When its only control node dies the agent keeps trying, with backoff,
// and registers again — reporting its VMs — once the node is back.
func TestReregisterWhenControlReturns(t *testing.T) {
	registrar(t)
	ctl := node(t)
	name := ctl.Name()
	agentNode := node(t)
	_, rec1 := clienttest.StartReceiver(t, ctl)
	d := newSim(t, hv1, sim.Options{})
	if err := d.Create(context.Background(), zone(vmID(1), 256)); err != nil {
		t.Fatal(err)
	}
	startApp(t, agentNode, newAgent(t, hv1, d, name))
	waitSessions(t, rec1, hv1, 1)
	if err := ctl.Stop(); err != nil {
		t.Fatal(err)
	}
	// The host changes while the control plane is away.
	if err := d.Create(context.Background(), zone(vmID(2), 256)); err != nil {
		t.Fatal(err)
	}

	// The same node comes back (its name may take a moment to be free at
	// the registrar).
	var back *runtime.Node
	runtimetest.WaitFor(t, "control node restarted", func() bool {
		n, err := runtime.Start(context.Background(), runtime.Options{
			Name: name, Cookie: "test-cookie", EPMDPort: epmdPortOf(t), Logger: logger(),
		})
		if err != nil {
			return false
		}
		back = n
		return true
	})
	t.Cleanup(func() { back.Stop() })
	_, rec2 := clienttest.StartReceiver(t, back)
	waitSessions(t, rec2, hv1, 1)
	l := rec2.Lists()[0]
	if len(l.VMs) != 2 {
		t.Fatalf("vm list after reconnection: %d VMs", len(l.VMs))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := client.New(back).List(ctx, l.Addr); err != nil {
		t.Fatalf("command after reconnection: %v", err)
	}
}

// epmdPortOf returns the private registrar port of the test, the one
// runtimetest.StartNode gives every node of the test.
func epmdPortOf(t *testing.T) uint16 {
	var port uint16
	node(t, func(o *runtime.Options) { port = o.EPMDPort })
	return port
}

// A control node that stops answering heartbeats (its store is down, say)
// is left after MaxMissedHeartbeats, for the next one.
func TestFailoverOnMissedHeartbeats(t *testing.T) {
	registrar(t)
	ctlA := node(t)
	ctlB := node(t)
	agentNode := node(t)
	_, recA := clienttest.StartReceiver(t, ctlA)
	_, recB := clienttest.StartReceiver(t, ctlB)
	recA.Fail(clienttest.KindHeartbeat, 1<<30)
	d := newSim(t, hv1, sim.Options{})
	startApp(t, agentNode, newAgent(t, hv1, d, ctlA.Name(), ctlB.Name()))
	waitSessions(t, recA, hv1, 1)
	waitSessions(t, recB, hv1, 1)
	if n := len(recA.Heartbeats()); n < 3 {
		t.Fatalf("left A after %d heartbeats", n)
	}
	runtimetest.WaitFor(t, "heartbeats at B", func() bool { return len(recB.Heartbeats()) >= 2 })
}
