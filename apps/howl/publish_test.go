package howl_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// publishReq asks the publisher actor to publish from inside its handler.
type publishReq struct {
	channel, event string
	data           any
}

// publisher is an actor that publishes what it is asked to.
type publisher struct{ runtime.Base }

func (publisher) HandleCall(p *runtime.Process, _ runtime.From, req any) (any, error) {
	r, ok := req.(publishReq)
	if !ok {
		return nil, runtime.ErrUnsupported
	}
	return nil, howl.Publish(p, r.channel, r.event, r.data)
}

// Events published from plain Go and from an actor reach exactly the
// sockets that joined their channel.
func TestPublishedEventsReachExactlyTheJoinedSockets(t *testing.T) {
	e := start(t)
	if _, err := e.node.Spawn(runtime.Spec{Name: "publisher", New: func() runtime.Actor { return &publisher{} }}); err != nil {
		t.Fatal(err)
	}
	a := e.connect("", "*")
	b := e.connect(howl.SubprotocolMsgPack, "*")
	c := e.connect("", "*")
	a.join("vm-a")
	a.join("sync")
	b.join("vm-b")
	b.join("sync")
	c.join("sync")

	e.publish("vm-a", "state", "running")
	e.publish("vm-b", "delete", nil)
	e.publish("vm-c", "state", "lost") // nobody joined
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// The call returns once the actor's publish is in howl's mailbox, so
	// the sync event below comes after it.
	for _, r := range []publishReq{
		{"vm-b", "log", map[string]any{"log": "booted", "date": 1700000000}},
		{"vm-a", "snapshot", map[string]any{"action": "completed", "uuid": "s-1"}},
	} {
		if _, err := e.node.Call(ctx, "publisher", r); err != nil {
			t.Fatal(err)
		}
	}
	e.publish("sync", "end", nil)

	for _, tc := range []struct {
		c    *client
		want []string
	}{
		{a, []string{eventFrame("vm-a", "state", `"running"`), eventFrame("vm-a", "snapshot", `{"action":"completed","uuid":"s-1"}`)}},
		{b, []string{eventFrame("vm-b", "delete", ""), eventFrame("vm-b", "log", `{"date":1700000000,"log":"booted"}`)}},
		{c, nil},
	} {
		for _, w := range tc.want {
			tc.c.expect(w)
		}
		tc.c.expect(eventFrame("sync", "end", ""))
	}

	m := e.svc.Metrics()
	if got := testutil.ToFloat64(m.Events.WithLabelValues("published")); got != 6 {
		t.Errorf("events{published} = %v, want 6", got)
	}
	if got := testutil.ToFloat64(m.Deliveries); got != 7 {
		t.Errorf("deliveries = %v, want 7", got)
	}
}

func TestInvalidEvents(t *testing.T) {
	e := start(t)
	c := e.connect("", "*")
	c.join("vm-1")
	if err := howl.Publish(e.node, "", "state", nil); err == nil {
		t.Fatal("empty channel accepted")
	}
	if err := howl.Publish(e.node, "vm-1", "state", func() {}); err == nil {
		t.Fatal("data that is not JSON-encodable accepted")
	}
	// A malformed event that bypassed NewEvent is counted and dropped;
	// the actor goes on.
	if err := howl.PublishEvent(e.node, howl.Event{Channel: "vm-1", Event: "state", Data: []byte("{")}); err != nil {
		t.Fatal(err)
	}
	raw := json.RawMessage(`{"already":"json"}`)
	e.publish("vm-1", "update", raw)
	c.expect(eventFrame("vm-1", "update", `{"already":"json"}`))
	if got := testutil.ToFloat64(e.svc.Metrics().Events.WithLabelValues("invalid")); got != 1 {
		t.Fatalf("events{invalid} = %v, want 1", got)
	}
}

func TestPublishWithoutHowl(t *testing.T) {
	n := runtimetest.StartNode(t)
	err := howl.Publish(n, "vm-1", "state", "running")
	if !errors.Is(err, runtime.ErrNoProc) {
		t.Fatalf("publish to a node without howl: %v, want ErrNoProc", err)
	}
}

// The howl actor is the endpoint for events of other nodes: Event crosses
// ergo as a registered message.
func TestPublishFromAnotherNode(t *testing.T) {
	e := start(t)
	other := runtimetest.StartNode(t)
	if err := other.Connect(e.node.Name()); err != nil {
		t.Fatal(err)
	}
	c := e.connect("", "*")
	c.join("vm-1")
	ev, err := howl.NewEvent("vm-1", "state", "running")
	if err != nil {
		t.Fatal(err)
	}
	if err := howl.PublishEventTo(other, e.node.Name(), ev); err != nil {
		t.Fatal(err)
	}
	delete := howl.Event{Channel: "vm-1", Event: "delete", ID: "ev-2"} // no data: an empty field
	if err := howl.PublishEventTo(other, e.node.Name(), delete); err != nil {
		t.Fatal(err)
	}
	c.expect(eventFrame("vm-1", "state", `"running"`))
	c.expect(`{"channel":"vm-1","message":{"event":"delete","uuid":"ev-2"}}`)
}

func TestEventCrossesTheWire(t *testing.T) {
	if err := runtime.CheckWire(howl.Event{}); err != nil {
		t.Fatal(err)
	}
}
