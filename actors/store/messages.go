package store

import "github.com/fifogo/fifo/internal/runtime"

// Requests served by a vnode. They are registered for the network, so the
// replicated ring can send them to vnodes on other nodes.
type (
	// ApplyReq merges Delta into Bucket/ID; the reply is ApplyResp.
	ApplyReq struct {
		Bucket string
		ID     string
		Delta  []byte
	}
	// ApplyResp carries the merged value.
	ApplyResp struct {
		Value []byte
	}
	// DeleteReq removes Bucket/ID; the reply is Ack.
	DeleteReq struct {
		Bucket string
		ID     string
	}
	// ClaimNameReq claims Bucket/Name for ID; the reply is Ack.
	ClaimNameReq struct {
		Bucket string
		Name   string
		ID     string
	}
	// ReleaseNameReq releases Bucket/Name if ID holds it; the reply is Ack.
	ReleaseNameReq struct {
		Bucket string
		Name   string
		ID     string
	}
	// QuarantineReq moves Bucket/ID aside if its stored value still equals
	// Raw (so a concurrent good write is never quarantined); reply Ack.
	QuarantineReq struct {
		Bucket string
		ID     string
		Raw    []byte
		Reason string
	}
	// PutNameReq sets the holder of Bucket/Name to ID unconditionally, or
	// frees the name when ID is empty; the reply is Ack. It is how the
	// owner of a name's partition (the only vnode that takes claims, see
	// actors/replica) copies a name's state to the partition's other
	// replicas, so that a handoff or anti-entropy from any of them carries
	// it. Never send it to the owner: claims go through ClaimNameReq.
	PutNameReq struct {
		Bucket string
		Name   string
		ID     string
	}
	// Ack answers requests that return nothing.
	Ack struct {
		OK bool
	}
)

func init() {
	runtime.MustRegisterMessage("store.ApplyReq", ApplyReq{})
	runtime.MustRegisterMessage("store.ApplyResp", ApplyResp{})
	runtime.MustRegisterMessage("store.DeleteReq", DeleteReq{})
	runtime.MustRegisterMessage("store.ClaimNameReq", ClaimNameReq{})
	runtime.MustRegisterMessage("store.ReleaseNameReq", ReleaseNameReq{})
	runtime.MustRegisterMessage("store.QuarantineReq", QuarantineReq{})
	runtime.MustRegisterMessage("store.PutNameReq", PutNameReq{})
	runtime.MustRegisterMessage("store.Ack", Ack{})
}
