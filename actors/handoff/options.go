package handoff

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	core "github.com/fifogo/fifo/internal/ring"
)

// Defaults of Options.
const (
	// DefaultInterval is the pause between two rounds of tasks.
	DefaultInterval = 5 * time.Second
	// DefaultBatchRecords is the most records one batch carries.
	DefaultBatchRecords = 500
	// DefaultBatchBytes is the most value bytes one batch carries.
	DefaultBatchBytes = 1 << 20
	// DefaultRetries is how many times a batch is sent again before the
	// task fails.
	DefaultRetries = 3
	// DefaultCallTimeout bounds one batch's round trip.
	DefaultCallTimeout = 30 * time.Second
	// DefaultWatchLimit is the most keys recorded per transfer pass.
	DefaultWatchLimit = 100000
)

// Options configure handoff on a node.
type Options struct {
	// Store is the node's store. Required.
	Store *store.Service
	// Metrics receives the counters; nil keeps them unexported.
	Metrics *Metrics
	// N is the replica count of the preference lists. Default core.DefaultN.
	N int
	// Interval is the pause between two rounds. Default DefaultInterval.
	Interval time.Duration
	// BatchRecords and BatchBytes bound a batch. Defaults
	// DefaultBatchRecords and DefaultBatchBytes.
	BatchRecords, BatchBytes int
	// Retries is how many times a failed batch is sent again. Default
	// DefaultRetries; negative: none.
	Retries int
	// CallTimeout bounds one batch's round trip. Default DefaultCallTimeout.
	CallTimeout time.Duration
	// WatchLimit bounds the keys recorded per transfer pass. Default
	// DefaultWatchLimit.
	WatchLimit int
	// Status reads the node's ring view. Default actors/ring.GetStatus.
	Status func(ctx context.Context) (ring.Status, error)
	// Complete records a finished transfer in the ring. Default
	// actors/ring.CompleteHandoff on this node.
	Complete func(ctx context.Context, partition int, epoch uint64) error
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.N == 0 {
		o.N = core.DefaultN
	}
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.BatchRecords == 0 {
		o.BatchRecords = DefaultBatchRecords
	}
	if o.BatchBytes == 0 {
		o.BatchBytes = DefaultBatchBytes
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.CallTimeout == 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.WatchLimit == 0 {
		o.WatchLimit = DefaultWatchLimit
	}
	return o
}

// Validate reports every problem of the options after defaults.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	if o.Store == nil {
		errs = append(errs, errors.New("no store"))
	}
	if o.N < 1 {
		errs = append(errs, fmt.Errorf("n %d, want at least 1", o.N))
	}
	if o.Interval < 0 || o.CallTimeout < 0 {
		errs = append(errs, errors.New("negative interval or timeout"))
	}
	if o.BatchRecords < 1 || o.BatchRecords > 10000 || o.BatchBytes < 1 {
		errs = append(errs, fmt.Errorf("batch of %d records, %d bytes: want 1..10000 and ≥ 1", o.BatchRecords, o.BatchBytes))
	}
	if o.WatchLimit < 1 {
		errs = append(errs, fmt.Errorf("watch limit %d", o.WatchLimit))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("handoff options: %w", err)
	}
	return nil
}
