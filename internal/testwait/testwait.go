// Package testwait is the one polling wait of the tests: check a
// condition every few milliseconds until it holds, failing the test with
// what was awaited when a deadline passes. Tests wait for actors,
// processes and sockets this way, never by sleeping a fixed time.
//
// It has no dependencies beyond the standard library, so pure packages
// (tested with -race) use it as well as actor and system tests.
package testwait

import (
	"testing"
	"time"
)

// Interval is For's pause between two checks.
const Interval = 2 * time.Millisecond

// For polls cond every Interval until it holds, failing t after timeout
// with "timed out after <timeout> waiting for <what>".
func For(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	Every(t, timeout, Interval, what, cond)
}

// Every is For with another pause between checks, for conditions that
// cost a request to a process.
func Every(t testing.TB, timeout, interval time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(interval)
	}
}
