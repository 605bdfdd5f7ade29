package credential

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func newThrottle(t testing.TB, o ThrottleOptions) *Throttle {
	t.Helper()
	th, err := NewThrottle(o)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func TestThrottleDefaultsSchedule(t *testing.T) {
	th := newThrottle(t, ThrottleOptions{})
	now := t0
	want := []time.Duration{0, 0, 0, 1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, 60 * time.Second, 60 * time.Second, 60 * time.Second}
	for i, w := range want {
		if got := th.Wait("alice", now); got != 0 {
			t.Fatalf("before failure %d: Wait = %v, the last delay has passed", i+1, got)
		}
		if got := th.Failure("alice", now); got != w {
			t.Fatalf("failure %d: delay %v, want %v", i+1, got, w)
		}
		if got := th.Wait("alice", now); got != w {
			t.Fatalf("failure %d: Wait = %v, want %v", i+1, got, w)
		}
		now = now.Add(w) // the caller waits exactly as long as told
	}
}

// step is one call in a scripted throttle test.
type step struct {
	at   time.Duration // since t0
	op   string        // "fail", "wait", "ok"
	key  string
	want time.Duration // the returned delay (fail, wait)
	len  int           // Len() afterwards, if >= 0
}

func TestThrottleScripts(t *testing.T) {
	s := time.Second
	tests := []struct {
		name  string
		opts  ThrottleOptions
		steps []step
	}{
		{"wait counts down", ThrottleOptions{FreeFailures: 1}, []step{
			{0, "fail", "a", 0, 1},
			{0, "fail", "a", s, 1},
			{400 * time.Millisecond, "wait", "a", 600 * time.Millisecond, 1},
			{s - 1, "wait", "a", 1, 1},
			{s, "wait", "a", 0, 1},
			{s, "fail", "a", 2 * s, 1},
			{2 * s, "wait", "a", s, 1},
		}},
		{"success resets", ThrottleOptions{FreeFailures: -1}, []step{
			{0, "fail", "a", s, 1},
			{s, "fail", "a", 2 * s, 1},
			{3 * s, "ok", "a", 0, 0},
			{3 * s, "wait", "a", 0, 0},
			{3 * s, "fail", "a", s, 1},
		}},
		{"success of an unknown key", ThrottleOptions{}, []step{
			{0, "ok", "nobody", 0, 0},
			{0, "wait", "nobody", 0, 0},
		}},
		{"keys are independent", ThrottleOptions{FreeFailures: -1}, []step{
			{0, "fail", "a", s, 1},
			{0, "fail", "a", 2 * s, 1},
			{0, "fail", "b", s, 2},
			{0, "wait", "c", 0, 2},
			{0, "ok", "b", 0, 1},
			{0, "wait", "a", 2 * s, 1},
		}},
		{"quiet period forgets", ThrottleOptions{FreeFailures: -1, QuietPeriod: time.Minute}, []step{
			{0, "fail", "a", s, 1},
			{10 * s, "fail", "a", 2 * s, 1},
			{10*s + time.Minute - 1, "wait", "a", 0, 1},
			{10*s + time.Minute - 1, "fail", "a", 4 * s, 1}, // still remembered
			{10*s + 2*time.Minute - 1, "wait", "a", 0, 0},   // forgotten exactly at QuietPeriod
			{10*s + 2*time.Minute, "fail", "a", s, 1},
		}},
		{"quiet keys are pruned by any call", ThrottleOptions{QuietPeriod: time.Minute}, []step{
			{0, "fail", "a", 0, 1},
			{0, "fail", "b", 0, 2},
			{30 * s, "fail", "c", 0, 3},
			{time.Minute, "wait", "zzz", 0, 1},
			{90 * s, "ok", "zzz", 0, 0},
		}},
		{"evicts the least recently failed", ThrottleOptions{FreeFailures: -1, MaxEntries: 2}, []step{
			{0, "fail", "a", s, 1},
			{0, "fail", "a", 2 * s, 1},
			{s, "fail", "b", s, 2},
			{2 * s, "fail", "a", 4 * s, 2}, // a is now the most recent
			{3 * s, "fail", "c", s, 2},     // evicts b
			{3 * s, "wait", "b", 0, 2},
			{3 * s, "wait", "a", 3 * s, 2},
			{4 * s, "fail", "b", s, 2}, // b starts over; evicts a
			{4 * s, "wait", "a", 0, 2},
		}},
		{"cap and custom base", ThrottleOptions{FreeFailures: 2, BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond}, []step{
			{0, "fail", "a", 0, 1},
			{0, "fail", "a", 0, 1},
			{0, "fail", "a", 100 * time.Millisecond, 1},
			{0, "fail", "a", 200 * time.Millisecond, 1},
			{0, "fail", "a", 300 * time.Millisecond, 1},
			{0, "fail", "a", 300 * time.Millisecond, 1},
		}},
		{"clock running backwards cannot lengthen a wait", ThrottleOptions{FreeFailures: -1}, []step{
			{time.Hour, "fail", "a", s, 1},
			{0, "wait", "a", s, 1},
			{0, "fail", "a", 2 * s, 1},
			{time.Hour, "wait", "a", 0, 0}, // and quiet for an hour: forgotten
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := newThrottle(t, tt.opts)
			for i, st := range tt.steps {
				now := t0.Add(st.at)
				var got time.Duration
				switch st.op {
				case "fail":
					got = th.Failure(st.key, now)
				case "wait":
					got = th.Wait(st.key, now)
				case "ok":
					th.Success(st.key, now)
				}
				if got != st.want {
					t.Fatalf("step %d (%s %s at %v): got %v, want %v", i, st.op, st.key, st.at, got, st.want)
				}
				if st.len >= 0 && th.Len() != st.len {
					t.Fatalf("step %d: Len = %d, want %d", i, th.Len(), st.len)
				}
			}
		})
	}
}

func TestThrottleOptionsValidate(t *testing.T) {
	tests := []struct {
		name  string
		o     ThrottleOptions
		names []string
	}{
		{"zero", ThrottleOptions{}, nil},
		{"no free failures", ThrottleOptions{FreeFailures: -5}, nil},
		{"max equals base", ThrottleOptions{BaseDelay: time.Minute, MaxDelay: time.Minute}, nil},
		{"negative base", ThrottleOptions{BaseDelay: -1}, []string{"BaseDelay"}},
		{"max below base", ThrottleOptions{BaseDelay: time.Minute, MaxDelay: time.Second}, []string{"MaxDelay"}},
		{"max above a day", ThrottleOptions{MaxDelay: 25 * time.Hour, QuietPeriod: 48 * time.Hour}, []string{"MaxDelay"}},
		{"quiet below max", ThrottleOptions{QuietPeriod: time.Second}, []string{"QuietPeriod"}},
		{"negative entries", ThrottleOptions{MaxEntries: -1}, []string{"MaxEntries"}},
		{"all at once", ThrottleOptions{BaseDelay: -1, QuietPeriod: time.Second, MaxEntries: -1}, []string{"BaseDelay", "QuietPeriod", "MaxEntries"}},
	}
	for _, tt := range tests {
		err := tt.o.Validate()
		_, nerr := NewThrottle(tt.o)
		if tt.names == nil {
			if err != nil || nerr != nil {
				t.Errorf("%s: Validate = %v, NewThrottle = %v", tt.name, err, nerr)
			}
			continue
		}
		if !errors.Is(err, ErrInvalidParams) || !errors.Is(nerr, ErrInvalidParams) {
			t.Errorf("%s: Validate = %v, NewThrottle = %v", tt.name, err, nerr)
			continue
		}
		for _, n := range tt.names {
			if !strings.Contains(err.Error(), n) {
				t.Errorf("%s: %v does not name %s", tt.name, err, n)
			}
		}
	}
}

func TestThrottleBoundedMemory(t *testing.T) {
	th := newThrottle(t, ThrottleOptions{MaxEntries: 100})
	for i := range 10000 {
		th.Failure(fmt.Sprintf("user%d", i), t0)
		if th.Len() > 100 {
			t.Fatalf("Len = %d after %d keys", th.Len(), i+1)
		}
	}
	if th.Len() != 100 {
		t.Fatalf("Len = %d, want 100", th.Len())
	}
	th.Wait("x", t0.Add(DefaultQuietPeriod))
	if th.Len() != 0 {
		t.Fatalf("Len = %d after the quiet period", th.Len())
	}
}

func TestThrottleConcurrent(t *testing.T) {
	th := newThrottle(t, ThrottleOptions{MaxEntries: 8})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				key := fmt.Sprintf("k%d", (g+i)%12)
				now := t0.Add(time.Duration(i) * time.Millisecond)
				switch i % 5 {
				case 0:
					th.Success(key, now)
				case 1:
					th.Wait(key, now)
				default:
					if d := th.Failure(key, now); d < 0 || d > DefaultMaxDelay {
						t.Errorf("delay %v out of range", d)
					}
				}
				if n := th.Len(); n > 8 {
					t.Errorf("Len = %d", n)
				}
			}
		})
	}
	wg.Wait()
}

