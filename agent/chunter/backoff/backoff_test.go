package backoff

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestDelayGrowsToTheCap(t *testing.T) {
	p := Policy{Min: 100 * time.Millisecond, Max: time.Second, Factor: 2, Jitter: -1}
	want := []time.Duration{0, 100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if got := p.Delay(i, 0.5); got != w*time.Millisecond {
			t.Fatalf("attempt %d: %v, want %v", i, got, w*time.Millisecond)
		}
	}
	if got := p.Delay(1_000_000, 0); got != time.Second {
		t.Fatalf("huge attempt: %v", got)
	}
}

func TestDefaultsAndJitter(t *testing.T) {
	var p Policy
	if got := p.Delay(1, 0); got != DefaultMin {
		t.Fatalf("default first delay %v", got)
	}
	if got := p.Delay(1, 0.999); got < time.Duration(float64(DefaultMin)*(1-DefaultJitter)) || got > DefaultMin {
		t.Fatalf("jittered %v", got)
	}
	if got := (Policy{Min: time.Second, Max: time.Millisecond}).Delay(3, 0); got != time.Second {
		t.Fatalf("max below min: %v", got)
	}
}

func TestDelayBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := Policy{
			Min:    time.Duration(rapid.Int64Range(1, int64(time.Minute)).Draw(t, "min")),
			Max:    time.Duration(rapid.Int64Range(1, int64(time.Hour)).Draw(t, "max")),
			Factor: rapid.Float64Range(0, 10).Draw(t, "factor"),
			Jitter: rapid.Float64Range(-1, 2).Draw(t, "jitter"),
		}
		a := rapid.IntRange(1, 200).Draw(t, "attempt")
		r := rapid.Float64Range(0, 1).Draw(t, "r")
		d := p.Delay(a, r)
		q := p.withDefaults()
		if d < 0 || d > q.Max {
			t.Fatalf("delay %v outside [0, %v]", d, q.Max)
		}
		if p.Delay(a+1, 0) < p.Delay(a, 0) {
			t.Fatalf("delay shrinks from attempt %d", a)
		}
	})
}
