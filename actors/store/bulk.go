package store

import (
	"context"
	"fmt"
	"time"

	"github.com/fifogo/fifo/actors/store/recbatch"
	"github.com/fifogo/fifo/internal/runtime"
)

// BulkName is the registered name of the actor that serves bulk requests
// of other nodes (MergeRecordsReq, FetchRecordsReq) on every store node.
const BulkName = "store_bulk"

// Bulk requests: many records of one partition at a time, for handoff and
// anti-entropy. Records, keys and names travel as recbatch encodings.
type (
	// MergeRecordsReq merges full record states and claims unique names
	// in Partition (see Service.MergeRecords); the reply, sent once every
	// write is synced, is MergeRecordsResp.
	MergeRecordsReq struct {
		Partition int64
		// Records is a recbatch.MarshalRecords encoding (may be empty).
		Records []byte
		// Names is a recbatch.MarshalNames encoding (may be empty).
		Names []byte
	}
	// MergeRecordsResp counts what a MergeRecordsReq did.
	MergeRecordsResp struct {
		Merged, Refused, NameConflicts int64
	}
	// FetchRecordsReq asks for the stored values of keys of Partition;
	// the reply is FetchRecordsResp.
	FetchRecordsReq struct {
		Partition int64
		// Keys is a recbatch.MarshalKeys encoding.
		Keys []byte
	}
	// FetchRecordsResp carries the records that exist among the keys
	// asked, as a recbatch.MarshalRecords encoding.
	FetchRecordsResp struct {
		Records []byte
	}
)

func init() {
	runtime.MustRegisterMessage("store.MergeRecordsReq", MergeRecordsReq{})
	runtime.MustRegisterMessage("store.MergeRecordsResp", MergeRecordsResp{})
	runtime.MustRegisterMessage("store.FetchRecordsReq", FetchRecordsReq{})
	runtime.MustRegisterMessage("store.FetchRecordsResp", FetchRecordsResp{})
}

// bulkWorkers bounds the bulk requests a node serves at once; the others
// wait their turn (each sender has one request in flight, so memory stays
// bounded by senders × batch).
const bulkWorkers = 4

// bulkTimeout bounds one bulk request's work.
const bulkTimeout = 30 * time.Second

// BulkSpec is the spec of the bulk actor (BulkName), a child of the
// store's tree.
func (s *Service) BulkSpec() runtime.Spec {
	return runtime.Spec{Name: BulkName, New: func() runtime.Actor { return &bulk{s: s} }}
}

// bulk serves bulk requests off the actor: each runs on a goroutine (at
// most bulkWorkers at once) that answers through a detached Replier.
type bulk struct {
	runtime.Base
	s    *Service
	sema chan struct{}
}

func (b *bulk) Init(*runtime.Process) { b.sema = make(chan struct{}, bulkWorkers) }

func (b *bulk) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	var work func(ctx context.Context) (any, error)
	switch r := req.(type) {
	case MergeRecordsReq:
		work = func(ctx context.Context) (any, error) { return b.s.serveMerge(ctx, r) }
	case FetchRecordsReq:
		work = func(context.Context) (any, error) { return b.s.serveFetch(r) }
	default:
		return b.Base.HandleCall(p, from, req)
	}
	reply := p.Detach(from)
	go func() {
		b.sema <- struct{}{}
		defer func() { <-b.sema }()
		ctx, cancel := context.WithTimeout(context.Background(), bulkTimeout)
		defer cancel()
		reply(work(ctx))
	}()
	return nil, runtime.Deferred
}

func (s *Service) serveMerge(ctx context.Context, r MergeRecordsReq) (any, error) {
	var (
		recs  []recbatch.Record
		names []recbatch.Name
		err   error
	)
	if len(r.Records) > 0 {
		if recs, err = recbatch.UnmarshalRecords(r.Records); err != nil {
			return nil, fmt.Errorf("bulk merge: %w", err)
		}
	}
	if len(r.Names) > 0 {
		if names, err = recbatch.UnmarshalNames(r.Names); err != nil {
			return nil, fmt.Errorf("bulk merge: %w", err)
		}
	}
	res, err := s.MergeRecords(ctx, int(r.Partition), recs, names)
	if err != nil {
		return nil, err
	}
	return MergeRecordsResp{Merged: int64(res.Merged), Refused: int64(res.Refused), NameConflicts: int64(res.NameConflicts)}, nil
}

func (s *Service) serveFetch(r FetchRecordsReq) (any, error) {
	keys, err := recbatch.UnmarshalKeys(r.Keys)
	if err != nil {
		return nil, fmt.Errorf("bulk fetch: %w", err)
	}
	if r.Partition < 0 || r.Partition >= int64(len(s.parts)) {
		return nil, fmt.Errorf("bulk fetch partition %d: %w", r.Partition, ErrInvalidKey)
	}
	recs, err := s.LookupMany(int(r.Partition), keys)
	if err != nil {
		return nil, err
	}
	b, err := recbatch.MarshalRecords(recs)
	if err != nil {
		return nil, err
	}
	return FetchRecordsResp{Records: b}, nil
}
