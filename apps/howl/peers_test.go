package howl_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

func TestLivePeers(t *testing.T) {
	got := howl.LivePeers("b@h", []string{"c@h", "a@h", "b@h", "d@h", "a@h", ""}, []string{"d@h"})
	if want := []string{"a@h", "c@h"}; !slices.Equal(got, want) {
		t.Fatalf("LivePeers = %v, want %v", got, want)
	}
	if got := howl.LivePeers("a@h", []string{"a@h"}, nil); len(got) != 0 {
		t.Fatalf("alone: %v", got)
	}
}

// source is a fetch function whose answers the test sets, counting calls.
type source struct {
	mu    sync.Mutex
	peers []string
	err   error
	calls int
}

func (s *source) fetch(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	return slices.Clone(s.peers), s.err
}

func (s *source) set(err error, peers ...string) {
	s.mu.Lock()
	s.peers, s.err = peers, err
	s.mu.Unlock()
}

func (s *source) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// The first call starts a fetch and answers nothing yet; later calls
// answer from the list until it is Every old, then fetch once in the
// background; a failed fetch keeps the last list.
func TestPolledPeers(t *testing.T) {
	src := &source{peers: []string{"b@h"}}
	var mu sync.Mutex
	now := time.Unix(1000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	p := howl.NewPolledPeers(src.fetch, howl.PolledPeersOptions{Every: time.Second, Now: clock})

	if got := p.Peers(); len(got) != 0 {
		t.Fatalf("first call: %v before any fetch", got)
	}
	runtimetest.WaitFor(t, "the first list", func() bool { return slices.Equal(p.Peers(), []string{"b@h"}) })
	src.set(nil, "b@h", "c@h")
	for range 10 {
		if got := p.Peers(); !slices.Equal(got, []string{"b@h"}) {
			t.Fatalf("fresh list refetched: %v", got)
		}
	}
	if n := src.count(); n != 1 {
		t.Fatalf("%d fetches while fresh, want 1", n)
	}
	advance(time.Second)
	p.Peers() // starts the background fetch
	runtimetest.WaitFor(t, "the new list", func() bool { return len(p.Peers()) == 2 })
	if n := src.count(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}

	boom := errors.New("ring down")
	src.set(boom)
	advance(time.Second)
	p.Peers()
	runtimetest.WaitFor(t, "the failed fetch", func() bool { return errors.Is(p.Err(), boom) })
	if got := p.Peers(); !slices.Equal(got, []string{"b@h", "c@h"}) {
		t.Fatalf("after a failed fetch: %v, want the last list", got)
	}
	if n := src.count(); n != 3 {
		t.Fatalf("%d fetches, want 3 (a failing source is asked once per period)", n)
	}
	src.set(nil)
	advance(time.Second)
	p.Peers()
	runtimetest.WaitFor(t, "alone", func() bool { return len(p.Peers()) == 0 && p.Err() == nil })
}
