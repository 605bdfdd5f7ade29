package howl

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Peers lists the other control nodes whose howl gets this node's
// events: the live members of the cluster this node reaches, itself left
// out. The howl actor asks it once per event published on this node, so
// it must be quick and safe for concurrent use.
type Peers interface {
	Peers() []string
}

// PeersFunc adapts a function to Peers.
type PeersFunc func() []string

// Peers implements Peers.
func (f PeersFunc) Peers() []string { return f() }

// Defaults of PolledPeers.
const (
	DefaultPeersEvery   = time.Second
	DefaultPeersTimeout = 5 * time.Second
)

// PolledPeers is a Peers fed by a fetch function (the ring actor's view
// of the members, say). Peers answers at once from the last list fetched
// and, when there is none yet or it is older than Every, starts one fetch
// in the background: the howl actor never waits for the source, and the
// events published before the first fetch completes stay local. A failed
// fetch keeps the old list until one succeeds; a fetch that answers
// nothing (a node alone) empties it.
type PolledPeers struct {
	fetch   func(ctx context.Context) ([]string, error)
	every   time.Duration
	timeout time.Duration
	now     func() time.Time

	mu       sync.Mutex
	peers    []string
	at       time.Time // when peers was fetched; zero: never
	fetching bool
	lastErr  error
}

// PolledPeersOptions tune a PolledPeers; zero fields take defaults.
type PolledPeersOptions struct {
	// Every is the age beyond which the list is fetched again. Default
	// DefaultPeersEvery.
	Every time.Duration
	// Timeout bounds one fetch. Default DefaultPeersTimeout.
	Timeout time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// NewPolledPeers returns the Peers of fetch.
func NewPolledPeers(fetch func(ctx context.Context) ([]string, error), o PolledPeersOptions) *PolledPeers {
	if o.Every <= 0 {
		o.Every = DefaultPeersEvery
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultPeersTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &PolledPeers{fetch: fetch, every: o.Every, timeout: o.Timeout, now: o.Now}
}

// Peers implements Peers.
func (p *PolledPeers) Peers() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.fetching && (p.at.IsZero() || p.now().Sub(p.at) >= p.every) {
		p.fetching = true
		go p.refresh()
	}
	return p.peers
}

// Err returns the error of the last fetch, nil when it succeeded.
func (p *PolledPeers) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastErr
}

// refresh fetches the list once. The fetched time is stamped even when
// the fetch fails, so a failing source is asked once per Every, not once
// per event.
func (p *PolledPeers) refresh() {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	peers, err := p.fetch(ctx)
	cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fetching = false
	p.at = p.now()
	p.lastErr = err
	if err == nil {
		p.peers = slices.Clone(peers)
	}
}

// LivePeers is the peer list of a member view: the members given (the
// live ones of the ring), without self and without the unreachable ones,
// sorted and without duplicates.
func LivePeers(self string, members, unreachable []string) []string {
	out := make([]string, 0, len(members))
	for _, m := range members {
		if m != self && m != "" && !slices.Contains(unreachable, m) {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
