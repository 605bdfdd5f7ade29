package wire

import (
	"testing"

	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/internal/runtime"
)

// Every message is registered (registering again is a no-op) and may
// cross nodes, even with every field empty.
func TestMessagesRegistered(t *testing.T) {
	for _, m := range proto.Messages() {
		if err := runtime.RegisterMessage(m.Name, m.Value); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
		if err := runtime.CheckWire(m.Value); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
	}
}
