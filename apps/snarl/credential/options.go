package credential

import (
	"errors"
	"fmt"
	"time"
)

// Default token lifetimes, used for every zero field of Options.
const (
	DefaultAccessTTL  = time.Hour
	DefaultRefreshTTL = 30 * 24 * time.Hour
	DefaultCodeTTL    = 60 * time.Second
	DefaultOneTimeTTL = 30 * time.Second // fifo.md §2.1: "valid 30 s"
	DefaultMFATTL     = 120 * time.Second
)

// MaxSingleUseTTL is the longest lifetime Validate accepts for the
// single-use kinds (codes, one-time and MFA tokens).
const MaxSingleUseTTL = 10 * time.Minute

// Options are the token lifetimes of a realm. A zero field takes its
// Default* value, so the zero Options is FiFo's behaviour. API keys have
// no lifetime: they never expire.
type Options struct {
	// AccessTTL is the lifetime of access tokens. Default 1 h.
	AccessTTL time.Duration
	// RefreshTTL is the lifetime of refresh tokens. Default 30 days; at
	// least AccessTTL.
	RefreshTTL time.Duration
	// CodeTTL is the lifetime of authorization codes. Default 60 s; at
	// most MaxSingleUseTTL.
	CodeTTL time.Duration
	// OneTimeTTL is the lifetime of websocket one-time tokens. Default
	// 30 s; at most MaxSingleUseTTL.
	OneTimeTTL time.Duration
	// MFATTL is the lifetime of pending second-factor tokens. Default
	// 120 s; at most MaxSingleUseTTL.
	MFATTL time.Duration
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.AccessTTL, DefaultAccessTTL)
	def(&o.RefreshTTL, DefaultRefreshTTL)
	def(&o.CodeTTL, DefaultCodeTTL)
	def(&o.OneTimeTTL, DefaultOneTimeTTL)
	def(&o.MFATTL, DefaultMFATTL)
	return o
}

// Validate reports every problem of o (after defaults), joined, each
// wrapping ErrInvalidParams: a negative lifetime, a single-use lifetime
// above MaxSingleUseTTL, or RefreshTTL shorter than AccessTTL.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	for _, f := range []struct {
		name string
		d    time.Duration
		max  time.Duration
	}{
		{"AccessTTL", o.AccessTTL, 0},
		{"RefreshTTL", o.RefreshTTL, 0},
		{"CodeTTL", o.CodeTTL, MaxSingleUseTTL},
		{"OneTimeTTL", o.OneTimeTTL, MaxSingleUseTTL},
		{"MFATTL", o.MFATTL, MaxSingleUseTTL},
	} {
		if f.d < 0 {
			errs = append(errs, fmt.Errorf("%w: %s %v is negative", ErrInvalidParams, f.name, f.d))
		} else if f.max > 0 && f.d > f.max {
			errs = append(errs, fmt.Errorf("%w: %s %v above %v", ErrInvalidParams, f.name, f.d, f.max))
		}
	}
	if o.RefreshTTL < o.AccessTTL {
		errs = append(errs, fmt.Errorf("%w: RefreshTTL %v shorter than AccessTTL %v", ErrInvalidParams, o.RefreshTTL, o.AccessTTL))
	}
	return errors.Join(errs...)
}

// ValidFor returns how long a token of kind k lives: the matching Options
// field (or its default), 0 for KindAPIKey, meaning never. An invalid kind
// returns -1 ns, so a grant built from it is expired before it is issued
// (it fails closed); NewGrant refuses invalid kinds outright.
func (o Options) ValidFor(k Kind) time.Duration {
	o = o.withDefaults()
	switch k {
	case KindAccess:
		return o.AccessTTL
	case KindRefresh:
		return o.RefreshTTL
	case KindCode:
		return o.CodeTTL
	case KindOneTime:
		return o.OneTimeTTL
	case KindMFA:
		return o.MFATTL
	case KindAPIKey:
		return 0
	}
	return -1
}
