package howl_test

import (
	"testing"

	"github.com/coder/websocket"

	"github.com/fifogo/fifo/apps/howl"
)

func TestJoinNeedsThePermission(t *testing.T) {
	e := start(t)
	c := e.connect("", "vm-1")
	c.join("vm-1")
	c.send(map[string]string{"join": "vm-2"})
	c.expect(`{"error":"permission denied"}`)

	e.publish("vm-2", "state", "stopped")
	e.publish("vm-1", "state", "running")
	c.expect(eventFrame("vm-1", "state", `"running"`))
}

func TestLeaveStopsDelivery(t *testing.T) {
	e := start(t)
	c := e.connect("", "*")
	c.join("a")
	c.join("b")
	e.publish("a", "state", 1)
	c.expect(eventFrame("a", "state", "1"))

	c.send(map[string]string{"leave": "a"})
	c.expect(`{"ok":"channel left"}`)
	e.publish("a", "state", 2)
	e.publish("b", "state", 3)
	c.expect(eventFrame("b", "state", "3"))

	// Leaving a channel never joined is fine too.
	c.send(map[string]string{"leave": "never"})
	c.expect(`{"ok":"channel left"}`)
}

func TestPingAndBadFrames(t *testing.T) {
	e := start(t)
	c := e.connect("", "*")
	c.send(map[string]any{"ping": 42})
	c.expect(`{"pong":42}`)
	c.send(map[string]any{"ping": map[string]any{"a": []any{1, "x", nil}}})
	c.expect(`{"pong":{"a":[1,"x",null]}}`)

	for _, bad := range []string{`hello`, `{"auth":{"user":"u"}}`, `{"join":1}`, `{"join":"a","leave":"b"}`, `[]`} {
		c.sendRaw([]byte(bad))
		c.expect(`{"error":"bad command"}`)
	}
	// The connection stays.
	c.send(map[string]any{"ping": "still here"})
	c.expect(`{"pong":"still here"}`)
}

func TestJSONIsTheDefault(t *testing.T) {
	e := start(t)
	c := e.connect("", "*")
	if c.ws.Subprotocol() != "" {
		t.Fatalf("subprotocol %q without asking", c.ws.Subprotocol())
	}
	c.send(map[string]any{"ping": 1})
	if typ, b := c.read(); typ != websocket.MessageText || string(b) != `{"pong":1}` {
		t.Fatalf("got %v %s, want a text pong", typ, b)
	}
	j := e.connect(howl.SubprotocolJSON, "*")
	if j.ws.Subprotocol() != howl.SubprotocolJSON {
		t.Fatalf("subprotocol %q, want json", j.ws.Subprotocol())
	}
}

func TestMsgpackSubprotocol(t *testing.T) {
	e := start(t)
	c := e.connect(howl.SubprotocolMsgPack, "vm-1")
	if c.ws.Subprotocol() != howl.SubprotocolMsgPack {
		t.Fatalf("subprotocol %q, want msgpack", c.ws.Subprotocol())
	}
	c.join("vm-1")
	c.send(map[string]string{"join": "vm-2"})
	c.expect(`{"error":"permission denied"}`)
	c.send(map[string]any{"ping": []any{1, "two"}})
	c.expect(`{"pong":[1,"two"]}`)

	ev, err := howl.NewEvent("vm-1", "update", map[string]any{"config": map[string]any{"ram": 1024, "alias": "web"}})
	if err != nil {
		t.Fatal(err)
	}
	ev.ID = "ev-1"
	if err := howl.PublishEvent(e.node, ev); err != nil {
		t.Fatal(err)
	}
	c.expect(`{"channel":"vm-1","message":{"event":"update","uuid":"ev-1","data":{"config":{"alias":"web","ram":1024}}}}`)

	c.send(map[string]string{"leave": "vm-1"})
	c.expect(`{"ok":"channel left"}`)
	c.sendRaw([]byte(`{"join":"vm-1"}`)) // JSON on a msgpack connection
	c.expect(`{"error":"bad command"}`)
}

func TestTooManyChannels(t *testing.T) {
	e := start(t, func(o *howl.Options) { o.MaxChannels = 1 })
	c := e.connect("", "*")
	c.join("a")
	c.send(map[string]string{"join": "b"})
	c.expect(`{"error":"too many channels"}`)
}
