package replica

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Defaults of Options.
const (
	// DefaultN is the replica count of a record.
	DefaultN = 3
	// DefaultR is the read quorum.
	DefaultR = 2
	// DefaultW is the write quorum.
	DefaultW = 2
	// DefaultTimeout bounds a request to one replica.
	DefaultTimeout = 5 * time.Second
	// DefaultHintInterval is the period of hinted handoff rounds.
	DefaultHintInterval = 2 * time.Second
)

// Options configure a Cluster.
type Options struct {
	// DataDir holds the hint store (<DataDir>/hints) and the join
	// baseline. Required.
	DataDir string
	// N is the replica count (capped by the members). Default DefaultN.
	N int
	// R is the read quorum, 1..N. Default DefaultR.
	R int
	// W is the write quorum, 1..N. Default DefaultW.
	W int
	// Timeout bounds each request to one replica (and a coordinator's
	// wait for the first view of the ring). Default DefaultTimeout.
	Timeout time.Duration
	// HintInterval is the period of hinted handoff rounds. Default
	// DefaultHintInterval.
	HintInterval time.Duration
	// Logger receives the coordinator's logs. Default: discarded.
	Logger *slog.Logger
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.N == 0 {
		o.N = DefaultN
	}
	if o.R == 0 {
		o.R = min(DefaultR, o.N)
	}
	if o.W == 0 {
		o.W = min(DefaultW, o.N)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.HintInterval == 0 {
		o.HintInterval = DefaultHintInterval
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
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
	if o.N < 1 {
		errs = append(errs, fmt.Errorf("n %d, want at least 1", o.N))
	}
	if o.R < 1 || o.R > o.N {
		errs = append(errs, fmt.Errorf("r %d, want 1..%d", o.R, o.N))
	}
	if o.W < 1 || o.W > o.N {
		errs = append(errs, fmt.Errorf("w %d, want 1..%d", o.W, o.N))
	}
	if o.Timeout < 0 || o.HintInterval < 0 {
		errs = append(errs, errors.New("negative timeout or interval"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("replica options: %w", err)
	}
	return nil
}
