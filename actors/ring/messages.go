package ring

import (
	core "github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
)

// Messages between ring actors of different nodes, registered for the
// network. Rings travel as their CBOR encoding (core.Marshal).
type (
	// Gossip carries a node's ring. The receiver merges it; when WantReply
	// is set and its own ring differs from the one received, it answers
	// with its ring (push-pull), so one exchange leaves both sides equal.
	Gossip struct {
		From      string
		Ring      []byte
		WantReply bool
	}
	// JoinReq asks a member to add Node to its cluster; the reply is
	// JoinResp.
	JoinReq struct {
		Node string
	}
	// JoinResp carries the cluster's ring, with the joiner in it.
	JoinResp struct {
		Ring []byte
	}
)

func init() {
	runtime.MustRegisterMessage("ring.Gossip", Gossip{})
	runtime.MustRegisterMessage("ring.JoinReq", JoinReq{})
	runtime.MustRegisterMessage("ring.JoinResp", JoinResp{})
}

// Requests from plain Go on the same node (Direct calls, never on the
// wire); see api.go.
type (
	joinCmd     struct{ seed string }
	leaveCmd    struct{}
	statusCmd   struct{}
	completeCmd struct {
		partition int
		epoch     uint64
	}
	markDownCmd    struct{ node string }
	forceRemoveCmd struct{ node string }
)

// tick is the actor's periodic timer message.
type tick struct{}

// loadMsg is the actor's first message: read or create the ring.
type loadMsg struct{}

// Status is a snapshot of a node's view of the cluster.
type Status struct {
	// Self is the node's name.
	Self string
	// Ring is a copy of the node's ring replica.
	Ring *core.Ring
	// Unreachable lists the live members (not Left, not this node) the
	// node has no connection to, by name: the local failure detector's
	// view, fed by node monitors.
	Unreachable []string
}
