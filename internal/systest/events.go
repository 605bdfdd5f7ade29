package systest

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Event is one message of a howl channel.
type Event struct {
	Channel string
	Event   string
	Data    any
}

// Events is a howl websocket that joined some channels.
type Events struct {
	t      testing.TB
	frames chan Event
	cancel context.CancelFunc
}

// Events opens the howl websocket of the API's node with a one-time token
// and joins channels.
func (a *API) Events(channels ...string) *Events {
	a.t.Helper()
	root := strings.TrimSuffix(a.Base, "/api/2")
	ctx, cancel := context.WithCancel(context.Background())
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(root, "http")+"/howl?fifo_ott="+url.QueryEscape(a.OTT()), nil)
	if err != nil {
		cancel()
		a.t.Fatalf("howl: %v", err)
	}
	e := &Events{t: a.t, frames: make(chan Event, 4096), cancel: cancel}
	a.t.Cleanup(func() { cancel(); ws.Close(websocket.StatusNormalClosure, "") })
	for _, c := range channels {
		if err := wsjson.Write(ctx, ws, map[string]any{"join": c}); err != nil {
			a.t.Fatalf("howl join %s: %v", c, err)
		}
	}
	go func() {
		defer close(e.frames)
		for {
			var f map[string]any
			if err := wsjson.Read(ctx, ws, &f); err != nil {
				return
			}
			m, _ := f["message"].(map[string]any)
			ch, _ := f["channel"].(string)
			if m == nil || ch == "" {
				continue // join replies, pongs
			}
			ev, _ := m["event"].(string)
			e.frames <- Event{Channel: ch, Event: ev, Data: m["data"]}
		}
	}()
	return e
}

// WaitEvent waits for an event of channel for which match holds, skipping
// others; it fails the test after timeout.
func (e *Events) WaitEvent(channel string, timeout time.Duration, match func(Event) bool) Event {
	e.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev, ok := <-e.frames:
			if !ok {
				e.t.Fatal("howl websocket closed")
			}
			if ev.Channel == channel && match(ev) {
				return ev
			}
		case <-deadline:
			e.t.Fatalf("no matching event on %s within %v", channel, timeout)
		}
	}
}
