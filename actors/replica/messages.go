package replica

import "github.com/fifogo/fifo/internal/runtime"

// Name is the registered name of the replica actor on every node: it
// serves other nodes' coordinators (reads, hints, folds, name claims at
// the owner) and hands hints back to their primaries.
const Name = "replica"

// Requests served by the replica actor, registered for the network.
// Partitions travel as int64. Writes to a replica go to its vnode
// (store.ApplyReq), not here.
type (
	// GetReq reads Bucket/ID of Partition from the node's store; with
	// Hints, the node's hints for it (for any primary) are merged in (a
	// fallback's answer). The reply is GetResp.
	GetReq struct {
		Partition int64
		Bucket    string
		ID        string
		Hints     bool
	}
	// GetResp carries a value; Found is false when there is none.
	GetResp struct {
		Value []byte
		Found bool
	}
	// HintReq asks a fallback to keep Delta for Bucket/ID of Partition
	// until For, the primary it stands in for, is reachable. Hints of one
	// key for one primary merge. The reply, once the hint is synced, is
	// store.Ack.
	HintReq struct {
		For       string
		Partition int64
		Bucket    string
		ID        string
		Delta     []byte
	}
	// FoldReq asks for every record of Bucket in Partition; the reply is
	// FoldResp.
	FoldReq struct {
		Partition int64
		Bucket    string
	}
	// FoldResp carries a partition's records of one bucket, in id order,
	// as a recbatch.MarshalRecords encoding (ergo cannot carry a slice of
	// structs). Values that do not pass the codec's check are left out.
	FoldResp struct {
		Records []byte
	}
	// NameReq runs a name operation at the owner of the name's partition:
	// a claim of Name for ID, or with Release its release. The owner
	// refuses (ErrNotOwner) when its ring says another node owns
	// Partition. The reply is store.Ack.
	NameReq struct {
		Partition int64
		Bucket    string
		Name      string
		ID        string
		Release   bool
	}
	// LookupReq asks who holds Bucket/Name; the reply is LookupResp.
	LookupReq struct {
		Partition int64
		Bucket    string
		Name      string
	}
	// LookupResp carries the holder of a name; Found is false when free.
	LookupResp struct {
		ID    string
		Found bool
	}
)

func init() {
	runtime.MustRegisterMessage("replica.GetReq", GetReq{})
	runtime.MustRegisterMessage("replica.GetResp", GetResp{})
	runtime.MustRegisterMessage("replica.HintReq", HintReq{})
	runtime.MustRegisterMessage("replica.FoldReq", FoldReq{})
	runtime.MustRegisterMessage("replica.FoldResp", FoldResp{})
	runtime.MustRegisterMessage("replica.NameReq", NameReq{})
	runtime.MustRegisterMessage("replica.LookupReq", LookupReq{})
	runtime.MustRegisterMessage("replica.LookupResp", LookupResp{})
}
