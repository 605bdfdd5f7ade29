package netfault

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// link is one forwarded connection: the client the proxy accepted and,
// once dialed, the connection to the target.
type link struct {
	client net.Conn
	done   chan struct{} // closed by kill

	mu     sync.Mutex
	server net.Conn
	dead   bool
}

func newLink(client net.Conn) *link {
	return &link{client: client, done: make(chan struct{})}
}

// attach records the dialed target connection; it reports false (and
// closes s) when the link was killed meanwhile.
func (l *link) attach(s net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		reset(s)
		return false
	}
	l.server = s
	return true
}

// kill closes both connections once, with a TCP reset when abort is set.
func (l *link) kill(abort bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return
	}
	l.dead = true
	close(l.done)
	for _, c := range []net.Conn{l.client, l.server} {
		switch {
		case c == nil:
		case abort:
			reset(c)
		default:
			_ = c.Close()
		}
	}
}

// run dials the target (after Heal when black-holed) and copies both
// ways until both directions end or the link is killed.
func (p *Proxy) run(l *link) {
	defer p.wg.Done()
	defer p.forget(l)
	if !p.open(l) {
		return
	}
	d := net.Dialer{Timeout: p.opts.DialTimeout}
	s, err := d.DialContext(p.ctx, "tcp", p.target)
	if err != nil {
		p.failed.Add(1)
		l.kill(true)
		return
	}
	if !l.attach(s) {
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pump(l, s, l.client, &p.up) }()
	go func() { defer wg.Done(); p.pump(l, l.client, s, &p.down) }()
	wg.Wait()
	l.kill(false)
}

// pump copies src to dst, counting delivered bytes in n and holding
// them while the proxy is black-holed. An end of stream is passed on as
// a half-close; a failure kills the link, with a reset when src was
// reset.
func (p *Proxy) pump(l *link, dst, src net.Conn, n *atomic.Uint64) {
	buf := make([]byte, 32<<10)
	for {
		k, err := src.Read(buf)
		if k > 0 {
			if !p.open(l) {
				return
			}
			if _, werr := dst.Write(buf[:k]); werr != nil {
				l.kill(true)
				return
			}
			n.Add(uint64(k))
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			if cw, ok := dst.(interface{ CloseWrite() error }); ok {
				_ = cw.CloseWrite()
			}
			return
		default:
			l.kill(!errors.Is(err, net.ErrClosed))
			return
		}
	}
}

// reset closes c with a TCP reset instead of an orderly FIN.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
