package aae

import "github.com/fifogo/fifo/internal/runtime"

// Messages between the aae actors of two nodes, registered for the
// network.
type (
	// TreeReq is one question of an exchange: the asker's hashes of some
	// nodes of one level of Partition's tree (hashtree.MarshalLevel). The
	// reply is TreeResp.
	TreeReq struct {
		Partition int64
		Level     []byte
	}
	// TreeResp answers a TreeReq (engine.Answer): for a question above
	// the segments, Level holds the answerer's hashes of the children of
	// the nodes that differ; for a question of segments, Segments holds
	// those that differ (engine.MarshalSegments).
	TreeResp struct {
		Level    []byte
		Segments []byte
	}
)

func init() {
	runtime.MustRegisterMessage("aae.TreeReq", TreeReq{})
	runtime.MustRegisterMessage("aae.TreeResp", TreeResp{})
}

// Requests from plain Go on the same node (Direct calls).
type (
	exchangeCmd struct {
		partition int
		peer      string
	}
	statsCmd struct{}
)
