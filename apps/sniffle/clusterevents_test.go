package sniffle

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// wsEvent is an event frame as a howl client reads it.
type wsEvent struct {
	Channel string `json:"channel"`
	Message struct {
		Event string          `json:"event"`
		Data  json.RawMessage `json:"data"`
	} `json:"message"`
	OK string `json:"ok"`
}

// TestVMThroughAnyControlNode is issue 5's "apps over the ring" check,
// in one process: control nodes A, B and C share one store (as the
// replicated store makes them) and run howl with each other as peers;
// sniffle runs on A and C and publishes to its node's howl; the agent
// registered with A. A VM created through A is visible, stoppable,
// startable and deletable through C, and a websocket on B, which runs
// no sniffle at all, sees the events of both: the states A records from
// the agent's reports, the delete C runs.
func TestVMThroughAnyControlNode(t *testing.T) {
	runtimetest.StartNode(t) // the test's registrar, stopped last
	nodeA, nodeB, nodeC, nodeH := runtimetest.StartNode(t), runtimetest.StartNode(t), runtimetest.StartNode(t), runtimetest.StartNode(t)
	control := []*runtime.Node{nodeA, nodeB, nodeC}
	ctx := context.Background()
	id, cl, user, req := seed(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	startApp := func(n *runtime.Node, app supervisors.App) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		must(supervisors.StartApp(sctx, n, app))
		t.Cleanup(func() { supervisors.StopApp(context.Background(), n, app) })
	}

	// howl on every control node, each with the others as peers.
	allow := howl.AuthFunc(func(context.Context, string) (howl.Principal, error) {
		return howl.PrincipalFunc(func(context.Context, []string) (bool, error) { return true, nil }), nil
	})
	var howlB *howl.Service
	for _, n := range control {
		var names []string
		for _, o := range control {
			names = append(names, o.Name())
		}
		hs, err := howl.NewService(howl.Options{Auth: allow, Peers: howl.PeersFunc(func() []string {
			return howl.LivePeers(n.Name(), names, nil)
		})})
		must(err)
		startApp(n, hs.App("test"))
		if n == nodeB {
			howlB = hs
		}
	}
	// sniffle on A and C, publishing to their own node's howl.
	build := func(n *runtime.Node) *Service {
		t.Helper()
		// Best-effort, as the release's: a miss shows on B's socket.
		events := vms.EventsFunc(func(channel, event string, data any) { _ = howl.Publish(n, channel, event, data) })
		svc, err := Build(Deps{Node: n, Cloud: cl, Identity: id, Events: events}, Options{})
		must(err)
		startApp(n, svc.App("test"))
		return svc
	}
	svcA, svcC := build(nodeA), build(nodeC)

	hv := "00000000-0000-4000-8000-0000000000ab"
	d, err := sim.New(sim.Options{UUID: hv, MemoryMB: 4096,
		Images: []driver.Image{{UUID: dataset, Type: "zone-dataset", OS: "smartos"}}})
	must(err)
	agent, err := chunter.New(chunter.Options{HV: hv, Driver: d, Controls: []string{nodeA.Name(), nodeC.Name()},
		HeartbeatInterval: time.Hour})
	must(err)
	capp, err := chunter.App("test", agent)
	must(err)
	startApp(nodeH, capp)
	waitLong(t, "the agent registered with A", func() bool { _, ok := svcA.rcv.Lookup(hv); return ok })

	// Created through A.
	vid, err := svcA.Create(ctx, user, req, false)
	must(err)
	vc := svcC.VMs()
	running := func() bool { vm, err := vc.Get(ctx, vid); return err == nil && vm.State == string(driver.StateRunning) }
	waitLong(t, "the VM running, seen through C", running)

	// A websocket on B joins the VM's channel.
	mux := http.NewServeMux()
	howlB.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(srv.URL, "http")+howl.Path+"?fifo_ott=x", nil)
	must(err)
	t.Cleanup(func() { ws.CloseNow() })
	must(ws.Write(dctx, websocket.MessageText, []byte(`{"join":"`+vid+`"}`)))
	// await reads B's events of the VM until it has seen each of want
	// ("event data", data as JSON; "event" alone for any data), in any
	// order (events of different nodes travel different links), skipping
	// others (intermediate states, logs).
	await := func(want ...string) {
		t.Helper()
		missing := map[string]bool{}
		for _, w := range want {
			missing[w] = true
		}
		for len(missing) > 0 {
			rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			_, b, err := ws.Read(rctx)
			cancel()
			if err != nil {
				t.Fatalf("waiting on B for %v: %v", missing, err)
			}
			var f wsEvent
			must(json.Unmarshal(b, &f))
			if f.Channel != vid {
				continue
			}
			delete(missing, f.Message.Event+" "+string(f.Message.Data))
			delete(missing, f.Message.Event)
		}
	}
	rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
	defer rcancel()
	if _, b, err := ws.Read(rctx); err != nil || !strings.Contains(string(b), "channel joined") {
		t.Fatalf("join: %s %v", b, err)
	}

	// Stopped and started through C: A records the agent's reports and
	// publishes them; B sees them.
	must(vc.Action(ctx, vid, "stop", false))
	await(`state "stopped"`)
	must(vc.Action(ctx, vid, "start", false))
	await(`state "running"`)
	waitLong(t, "the VM running again, seen through C", running)

	// Deleted through C: C publishes "deleting", and "delete" comes from
	// C or from A (which gets the agent's report); B sees both.
	must(vc.Delete(ctx, vid))
	await(`state "deleting"`, "delete")
	if _, err := d.Get(ctx, vid); err == nil {
		t.Fatal("the deleted VM is still on its host")
	}
}
