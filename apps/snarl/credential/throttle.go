package credential

import (
	"container/list"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Default ThrottleOptions, used for every zero field.
const (
	DefaultFreeFailures = 3
	DefaultBaseDelay    = time.Second
	DefaultMaxDelay     = 60 * time.Second
	DefaultQuietPeriod  = 15 * time.Minute
	DefaultMaxEntries   = 10000
)

// ThrottleOptions configure a Throttle. A zero field takes its Default*
// value, so the zero ThrottleOptions is the recommended setting.
type ThrottleOptions struct {
	// FreeFailures is how many consecutive failures cost no delay.
	// Default 3 (0 means the default); a negative value means none are free.
	FreeFailures int
	// BaseDelay is the delay after the first failure past the free ones;
	// each further failure doubles it. Default 1 s.
	BaseDelay time.Duration
	// MaxDelay caps the delay. Default 60 s; at least BaseDelay, at most
	// 24 h.
	MaxDelay time.Duration
	// QuietPeriod is how long after its last failure a key is forgotten
	// (its count starts again from zero). Default 15 min; at least
	// MaxDelay, so a delay always runs out before it is forgotten.
	QuietPeriod time.Duration
	// MaxEntries caps the number of keys tracked; when a new key would
	// exceed it, the key whose last failure is oldest is forgotten.
	// Default 10000.
	MaxEntries int
}

func (o ThrottleOptions) withDefaults() ThrottleOptions {
	if o.FreeFailures == 0 {
		o.FreeFailures = DefaultFreeFailures
	} else if o.FreeFailures < 0 {
		o.FreeFailures = 0
	}
	if o.BaseDelay == 0 {
		o.BaseDelay = DefaultBaseDelay
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = DefaultMaxDelay
	}
	if o.QuietPeriod == 0 {
		o.QuietPeriod = DefaultQuietPeriod
	}
	if o.MaxEntries == 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	return o
}

// Validate reports every problem of o (after defaults), joined, each
// wrapping ErrInvalidParams.
func (o ThrottleOptions) Validate() error {
	o = o.withDefaults()
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: throttle "+format, append([]any{ErrInvalidParams}, args...)...))
	}
	if o.BaseDelay < 0 {
		bad("BaseDelay %v is negative", o.BaseDelay)
	}
	if o.MaxDelay < o.BaseDelay || o.MaxDelay > 24*time.Hour {
		bad("MaxDelay %v not in BaseDelay..24h", o.MaxDelay)
	}
	if o.QuietPeriod < o.MaxDelay {
		bad("QuietPeriod %v shorter than MaxDelay %v", o.QuietPeriod, o.MaxDelay)
	}
	if o.MaxEntries < 0 {
		bad("MaxEntries %d is negative", o.MaxEntries)
	}
	return errors.Join(errs...)
}

// Throttle slows down guessing: it counts consecutive failed logins per
// key (a user name, a client id, a remote address; callers often keep one
// Throttle per kind of key) and says how long the next attempt must wait.
//
// With the defaults the first 3 failures cost nothing, the 4th imposes
// 1 s, then 2 s, 4 s, … capped at 60 s. A success forgets the key, and so
// does QuietPeriod without a failure. At most MaxEntries keys are kept;
// past that the least recently failed key is forgotten, so memory is
// bounded but an attacker who fails on many keys can reset one: throttle
// by remote address as well as by user name.
//
// The caller's protocol: if Wait(key, now) > 0, refuse the attempt without
// checking the password (and without calling Failure); otherwise verify,
// then call Failure or Success. Time is always passed in. A Throttle is
// safe for concurrent use.
type Throttle struct {
	opts ThrottleOptions

	mu      sync.Mutex
	entries map[string]*list.Element // of *throttleEntry
	order   *list.List               // least recently failed first
}

// maxCountedFailures is where a key's failure count stops growing; the
// delay reached its cap long before.
const maxCountedFailures = 1 << 20

type throttleEntry struct {
	key      string
	failures int
	last     time.Time // time of the last failure
}

// NewThrottle returns an empty Throttle. Invalid options give
// ErrInvalidParams.
func NewThrottle(o ThrottleOptions) (*Throttle, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Throttle{
		opts:    o.withDefaults(),
		entries: make(map[string]*list.Element),
		order:   list.New(),
	}, nil
}

// delay is the wait imposed after n consecutive failures.
func (t *Throttle) delay(n int) time.Duration {
	past := n - t.opts.FreeFailures
	if past <= 0 {
		return 0
	}
	d := t.opts.BaseDelay
	for i := 1; i < past && d < t.opts.MaxDelay; i++ {
		d *= 2
	}
	return min(d, t.opts.MaxDelay)
}

// expired reports whether e has been quiet for QuietPeriod at now.
func (t *Throttle) expired(e *throttleEntry, now time.Time) bool {
	return now.Sub(e.last) >= t.opts.QuietPeriod
}

// prune forgets quiet keys from the front of the order. Keys move to the
// back when they fail, so the front is the oldest (if the caller's clock
// never runs backwards; otherwise a stale key lingers until it reaches
// the front or is looked up).
func (t *Throttle) prune(now time.Time) {
	for f := t.order.Front(); f != nil; f = t.order.Front() {
		e := f.Value.(*throttleEntry)
		if !t.expired(e, now) {
			return
		}
		t.remove(f)
	}
}

func (t *Throttle) remove(el *list.Element) {
	delete(t.entries, el.Value.(*throttleEntry).key)
	t.order.Remove(el)
}

// lookup returns key's live entry, forgetting it if it has gone quiet.
func (t *Throttle) lookup(key string, now time.Time) *list.Element {
	el, ok := t.entries[key]
	if !ok {
		return nil
	}
	if t.expired(el.Value.(*throttleEntry), now) {
		t.remove(el)
		return nil
	}
	return el
}

// wait is the time from now until e's delay has passed, at most the delay
// itself (a clock that ran backwards cannot lengthen it).
func (t *Throttle) wait(e *throttleEntry, now time.Time) time.Duration {
	d := t.delay(e.failures)
	if d == 0 {
		return 0
	}
	left := e.last.Add(d).Sub(now)
	return max(0, min(left, d))
}

// Wait returns how long from now the next attempt for key must wait; 0
// means it may go ahead.
func (t *Throttle) Wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
	el := t.lookup(key, now)
	if el == nil {
		return 0
	}
	return t.wait(el.Value.(*throttleEntry), now)
}

// Failure records a failed attempt for key at now and returns the wait it
// imposes on the next attempt (what Wait(key, now) now returns). Within
// QuietPeriod the returned waits never decrease from one failure to the
// next until a Success.
func (t *Throttle) Failure(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
	el := t.lookup(key, now)
	if el == nil {
		for t.order.Len() >= t.opts.MaxEntries {
			t.remove(t.order.Front())
		}
		el = t.order.PushBack(&throttleEntry{key: key})
		t.entries[key] = el
	} else {
		t.order.MoveToBack(el)
	}
	e := el.Value.(*throttleEntry)
	if e.failures < maxCountedFailures {
		e.failures++
	}
	e.last = now
	return t.wait(e, now)
}

// Success forgets key: its next failure counts from one again.
func (t *Throttle) Success(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if el, ok := t.entries[key]; ok {
		t.remove(el)
	}
	t.prune(now)
}

// Len returns the number of keys tracked (for a gauge).
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.order.Len()
}
