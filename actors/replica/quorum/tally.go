package quorum

// Tally counts the answers to one request sent to several replicas and
// says when the request is decided: met once Need replicas succeeded,
// failed once so many failed that the replicas still out could no longer
// make up Need. Further answers after a decision change nothing the
// caller acts on (they are still counted). A Tally is not safe for
// concurrent use.
type Tally struct {
	need, sent, ok, failed int
}

// NewTally returns the tally of a request that needs need successes.
func NewTally(need int) *Tally { return &Tally{need: need} }

// Sent records that the request went to one more replica (a first try
// or a fallback replacing a failed one).
func (t *Tally) Sent() { t.sent++ }

// Ack records a success.
func (t *Tally) Ack() { t.ok++ }

// Fail records a failure.
func (t *Tally) Fail() { t.failed++ }

// OK returns the number of successes so far.
func (t *Tally) OK() int { return t.ok }

// Outstanding returns the number of replicas that have not answered.
func (t *Tally) Outstanding() int { return t.sent - t.ok - t.failed }

// Met reports whether Need replicas succeeded.
func (t *Tally) Met() bool { return t.ok >= t.need }

// Hopeless reports whether Need can no longer be met without sending to
// more replicas: the successes plus the answers still out fall short.
func (t *Tally) Hopeless() bool { return t.ok+t.Outstanding() < t.need }

// Finished reports whether every replica sent to has answered.
func (t *Tally) Finished() bool { return t.Outstanding() == 0 }
