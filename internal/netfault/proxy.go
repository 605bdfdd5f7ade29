package netfault

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
)

// Stats counts what a proxy did.
type Stats struct {
	// Accepted is the number of connections the proxy accepted.
	Accepted uint64
	// Refused is the number reset on arrival because the proxy was
	// partitioned (Reset mode).
	Refused uint64
	// Cut is the number of live connections a Partition reset.
	Cut uint64
	// Failed is the number reset because the target could not be dialed.
	Failed uint64
	// Active is the number of connections open now.
	Active int
	// Held is the number of connections a black hole holds now: new ones
	// not yet forwarded, and each direction of a live one holding bytes.
	Held int
	// BytesUp counts bytes delivered from clients to the target,
	// BytesDown from the target to clients.
	BytesUp, BytesDown uint64
}

// Proxy forwards the TCP connections it accepts to one target address
// and can be partitioned and healed.
type Proxy struct {
	target string
	opts   Options
	ln     net.Listener
	ctx    context.Context // cancelled by Close; bounds dials
	cancel context.CancelFunc
	wg     sync.WaitGroup // accept loop and links

	mu     sync.Mutex
	cut    bool
	healed chan struct{} // closed while not cut; replaced by each Partition
	links  map[*link]struct{}
	closed bool

	accepted, refused, cutN, failed atomic.Uint64
	up, down                        atomic.Uint64
	held                            atomic.Int64
}

// NewProxy starts a proxy to target (host:port) on a free port of
// o.Host.
func NewProxy(target string, o Options) (*Proxy, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if _, _, err := net.SplitHostPort(target); err != nil {
		return nil, fmt.Errorf("netfault: target %q: %w", target, err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(o.Host, "0"))
	if err != nil {
		return nil, fmt.Errorf("netfault: proxy to %s: listen: %w", target, err)
	}
	healed := make(chan struct{})
	close(healed)
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{target: target, opts: o, ln: ln, ctx: ctx, cancel: cancel, healed: healed, links: map[*link]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr is the address the proxy listens on (host:port).
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Port is the port the proxy listens on.
func (p *Proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Target is the address the proxy forwards to.
func (p *Proxy) Target() string { return p.target }

// Mode is what Partition does to this proxy.
func (p *Proxy) Mode() Mode { return p.opts.Mode }

// Partitioned reports whether the proxy is cut.
func (p *Proxy) Partitioned() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cut
}

// Partition cuts the proxy. In Reset mode every live connection is reset
// (at both ends) before Partition returns, and connections arriving
// until Heal are reset on arrival; in BlackHole mode nothing moves until
// Heal. Partitioning a cut proxy does nothing.
func (p *Proxy) Partition() {
	p.mu.Lock()
	if p.cut || p.closed {
		p.mu.Unlock()
		return
	}
	p.cut = true
	p.healed = make(chan struct{})
	var victims []*link
	if p.opts.Mode == Reset {
		for l := range p.links {
			victims = append(victims, l)
			delete(p.links, l)
		}
	}
	p.mu.Unlock()
	for _, l := range victims {
		l.kill(true)
		p.cutN.Add(1)
	}
}

// Heal restores the proxy: new connections are forwarded again and, in
// BlackHole mode, stalled ones resume. Healing a proxy that is not cut
// does nothing.
func (p *Proxy) Heal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.cut {
		return
	}
	p.cut = false
	close(p.healed)
}

// Stats returns the proxy's counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	active := len(p.links)
	p.mu.Unlock()
	return Stats{
		Accepted: p.accepted.Load(), Refused: p.refused.Load(), Cut: p.cutN.Load(), Failed: p.failed.Load(),
		Active: active, Held: int(p.held.Load()), BytesUp: p.up.Load(), BytesDown: p.down.Load(),
	}
}

// Close stops listening, closes every connection and waits for the
// proxy's goroutines to end.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	links := make([]*link, 0, len(p.links))
	for l := range p.links {
		links = append(links, l)
		delete(p.links, l)
	}
	p.mu.Unlock()
	p.cancel()
	err := p.ln.Close()
	for _, l := range links {
		l.kill(false)
	}
	p.wg.Wait()
	if err != nil {
		return fmt.Errorf("netfault: close proxy %s: %w", p.Addr(), err)
	}
	return nil
}

// serve accepts connections until the listener closes.
func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed; a proxy whose listener fails is done
		}
		p.accepted.Add(1)
		p.admit(c)
	}
}

// admit starts forwarding c, or resets it when the proxy is cut in Reset
// mode.
func (p *Proxy) admit(c net.Conn) {
	p.mu.Lock()
	switch {
	case p.closed:
		p.mu.Unlock()
		_ = c.Close()
		return
	case p.cut && p.opts.Mode == Reset:
		p.mu.Unlock()
		p.refused.Add(1)
		reset(c)
		return
	}
	l := newLink(c)
	p.links[l] = struct{}{}
	p.wg.Add(1)
	p.mu.Unlock()
	go p.run(l)
}

// forget drops l from the live links.
func (p *Proxy) forget(l *link) {
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
}

// open waits while the proxy is black-holed; it reports false once l was
// killed.
func (p *Proxy) open(l *link) bool {
	for {
		p.mu.Lock()
		cut, healed := p.cut, p.healed
		p.mu.Unlock()
		select {
		case <-l.done:
			return false
		default:
		}
		if !cut {
			return true
		}
		p.held.Add(1)
		select {
		case <-healed:
			p.held.Add(-1)
		case <-l.done:
			p.held.Add(-1)
			return false
		}
	}
}

// String describes the proxy.
func (p *Proxy) String() string {
	state := "healed"
	if p.Partitioned() {
		state = "cut"
	}
	return "proxy " + p.Addr() + "->" + p.target + " (" + p.opts.Mode.String() + ", " + state + ")"
}
