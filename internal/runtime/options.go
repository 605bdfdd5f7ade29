package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Options configure a node started with Start. The zero value is not
// usable: Name and Cookie are required; everything else has a default.
type Options struct {
	// Name is the ergo node name, "short@host". Required.
	Name string
	// Cookie authenticates distribution connections. Required; see
	// LoadOrCreateCookie.
	Cookie string
	// ListenHost is the interface the distribution listener binds.
	// Default: the host part of Name.
	ListenHost string
	// ListenPort is the distribution port. Zero picks a free port (tests);
	// nodes started from config always set it explicitly.
	ListenPort uint16
	// EPMDPort is the port of the name registrar. The first node on a host
	// serves it, the others register with it. Default 4369 (Erlang's);
	// tests use private ports so they never meet a real epmd.
	EPMDPort uint16
	// StaticRoutesOnly disables registrar look-ups for outgoing
	// connections: peers are reached only through AddStaticRoute. A
	// registrar is still configured (ergo panics without one).
	StaticRoutesOnly bool
	// Routes maps peer node names to the host:port the node dials for
	// them, ahead of the registrar (see routes.go). Default: none.
	Routes map[string]string
	// Hidden makes a client node (the console): it never registers with a
	// registrar nor serves one, so no node can find it, and it resolves
	// the peers it connects to read-only. See hidden.go for what ergo does
	// and does not offer here.
	Hidden bool
	// Logger receives the runtime's and the actors' logs. Default: discard.
	Logger *slog.Logger
	// Metrics counts drops, panics and calls. Default: metrics registered
	// in a private registry.
	Metrics *Metrics
	// Env is node-wide environment visible to every process.
	Env map[string]any
	// StopTimeout bounds how long Stop waits for the node. Default 10s.
	StopTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.ListenHost == "" {
		if i := strings.IndexByte(o.Name, '@'); i >= 0 {
			o.ListenHost = o.Name[i+1:]
		}
	}
	if o.EPMDPort == 0 {
		o.EPMDPort = 4369
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(prometheus.NewRegistry())
	}
	if o.StopTimeout <= 0 {
		o.StopTimeout = 10 * time.Second
	}
	return o
}

// Validate reports the first problem with the options.
func (o Options) Validate() error {
	short, host, ok := strings.Cut(o.Name, "@")
	if !ok || short == "" || host == "" || strings.Contains(host, "@") {
		return fmt.Errorf("node name %q: want short@host", o.Name)
	}
	if o.Cookie == "" {
		return errors.New("node cookie: empty")
	}
	if len(o.Cookie) > 255 {
		return errors.New("node cookie: longer than 255 bytes")
	}
	return validateRoutes(o.Routes)
}
