package driver

import "time"

// Clock is the time source of a driver: how long a simulated operation
// takes, when the next poll is due. Tests pass a manual clock
// (drivertest.ManualClock) and advance it by a call.
type Clock interface {
	// Now is the current time.
	Now() time.Time
	// After delivers the time on the channel once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
