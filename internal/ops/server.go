package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// ServerOptions tunes a Server. The zero value is usable: every zero field
// takes the default documented on it.
//
// Whole-request read and write timeouts are deliberately absent: the REST API
// served beside the ops endpoints streams events over long-lived websockets.
type ServerOptions struct {
	// ReadHeaderTimeout bounds reading a request's headers, against slow
	// clients holding connections open. Default 10s.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle that long. Default 2m.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps a request's header size. Default 1 MiB.
	MaxHeaderBytes int
	// Logger receives the server's own errors (bad requests, TLS, panics in
	// handlers) at warn level. Default: discarded.
	Logger *slog.Logger
	// IdleGrace is how long Drain lets a keep-alive connection sit idle
	// before closing it (see Drain). Default 1s.
	IdleGrace time.Duration
}

// withDefaults returns o with every zero field set to its default.
func (o ServerOptions) withDefaults() ServerOptions {
	if o.ReadHeaderTimeout == 0 {
		o.ReadHeaderTimeout = 10 * time.Second
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = 2 * time.Minute
	}
	if o.MaxHeaderBytes == 0 {
		o.MaxHeaderBytes = 1 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.IdleGrace == 0 {
		o.IdleGrace = time.Second
	}
	return o
}

// Server is the node's HTTP server. Bind with Listen, serve with Serve, stop
// with Shutdown, or with Drain when another process takes the listening
// socket over.
type Server struct {
	srv       *http.Server
	idleGrace time.Duration
	draining  atomic.Bool
	conns     *connTable

	mu        sync.Mutex
	listeners []net.Listener
}

// NewServer returns a server for h, which is usually Handler's result or a
// mux that Mount filled.
func NewServer(h http.Handler, opts ServerOptions) *Server {
	o := opts.withDefaults()
	s := &Server{idleGrace: o.IdleGrace, conns: newConnTable()}
	s.srv = &http.Server{
		Handler:           s.closeWhileDraining(h),
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    o.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
		ConnState:         s.conns.track,
	}
	return s
}

// Listen binds a TCP listener on addr (host:port; port 0 picks a free port).
// Its error names the address and the cause only, e.g.
// "http addr 127.0.0.1:8080: address already in use", and still matches the
// underlying errno (errors.Is(err, syscall.EADDRINUSE)).
func (s *Server) Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("http addr %s: %w", addr, listenCause(err))
	}
	return ln, nil
}

// listenCause strips net.Listen's "listen tcp <addr>: bind:" preamble.
func listenCause(err error) error {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return err
}

// Serve serves HTTP on ln until Shutdown or Drain, then returns nil; any
// other error ends it early. It takes ownership of ln and closes it.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) || s.draining.Load() && errors.Is(err, net.ErrClosed) {
		return nil
	}
	return fmt.Errorf("http serve %s: %w", ln.Addr(), err)
}

// Shutdown stops accepting connections and waits for requests in flight to
// finish. If ctx ends first it closes the remaining connections and returns
// ctx's error. Either way Serve returns nil. Hijacked connections
// (websockets) are not tracked; their owners close them.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close() // give up on the stragglers
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}
