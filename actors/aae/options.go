package aae

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/hashtree"
	core "github.com/fifogo/fifo/internal/ring"
)

// Defaults of Options.
const (
	// DefaultInterval is the pause between two exchanges of a node.
	DefaultInterval = 2 * time.Second
	// DefaultRepairRate is the most keys a node repairs a second.
	DefaultRepairRate = 10000
	// DefaultRepairBatch is the keys fetched and pushed per message.
	DefaultRepairBatch = 500
	// DefaultRebuildAfter is the age at which a tree is built again.
	DefaultRebuildAfter = time.Hour
	// DefaultCallTimeout bounds each message of an exchange.
	DefaultCallTimeout = 10 * time.Second
)

// Options configure anti-entropy on a node.
type Options struct {
	// Store is the node's store. Required.
	Store *store.Service
	// Metrics receives the counters; nil keeps them unexported.
	Metrics *Metrics
	// N is the replica count of the ring's preference lists. Default
	// core.DefaultN.
	N int
	// Interval is the pause between two exchanges. Default
	// DefaultInterval; negative: no periodic exchanges (Exchange only).
	Interval time.Duration
	// RepairRate bounds the keys repaired a second (a token bucket of
	// one second's worth). Default DefaultRepairRate.
	RepairRate int
	// RepairBatch is the keys fetched and pushed per message. Default
	// DefaultRepairBatch.
	RepairBatch int
	// RebuildAfter is the age after which a tree is rebuilt from a scan,
	// one tree per round at most. Default DefaultRebuildAfter.
	RebuildAfter time.Duration
	// CallTimeout bounds each message of an exchange. Default
	// DefaultCallTimeout.
	CallTimeout time.Duration
	// Tree is the trees' shape; every node must use the same. Default
	// hashtree's defaults.
	Tree hashtree.Options
	// Status reads the node's view of the ring. Default: the ring
	// actor's (actors/ring.GetStatus).
	Status func(ctx context.Context) (ring.Status, error)
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.N == 0 {
		o.N = core.DefaultN
	}
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.RepairRate == 0 {
		o.RepairRate = DefaultRepairRate
	}
	if o.RepairBatch == 0 {
		o.RepairBatch = DefaultRepairBatch
	}
	if o.RebuildAfter == 0 {
		o.RebuildAfter = DefaultRebuildAfter
	}
	if o.CallTimeout == 0 {
		o.CallTimeout = DefaultCallTimeout
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
	if o.RepairRate < 0 || o.RepairBatch < 1 || o.RepairBatch > 10000 {
		errs = append(errs, fmt.Errorf("repair rate %d and batch %d, want ≥ 0 and 1..10000", o.RepairRate, o.RepairBatch))
	}
	if o.RebuildAfter < 0 || o.CallTimeout < 0 {
		errs = append(errs, errors.New("negative rebuild age or call timeout"))
	}
	if err := o.Tree.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("aae options: %w", err)
	}
	return nil
}
