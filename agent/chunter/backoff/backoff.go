// Package backoff computes the delays between attempts to reach a peer:
// exponential from a minimum to a cap, with jitter so that many agents
// cut off together do not retry in step. Time and randomness are the
// caller's: Delay takes the attempt number and a random number.
package backoff

import "time"

// Defaults of Policy.
const (
	DefaultMin    = 200 * time.Millisecond
	DefaultMax    = 30 * time.Second
	DefaultFactor = 2.0
	DefaultJitter = 0.2
)

// Policy is an exponential backoff. Zero fields take the defaults.
type Policy struct {
	// Min is the delay before the first retry. Default DefaultMin.
	Min time.Duration
	// Max caps every delay. Default DefaultMax.
	Max time.Duration
	// Factor multiplies the delay after each failed attempt (≥ 1).
	// Default DefaultFactor.
	Factor float64
	// Jitter is the fraction (0..1) of a delay that may be taken off at
	// random. Default DefaultJitter; negative means none.
	Jitter float64
}

func (p Policy) withDefaults() Policy {
	if p.Min <= 0 {
		p.Min = DefaultMin
	}
	if p.Max <= 0 {
		p.Max = DefaultMax
	}
	if p.Max < p.Min {
		p.Max = p.Min
	}
	if p.Factor < 1 {
		p.Factor = DefaultFactor
	}
	switch {
	case p.Jitter == 0:
		p.Jitter = DefaultJitter
	case p.Jitter < 0:
		p.Jitter = 0
	case p.Jitter > 1:
		p.Jitter = 1
	}
	return p
}

// Delay is the wait before retry number attempt (1 = the first retry;
// 0 or less: no wait), given r drawn uniformly from [0, 1).
func (p Policy) Delay(attempt int, r float64) time.Duration {
	if attempt <= 0 {
		return 0
	}
	p = p.withDefaults()
	d := float64(p.Min)
	for i := 1; i < attempt && d < float64(p.Max); i++ {
		d *= p.Factor
	}
	d = min(d, float64(p.Max))
	r = min(max(r, 0), 1)
	return time.Duration(d * (1 - p.Jitter*r))
}
