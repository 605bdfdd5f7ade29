package client_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/client/clienttest"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

const (
	hv1 = "11111111-1111-4111-8111-111111111111"
	hv2 = "22222222-2222-4222-8222-222222222222"
)

func ctx30(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// fakeAgent stands for an agent actor: it never answers hangReq-like
// requests (Start), answers Get with something that is not a Reply, and
// everything else with success.
type fakeAgent struct{ runtime.Base }

func (fakeAgent) HandleCall(_ *runtime.Process, _ runtime.From, req any) (any, error) {
	switch req.(type) {
	case panicReq:
		panic("killed by the test")
	case proto.Start:
		return nil, runtime.Deferred
	case proto.Get:
		return "not a reply", nil
	}
	return proto.Reply{}, nil
}

// spawnAgent starts a fake agent actor for hv on n.
func spawnAgent(t *testing.T, n *runtime.Node, hv string) {
	t.Helper()
	if _, err := n.Spawn(runtime.Spec{Name: proto.AgentName(hv), New: func() runtime.Actor { return &fakeAgent{} }}); err != nil {
		t.Fatal(err)
	}
}

// register sends a Register for hv from node n to the receiver.
func register(t *testing.T, n *runtime.Node, hv string, refresh bool) proto.Ack {
	t.Helper()
	host, err := proto.Marshal(driver.Host{UUID: hv})
	if err != nil {
		t.Fatal(err)
	}
	return call(t, n, proto.Register{HV: hv, Node: n.Name(), Agent: proto.AgentName(hv), Version: "v", Proto: proto.Version, Refresh: refresh, Host: host})
}

func call(t *testing.T, n *runtime.Node, msg any) proto.Ack {
	t.Helper()
	v, err := n.Call(ctx30(t), proto.ControlName, msg)
	if err != nil {
		t.Fatalf("call %T: %v", msg, err)
	}
	ack, ok := v.(proto.Ack)
	if !ok {
		t.Fatalf("call %T answered %T", msg, v)
	}
	return ack
}

func emptyList(t *testing.T) []byte {
	b, err := proto.Marshal([]driver.VM{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Reports from an agent the receiver does not know ask it to register.
func TestUnknownAgentsAreAskedToRegister(t *testing.T) {
	n := runtimetest.StartNode(t)
	rcv, rec := clienttest.StartReceiver(t, n)
	for _, msg := range []any{
		proto.Heartbeat{HV: hv1, Node: n.Name()},
		proto.VMList{HV: hv1, Node: n.Name(), VMs: emptyList(t)},
	} {
		if ack := call(t, n, msg); !ack.Reregister || ack.Err() != nil {
			t.Fatalf("%T: %+v", msg, ack)
		}
	}
	if ack := register(t, n, hv1, true); !ack.Reregister {
		t.Fatalf("refresh from unknown agent: %+v", ack)
	}
	spawnAgent(t, n, hv1)
	if ack := register(t, n, hv1, false); ack.Reregister || ack.Err() != nil {
		t.Fatalf("register: %+v", ack)
	}
	if ack := call(t, n, proto.Heartbeat{HV: hv1, Node: n.Name(), TotalMB: 10}); ack.Reregister || ack.Err() != nil {
		t.Fatalf("heartbeat of a registered agent: %+v", ack)
	}
	// The same hypervisor from another node is not the registered agent.
	if ack := call(t, n, proto.Heartbeat{HV: hv1, Node: "elsewhere@host"}); !ack.Reregister {
		t.Fatalf("heartbeat from another node: %+v", ack)
	}
	if len(rec.Registrations()) != 1 || len(rec.Heartbeats()) != 1 || rec.Heartbeats()[0].Memory.TotalMB != 10 {
		t.Fatalf("recorded %d registrations, %+v", len(rec.Registrations()), rec.Heartbeats())
	}
	if got := testutil.ToFloat64(rcv.Metrics().Messages.WithLabelValues("heartbeat", "reregister")); got != 2 {
		t.Fatalf("reregister count %v", got)
	}
}

func TestMalformedReportsRefused(t *testing.T) {
	n := runtimetest.StartNode(t)
	rcv, rec := clienttest.StartReceiver(t, n)
	host, _ := proto.Marshal(driver.Host{})
	for _, msg := range []any{
		proto.Register{HV: "nope", Node: n.Name(), Agent: proto.AgentName("nope"), Host: host},
		proto.Register{HV: hv1, Node: "", Agent: proto.AgentName(hv1), Host: host},
		proto.Register{HV: hv1, Node: n.Name(), Agent: "someone", Host: host},
		proto.Register{HV: hv1, Node: n.Name(), Agent: proto.AgentName(hv1), Host: []byte{0xff}},
		proto.VMList{HV: hv1, Node: n.Name(), VMs: []byte{0xff}},
	} {
		if ack := call(t, n, msg); !errors.Is(ack.Err(), driver.ErrInvalid) {
			t.Fatalf("%+v: ack %+v", msg, ack)
		}
	}
	if ack := call(t, n, proto.Get{HV: hv1}); !errors.Is(ack.Err(), proto.ErrUnsupported) {
		t.Fatalf("unsupported: %+v", ack)
	}
	if err := n.Send(proto.ControlName, proto.VMState{HV: hv1, Node: n.Name(), VM: "v", Info: []byte{0xff}}); err != nil {
		t.Fatal(err)
	}
	runtimetest.WaitFor(t, "bad state change counted", func() bool {
		return testutil.ToFloat64(rcv.Metrics().Messages.WithLabelValues("vm_state", "invalid")) == 1
	})
	if len(rec.Registrations())+len(rec.Lists())+len(rec.States()) != 0 {
		t.Fatal("malformed reports reached Control")
	}
}

// The directory follows the agents: registered, looked up, forgotten when
// the agent actor stops (and Control told).
func TestDirectoryFollowsAgents(t *testing.T) {
	n := runtimetest.StartNode(t)
	rcv, rec := clienttest.StartReceiver(t, n)
	spawnAgent(t, n, hv1)
	spawnAgent(t, n, hv2)
	register(t, n, hv1, false)
	register(t, n, hv2, false)
	if a, ok := rcv.Lookup(hv2); !ok || a != (client.Addr{Node: n.Name(), HV: hv2}) {
		t.Fatalf("lookup %+v %v", a, ok)
	}
	if got := rcv.Agents(); len(got) != 2 || got[0].Addr.HV != hv1 {
		t.Fatalf("agents %+v", got)
	}
	killAgent(t, n, hv1)
	runtimetest.WaitFor(t, "agent forgotten", func() bool { _, ok := rcv.Lookup(hv1); return !ok })
	runtimetest.WaitFor(t, "agent down reported", func() bool { d := rec.Downs(); return len(d) == 1 && d[0].HV == hv1 })
	if _, ok := rcv.Lookup(hv2); !ok {
		t.Fatal("the other agent was forgotten too")
	}
	ctx := ctx30(t)
	if err := client.New(n).ByHV(rcv).Release(ctx, hv1, "00000000-0000-4000-8000-000000000001"); !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("command to a forgotten agent: %v", err)
	}
	if err := client.New(n).ByHV(rcv).Release(ctx, hv2, "00000000-0000-4000-8000-000000000001"); err != nil {
		t.Fatalf("command to a registered agent: %v", err)
	}
}

// killAgent stops a fake agent: the runtime stops an actor whose handler
// panics.
func killAgent(t *testing.T, n *runtime.Node, hv string) {
	t.Helper()
	if _, err := n.Call(ctx30(t), proto.AgentName(hv), panicReq{}); !errors.Is(err, runtime.ErrActorPanic) {
		t.Fatalf("kill: %v", err)
	}
}

// panicReq makes a fake agent panic.
type panicReq struct{}

// gate is a Control whose callbacks for hv1 block until released, and
// which records the order of every callback.
type gate struct {
	mu      sync.Mutex
	order   []string
	release chan struct{}
	entered chan string
}

func (g *gate) note(ctx context.Context, hv, what string) error {
	g.mu.Lock()
	g.order = append(g.order, hv+":"+what)
	g.mu.Unlock()
	g.entered <- hv + ":" + what
	if hv == hv1 {
		select {
		case <-g.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (g *gate) OnRegister(ctx context.Context, r client.Registration) error {
	return g.note(ctx, r.Addr.HV, "register")
}
func (g *gate) OnHeartbeat(ctx context.Context, h client.Heartbeat) error {
	return g.note(ctx, h.Addr.HV, "heartbeat")
}
func (g *gate) OnVMState(ctx context.Context, s client.VMState) error {
	return g.note(ctx, s.Addr.HV, "state:"+string(s.State))
}
func (g *gate) OnVMList(ctx context.Context, l client.VMList) error {
	return g.note(ctx, l.Addr.HV, "list")
}

// Callbacks run one at a time per hypervisor, in order; a slow hypervisor
// holds up no other; a full queue answers at once.
func TestCallbacksOrderedPerHypervisor(t *testing.T) {
	n := runtimetest.StartNode(t)
	g := &gate{release: make(chan struct{}), entered: make(chan string, 100)}
	rcv, err := client.NewReceiver(client.ReceiverOptions{Control: g, QueueLimit: 2})
	if err != nil {
		t.Fatal(err)
	}
	app := rcv.App("test")
	if err := supervisors.StartApp(ctx30(t), n, app); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = supervisors.StopApp(context.Background(), n, app) })
	spawnAgent(t, n, hv1)
	spawnAgent(t, n, hv2)

	// hv1 registers; its callback blocks.
	done := make(chan proto.Ack, 1)
	go func() { done <- register(t, n, hv1, false) }()
	if got := <-g.entered; got != hv1+":register" {
		t.Fatalf("entered %s", got)
	}
	// hv1's state changes queue behind it: two fit, the third is dropped
	// (sends are handled in order).
	for _, st := range []string{"booting", "running", "stopped"} {
		if err := n.Send(proto.ControlName, proto.VMState{HV: hv1, Node: n.Name(), VM: "v", State: st}); err != nil {
			t.Fatal(err)
		}
	}
	runtimetest.WaitFor(t, "third state change dropped", func() bool {
		return testutil.ToFloat64(rcv.Metrics().Messages.WithLabelValues("vm_state", "dropped")) == 1
	})
	// A call over the limit is answered at once.
	if ack := call(t, n, proto.Heartbeat{HV: hv1, Node: n.Name()}); !errors.Is(ack.Err(), client.ErrUnavailable) {
		t.Fatalf("over the limit: %+v", ack)
	}
	// hv2 is served meanwhile.
	if ack := register(t, n, hv2, false); ack.Err() != nil {
		t.Fatal(ack.Err())
	}
	if got := <-g.entered; got != hv2+":register" {
		t.Fatalf("entered %s", got)
	}
	close(g.release)
	if ack := <-done; ack.Err() != nil {
		t.Fatal(ack.Err())
	}
	for _, want := range []string{hv1 + ":state:booting", hv1 + ":state:running"} {
		if got := <-g.entered; got != want {
			t.Fatalf("entered %s, want %s", got, want)
		}
	}
}

// A new incarnation of the receiver forgets the agents, which are asked to
// register again.
func TestReceiverRestartForgets(t *testing.T) {
	n := runtimetest.StartNode(t)
	rec := clienttest.NewRecorder()
	rcv, err := client.NewReceiver(client.ReceiverOptions{Control: rec})
	if err != nil {
		t.Fatal(err)
	}
	app := rcv.App("test")
	ctx := ctx30(t)
	if err := supervisors.StartApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	spawnAgent(t, n, hv1)
	register(t, n, hv1, false)
	if err := supervisors.StopApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	if _, ok := rcv.Lookup(hv1); ok {
		t.Fatal("stopped receiver still knows the agent")
	}
	if err := supervisors.StartApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = supervisors.StopApp(context.Background(), n, app) })
	if ack := call(t, n, proto.Heartbeat{HV: hv1, Node: n.Name()}); !ack.Reregister {
		t.Fatalf("heartbeat after restart: %+v", ack)
	}
	if _, err := client.NewReceiver(client.ReceiverOptions{}); err == nil {
		t.Fatal("receiver without Control")
	}
}