// throttleModel is a straightforward reference for Throttle.
type throttleModel struct {
	o       ThrottleOptions
	entries map[string]*modelEntry
	seq     int
}

type modelEntry struct {
	n    int
	last time.Time
	seq  int
}

func (m *throttleModel) delay(n int) time.Duration {
	k := n - m.o.FreeFailures - 1
	switch {
	case k < 0:
		return 0
	case k >= 62 || m.o.BaseDelay > m.o.MaxDelay>>k:
		return m.o.MaxDelay
	}
	return min(m.o.BaseDelay<<k, m.o.MaxDelay)
}

func (m *throttleModel) prune(now time.Time) {
	for k, e := range m.entries {
		if now.Sub(e.last) >= m.o.QuietPeriod {
			delete(m.entries, k)
		}
	}
}

func (m *throttleModel) wait(key string, now time.Time) time.Duration {
	e, ok := m.entries[key]
	if !ok {
		return 0
	}
	d := m.delay(e.n)
	return max(0, min(e.last.Add(d).Sub(now), d))
}

func (m *throttleModel) failure(key string, now time.Time) (time.Duration, int) {
	m.prune(now)
	e, ok := m.entries[key]
	if !ok {
		if len(m.entries) >= m.o.MaxEntries {
			oldest := ""
			for k, o := range m.entries {
				if oldest == "" || o.seq < m.entries[oldest].seq {
					oldest = k
				}
			}
			delete(m.entries, oldest)
		}
		e = &modelEntry{}
		m.entries[key] = e
	}
	e.n++
	e.last = now
	m.seq++
	e.seq = m.seq
	return m.wait(key, now), e.n
}

