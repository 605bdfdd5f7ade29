package wiggle

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle"
	"github.com/fifogo/fifo/apps/sniffle/images"
	"github.com/fifogo/fifo/apps/wiggle/rest"
)

// AppName is the application's name.
const AppName = "wiggle"

// Options configure a Server. The zero value of every field is a sane
// default (see rest.Options for the ones passed on).
type Options struct {
	// Logger receives the application's and the handler's log lines.
	// Default: discarded.
	Logger *slog.Logger
	// Registry receives the HTTP metrics
	// (fifo_http_requests_total{route,method,code},
	// fifo_http_request_duration_seconds{route,method}). Default: none.
	Registry prometheus.Registerer
	// Version is reported by GET /api/2/cloud. Default "dev".
	Version string
	// MaxBodyBytes bounds request bodies. Default 1 MiB.
	MaxBodyBytes int64
	// CacheTTL is how long resolved tokens and permission answers are
	// reused (emptied by every write through wiggle). Default 1 s;
	// negative disables the caches.
	CacheTTL time.Duration
	// CacheSize bounds each cache. Default 4096 entries.
	CacheSize int
	// Sniffle serves the cloud routes (hypervisors, VMs, datasets,
	// packages, networks, IP ranges, groupings, DTrace). Default: none;
	// those routes answer 503 and GET /cloud/connection reports no
	// sniffle.
	Sniffle *sniffle.Service
	// Images imports datasets for POST /datasets {"url"}. Default: none;
	// imports answer 400 not_supported.
	Images *images.Importer
}

// Server is wiggle: the REST handler and the switch the application
// turns on and off.
type Server struct {
	rest *rest.Handler
	log  *slog.Logger
	on   atomic.Bool
}

// New builds the server over api. It serves nothing (503) until its App
// runs.
func New(api identity.API, o Options) (*Server, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	log := o.Logger.With("app", AppName)
	h, err := rest.New(api, rest.Options{
		Logger: log, Registry: o.Registry, Version: o.Version,
		MaxBodyBytes: o.MaxBodyBytes, CacheTTL: o.CacheTTL, CacheSize: o.CacheSize,
		Cloud: cloudOf(o),
	})
	if err != nil {
		return nil, fmt.Errorf("wiggle: %w", err)
	}
	return &Server{rest: h, log: log}, nil
}

// Handler returns the handler to mount at "/api/" on the node's mux: the
// REST API while the application runs, 503 otherwise.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// Running reports whether the application's actor is up.
func (s *Server) Running() bool { return s.on.Load() }

// unavailable is the body of a 503 (the API's Error schema).
const unavailable = `{"error":"unavailable","message":"wiggle is not running"}`

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.on.Load() {
		s.rest.ServeHTTP(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Retry-After", "1")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(unavailable))
}

// enable and disable are the actor's switch.
func (s *Server) enable() {
	s.on.Store(true)
	s.log.Info("serving the REST API")
}

func (s *Server) disable(reason string) {
	s.on.Store(false)
	s.log.Info("REST API stopped", "reason", reason)
}
