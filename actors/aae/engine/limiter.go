package engine

import "time"

// Limiter is a token bucket: Rate tokens a second, at most Burst banked.
// Time is an argument; it is not safe for concurrent use.
type Limiter struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// NewLimiter returns a full bucket of burst tokens refilled at rate a
// second (rate ≤ 0: unlimited).
func NewLimiter(rate float64, burst int) *Limiter {
	return &Limiter{rate: rate, burst: float64(max(burst, 1)), tokens: float64(max(burst, 1))}
}

// Take takes n tokens at now, going into debt if the bucket holds fewer,
// and returns how long the caller must wait before acting so that the
// rate holds: zero when the tokens were there.
func (l *Limiter) Take(now time.Time, n int) time.Duration {
	if l.rate <= 0 {
		return 0
	}
	if !l.last.IsZero() && now.After(l.last) {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	}
	if l.last.IsZero() || now.After(l.last) {
		l.last = now
	}
	l.tokens -= float64(n)
	if l.tokens >= 0 {
		return 0
	}
	return time.Duration(-l.tokens / l.rate * float64(time.Second))
}
