package hub_test

import (
	"fmt"

	"github.com/fifogo/fifo/apps/howl/hub"
)

// A connection attaches, joins a channel and writes what its Out queue
// delivers.
func Example() {
	h := hub.New(hub.Options{BufferSize: 16})
	defer h.Close()
	sub, _ := h.Attach(hub.JSON, nil)
	cmd, _ := hub.DecodeCommand(hub.JSON, []byte(`{"join":"vm-1"}`))
	if h.Join(sub, cmd.Channel) == nil {
		sub.Send(hub.OK(hub.JSON, hub.TextJoined))
	}
	h.Publish(hub.Event{Channel: "vm-1", Event: "state", Data: []byte(`"running"`)})
	fmt.Println(string(<-sub.Out()))
	fmt.Println(string(<-sub.Out()))
	// Output:
	// {"ok":"channel joined"}
	// {"channel":"vm-1","message":{"event":"state","data":"running"}}
}
