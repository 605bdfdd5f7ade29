package ring

import (
	"errors"
	"fmt"
	"time"

	core "github.com/fifogo/fifo/internal/ring"
)

// Defaults of Options.
const (
	// DefaultGossipInterval is the period of gossip rounds and claimant
	// steps when Options.GossipInterval is 0.
	DefaultGossipInterval = time.Second
	// DefaultCallTimeout bounds a request to another node's ring actor
	// (a join) when Options.CallTimeout is 0.
	DefaultCallTimeout = 10 * time.Second
	// FileName is the ring's file in the data directory.
	FileName = "ring.cbor"
)

// Options configure the ring actor.
type Options struct {
	// DataDir holds the ring file (FileName). Required.
	DataDir string
	// Partitions is the partition count of a cluster this node founds on
	// its first start (0: core.DefaultPartitions). It must match the
	// node's store; a node that joins takes the cluster's.
	Partitions int
	// N is the replica count, the spacing asked of claim. Default
	// core.DefaultN (3).
	N int
	// GossipInterval is the period of the tick: one push-pull gossip to a
	// random reachable member, reconnection to members, and the claimant's
	// rebalance. Default DefaultGossipInterval.
	GossipInterval time.Duration
	// CallTimeout bounds a join request to the seed node. Default
	// DefaultCallTimeout.
	CallTimeout time.Duration
	// OnChange, when set, is called with a fresh Status whenever the
	// node's view changes: the ring is loaded or changes, or a member
	// becomes reachable or unreachable. It runs in the actor, so it must
	// be quick and must not call the actor (store the Status and return);
	// the Status is the callee's to keep.
	OnChange func(Status)
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.N == 0 {
		o.N = core.DefaultN
	}
	if o.GossipInterval == 0 {
		o.GossipInterval = DefaultGossipInterval
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
	if o.DataDir == "" {
		errs = append(errs, errors.New("no data dir"))
	}
	if o.Partitions < 0 || o.Partitions > core.MaxPartitions {
		errs = append(errs, fmt.Errorf("partitions %d, want 0..%d", o.Partitions, core.MaxPartitions))
	}
	if o.N < 1 {
		errs = append(errs, fmt.Errorf("n %d, want at least 1", o.N))
	}
	if o.GossipInterval < 0 || o.CallTimeout < 0 {
		errs = append(errs, errors.New("negative interval or timeout"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("ring options: %w", err)
	}
	return nil
}
