package ops

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Drain stops serving without refusing anyone, for a hand-off of the
// listening socket to another process (a live upgrade) that holds a
// duplicate of its descriptor:
//
//  1. it closes the listeners given to Serve. Closing a descriptor does not
//     close a socket that another descriptor still refers to, so
//     connections that arrive from now on wait in the kernel's accept queue
//     for the next process;
//  2. every response from now on carries "Connection: close", so a client
//     sends no further request on a connection this server is about to
//     close (requests in flight and requests already on their way on a
//     kept-alive connection are served);
//  3. a kept-alive connection that stays idle for ServerOptions.IdleGrace
//     is closed. This is the one race HTTP/1.1 keeps (RFC 9112 §9.6): a
//     client that sends on a long-idle connection exactly as it closes
//     sees the close, as with any server closing idle connections; a
//     client in steady use gets "Connection: close" instead.
//
// It returns once every connection is closed or hijacked, or when ctx
// ends, after closing the remaining connections, with ctx's error. Serve
// then returns nil. Unlike Shutdown, Drain never closes idle connections
// while a client may be sending on them, and serves a request that
// arrives on a connection accepted before it began (net/http's Shutdown
// hangs up on those without an answer).
func (s *Server) Drain(ctx context.Context) error {
	s.draining.Store(true)
	s.mu.Lock()
	for _, ln := range s.listeners {
		_ = ln.Close() // a duplicate: the socket lives on in its other descriptors
	}
	s.mu.Unlock()
	tick := time.NewTicker(drainPoll(s.idleGrace))
	defer tick.Stop()
	for {
		if s.conns.closeIdle(time.Now(), s.idleGrace) == 0 {
			_ = s.srv.Close() // nothing left; marks the server closed
			return nil
		}
		select {
		case <-ctx.Done():
			_ = s.srv.Close()
			return fmt.Errorf("http drain: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// drainPoll is how often Drain looks at its connections.
func drainPoll(grace time.Duration) time.Duration {
	return min(max(grace/10, time.Millisecond), 50*time.Millisecond)
}

// closeWhileDraining wraps h so that responses written during a drain
// close their connection.
func (s *Server) closeWhileDraining(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})
}

// connTable follows the server's connections and their states.
type connTable struct {
	mu    sync.Mutex
	conns map[net.Conn]connInfo
}

// connInfo is a connection's state and when it entered it.
type connInfo struct {
	state http.ConnState
	since time.Time
}

func newConnTable() *connTable { return &connTable{conns: make(map[net.Conn]connInfo)} }

// track is the server's ConnState hook.
func (t *connTable) track(c net.Conn, st http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(t.conns, c)
	default:
		t.conns[c] = connInfo{state: st, since: time.Now()}
	}
}

// closeIdle closes the connections idle for at least grace at now and
// returns how many connections are left (the closed ones included until
// the server reports them closed).
func (t *connTable) closeIdle(now time.Time, grace time.Duration) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c, info := range t.conns {
		if info.state == http.StateIdle && now.Sub(info.since) >= grace {
			_ = c.Close()
		}
	}
	return len(t.conns)
}