// TestThrottleLaws checks Throttle against the reference model under
// random calls on a fake clock that only moves forward, and the laws the
// callers rely on: within one run of failures of a key (no success, no
// quiet period, no eviction in between) the returned delay never
// decreases; after a success the key waits for nothing; no delay exceeds
// MaxDelay and no more than MaxEntries keys are kept.
func TestThrottleLaws(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		o := ThrottleOptions{
			FreeFailures: rapid.IntRange(-1, 4).Draw(rt, "free"),
			BaseDelay:    time.Duration(rapid.IntRange(1, 5).Draw(rt, "base")) * time.Second,
			MaxEntries:   rapid.IntRange(1, 6).Draw(rt, "max_entries"),
		}
		o.MaxDelay = o.BaseDelay * time.Duration(rapid.IntRange(1, 100).Draw(rt, "max_factor"))
		o.QuietPeriod = o.MaxDelay + time.Duration(rapid.IntRange(0, 600).Draw(rt, "quiet_extra"))*time.Second
		th, err := NewThrottle(o)
		if err != nil {
			rt.Fatal(err)
		}
		m := &throttleModel{o: o.withDefaults(), entries: map[string]*modelEntry{}}
		keys := []string{"alice", "bob", "carol", "dave", "eve", "mallory", "trent", "peggy"}
		last := map[string]time.Duration{} // last delay per key in the current run
		now := t0
		for range rapid.IntRange(1, 200).Draw(rt, "steps") {
			switch rapid.IntRange(0, 9).Draw(rt, "advance_kind") {
			case 0: // long pause, often past the quiet period
				now = now.Add(time.Duration(rapid.Int64Range(0, int64(2*o.QuietPeriod)).Draw(rt, "long")))
			case 1, 2, 3:
				now = now.Add(time.Duration(rapid.Int64Range(0, int64(2*o.MaxDelay)).Draw(rt, "short")))
			}
			key := rapid.SampledFrom(keys).Draw(rt, "key")
			switch rapid.IntRange(0, 5).Draw(rt, "op") {
			case 0:
				th.Success(key, now)
				m.prune(now)
				delete(m.entries, key)
				delete(last, key)
				if got := th.Wait(key, now); got != 0 {
					rt.Fatalf("Wait after success = %v", got)
				}
			case 1, 2:
				got := th.Wait(key, now)
				m.prune(now)
				if want := m.wait(key, now); got != want {
					rt.Fatalf("Wait(%s) = %v, model %v", key, got, want)
				}
			default:
				got := th.Failure(key, now)
				want, n := m.failure(key, now)
				if got != want {
					rt.Fatalf("Failure(%s) = %v, model %v (n=%d)", key, got, want, n)
				}
				if prev, ok := last[key]; ok && n > 1 && got < prev {
					rt.Fatalf("Failure(%s) delay fell from %v to %v", key, prev, got)
				}
				if n == 1 && got != m.delay(1) {
					rt.Fatalf("first failure of a run gave %v", got)
				}
				last[key] = got
			}
			if got := th.Len(); got != len(m.entries) || got > o.MaxEntries {
				rt.Fatalf("Len = %d, model %d, max %d", got, len(m.entries), o.MaxEntries)
			}
			for _, k := range keys {
				if w := th.Wait(k, now); w < 0 || w > o.MaxDelay {
					rt.Fatalf("Wait(%s) = %v outside 0..%v", k, w, o.MaxDelay)
				}
			}
		}
	})
}

func BenchmarkThrottleFailure(b *testing.B) {
	th := newThrottle(b, ThrottleOptions{})
	keys := make([]string, 20000)
	for i := range keys {
		keys[i] = fmt.Sprintf("user%d", i)
	}
	i := 0
	for b.Loop() {
		th.Failure(keys[i%len(keys)], t0.Add(time.Duration(i)*time.Millisecond))
		i++
	}
}
