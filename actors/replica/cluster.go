package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/runtime"
)

// Codec is the store's codec with tombstones (record.StoreCodec).
type Codec interface {
	store.Codec
	// Tombstone returns the delete delta of a value (every field removed).
	Tombstone(value []byte) ([]byte, error)
	// IsTombstone reports whether a value is deleted.
	IsTombstone(value []byte) bool
}

// Cluster is the record store over the ring: a recstore.Store that
// coordinates every request on the node it is called on (see the package
// documentation). It is safe for concurrent use.
type Cluster struct {
	node  *runtime.Node
	svc   *store.Service
	local *store.Local
	codec Codec
	o     Options
	m     *Metrics
	log   *slog.Logger
	hints *hintStore

	view      atomic.Pointer[view]
	ready     chan struct{} // closed when the first view arrives
	readyOnce sync.Once
}

var _ store.Store = (*Cluster)(nil)

// New returns the replicated store of node over its store service svc. It
// opens the hint store; Close closes it. Run the App for it to work.
func New(node *runtime.Node, svc *store.Service, codec Codec, o Options, reg prometheus.Registerer) (*Cluster, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	m := NewMetrics(reg)
	hs, err := openHints(filepath.Join(o.DataDir, "hints"), codec, m)
	if err != nil {
		return nil, err
	}
	return &Cluster{node: node, svc: svc, local: svc.Local(), codec: codec, o: o, m: m,
		log: o.Logger.With("component", "replica"), hints: hs, ready: make(chan struct{})}, nil
}

// Close closes the hint store, once the App has stopped.
func (c *Cluster) Close() error { return c.hints.close() }

// Metrics returns the cluster's metrics.
func (c *Cluster) Metrics() *Metrics { return c.m }

// setView adopts the ring actor's view (its OnChange).
func (c *Cluster) setView(s actorring.Status) {
	if s.Ring == nil {
		return
	}
	c.view.Store(newView(s))
	c.readyOnce.Do(func() { close(c.ready) })
}

// current returns the view, waiting (up to the replica timeout) for the
// ring actor's first one.
func (c *Cluster) current(ctx context.Context) (*view, error) {
	if v := c.view.Load(); v != nil {
		return v, nil
	}
	t := time.NewTimer(c.o.Timeout)
	defer t.Stop()
	select {
	case <-c.ready:
		return c.view.Load(), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("ring view: %w", ctx.Err())
	case <-t.C:
		return nil, fmt.Errorf("ring view: %w: the ring is not loaded", ErrUnavailable)
	}
}

// callCtx bounds one request to one replica: the replica timeout, not
// cut short by the caller returning (a write the caller no longer waits
// for still lands, a read still repairs).
func (c *Cluster) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), c.o.Timeout)
}

// vnode addresses partition p's vnode on node.
func vnode(node string, p int) runtime.ProcessID {
	return runtime.ProcessID{Name: store.VnodeName(p), Node: node}
}

// peer addresses the replica actor of node.
func peer(node string) runtime.ProcessID { return runtime.ProcessID{Name: Name, Node: node} }

// outcome labels an error for the metrics.
func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, store.ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrUnavailable):
		return "unavailable"
	}
	return "error"
}
