package rest

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Options tunes a Handler. The zero value is usable: every zero field
// takes the default documented on it.
type Options struct {
	// Logger receives one line per failed request (5xx at error level,
	// others at debug) and the handler's own errors. Lines name the route
	// template, never the raw path (DELETE /sessions/{token} carries a
	// bearer in its path), and never a body, query or header value.
	// Default: discarded.
	Logger *slog.Logger
	// Registry receives the HTTP metrics (see NewMetrics). Default: none
	// (the metrics are kept but not exported).
	Registry prometheus.Registerer
	// Version is reported by GET /cloud as the wiggle and snarl version.
	// Default "dev".
	Version string
	// MaxBodyBytes bounds a request body; a longer one is answered 413.
	// Default 1 MiB.
	MaxBodyBytes int64
	// CacheTTL is how long a resolved token and a permission answer are
	// reused without asking snarl again (FiFo's token l1 TTL). Every
	// successful write through this handler empties the caches, so a
	// revoked token or permission stops working here at once; a change
	// made elsewhere is seen within CacheTTL. Negative disables caching.
	// Default 1s.
	CacheTTL time.Duration
	// CacheSize bounds the number of cached tokens and, separately, of
	// cached permission answers. Default 4096.
	CacheSize int
	// Now is the clock of the caches' expiry and of the request duration
	// metric. Default time.Now.
	Now func() time.Time
	// Cloud serves the cloud routes (hypervisors, VMs, datasets,
	// packages, networks, IP ranges, groupings, DTrace); see NewCloud.
	// Default: none, those routes answer 503 unavailable (after the
	// token and permission checks) and GET /cloud/connection reports no
	// sniffle.
	Cloud Cloud
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = time.Second
	}
	if o.CacheSize == 0 {
		o.CacheSize = 4096
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Validate reports options that cannot work, all at once.
func (o Options) Validate() error {
	var errs []error
	if o.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("MaxBodyBytes %d is negative", o.MaxBodyBytes))
	}
	if o.CacheSize < 0 {
		errs = append(errs, fmt.Errorf("CacheSize %d is negative", o.CacheSize))
	}
	if len(errs) > 0 {
		return fmt.Errorf("rest options: %w", errors.Join(errs...))
	}
	return nil
}
