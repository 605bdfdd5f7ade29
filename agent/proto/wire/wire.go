// Package wire registers the messages of package proto for ergo's network
// encoding. Every node that sends or receives them imports it, usually
// for its side effect:
//
//	import _ "github.com/fifogo/fifo/agent/proto/wire"
//
// agent/chunter and agent/client do, so their users need not.
package wire

import (
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/internal/runtime"
)

func init() {
	for _, m := range proto.Messages() {
		runtime.MustRegisterMessage(m.Name, m.Value)
	}
}
