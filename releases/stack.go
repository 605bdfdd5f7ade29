package releases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/fifogo/fifo/actors/replica"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/ops"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/internal/version"
	"github.com/fifogo/fifo/releases/handoff"
	"github.com/fifogo/fifo/supervisors"
)

// stack is one generation of a node's services: the store, the ergo node,
// the applications and the HTTP server on a duplicate of the node's HTTP
// socket. A node runs one at a time; a failed live upgrade starts a new
// one in the same process.
type stack struct {
	cfg         config.Config
	log         *slog.Logger
	db          *storage.DB
	cluster     *replica.Cluster
	node        *runtime.Node
	srv         *ops.Server
	checks      *ops.Checks
	apps        []supervisors.App
	restoreLogs func()
	serveErr    chan error
}

// takeoverWait bounds how long a node that takes over (a new binary in a
// live upgrade, or an old one resuming after a failed upgrade) retries
// its ergo node's start: the name the other process registered with the
// node registrar (EPMD) is released asynchronously.
const takeoverWait = 15 * time.Second

// startStack opens the store, starts the ergo node and the release's
// applications, and serves HTTP on socks' HTTP socket. takeover retries
// the ergo node's start (see takeoverWait). On error everything started is
// stopped again.
func startStack(ctx context.Context, cfg config.Config, log *slog.Logger, hooks Hooks, rel Release,
	socks *handoff.Sockets, cookie string, takeover bool) (*stack, error) {
	st := &stack{cfg: cfg, log: log, checks: ops.NewChecks(), serveErr: make(chan error, 1), restoreLogs: func() {}}
	info := version.Get()
	reg := ops.NewRegistry(info)
	mux := http.NewServeMux()
	st.srv = ops.NewServer(mux, ops.ServerOptions{})
	env := &Env{Config: cfg, Logger: log, Registry: reg, Mux: mux, Version: info.Version,
		Codec: hooks.Codec, StoreMetrics: store.NewMetrics(reg), Out: hooks.Out}
	if env.Out == nil {
		env.Out = os.Stdout
	}
	if env.Codec == nil {
		env.Codec = RecordCodec{}
	}
	db, err := storage.Open(storeDir(cfg), storage.Options{
		Partitions: cfg.Store.Partitions,
		Logger:     log.With("component", "storage"),
		OnQuarantine: func(q storage.QuarantineEntry) {
			env.StoreMetrics.Quarantined.Inc()
			log.Warn("record quarantined", "partition", q.Partition, "bucket", q.Bucket, "id", q.ID, "reason", q.Reason)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	st.db, env.DB = db, db

	rm := runtime.NewMetrics(reg)
	st.restoreLogs = runtime.BridgeLogs(log, rm)
	node, err := startNode(ctx, runtime.Options{
		Name:        cfg.Node.Name,
		Cookie:      cookie,
		ListenHost:  cfg.Dist.ListenHost,
		ListenPort:  uint16(cfg.Dist.ListenPort),
		EPMDPort:    uint16(cfg.Dist.EPMDPort),
		Routes:      config.RouteMap(cfg.Dist.Routes),
		Logger:      log,
		Metrics:     rm,
		StopTimeout: cfg.Shutdown.Timeout,
	}, takeover, log)
	if err != nil {
		st.closeStore()
		return nil, err
	}
	st.node, env.Node = node, node
	env.StoreService = store.NewService(db, env.Codec, env.StoreMetrics)
	if env.Cluster, err = newCluster(env); err != nil {
		st.stop(false)
		return nil, err
	}
	st.cluster, env.Store = env.Cluster, env.Cluster

	st.checks.Set("applications", errors.New("starting"))
	ops.Mount(mux, reg, st.checks)
	ln, err := socks.Listener(sockHTTP)
	if err != nil {
		st.stop(false)
		return nil, err
	}
	// A fresh node serves its health and readiness while it starts. One
	// that takes over from another process (or from its own failed
	// upgrade) serves nothing until its applications are up: clients that
	// connect meanwhile wait in the accept queue instead of getting a 404
	// from an API not mounted yet.
	serving := false
	serve := func() {
		if !serving {
			serving = true
			go func() { st.serveErr <- st.srv.Serve(ln) }()
		}
	}
	if !takeover {
		serve()
	}

	apps, err := rel.Apps(env)
	if err != nil {
		if !serving {
			ln.Close()
		}
		st.stop(false)
		return nil, fmt.Errorf("release %s: %w", rel.Name, err)
	}
	// Every node runs the console, started last and stopped first.
	apps = append(apps, consoleApp(env, hooks.LogLevel))
	st.apps, err = startApps(ctx, node, apps)
	if err == nil && rel.Start != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), appStartTimeout)
		err = rel.Start(sctx, env)
		cancel()
		if err != nil {
			err = fmt.Errorf("release %s start: %w", rel.Name, err)
		}
	}
	if err != nil {
		if !serving {
			ln.Close()
		}
		st.stop(false)
		return nil, err
	}
	st.checks.Set("applications", nil)
	serve()
	log.Info("node ready", "release", rel.Name, "apps", appNames(apps), "http", ln.Addr().String(),
		"version", info.Version, "pid", os.Getpid())
	if hooks.OnReady != nil {
		hooks.OnReady(env)
	}
	return st, nil
}

// startNode starts the ergo node; with takeover it retries for
// takeoverWait while the registrar still holds the name.
func startNode(ctx context.Context, o runtime.Options, takeover bool, log *slog.Logger) (*runtime.Node, error) {
	// The node must outlive ctx: its cancellation starts our orderly stop
	// (applications in reverse order), it must not kill every process at once.
	nctx := context.WithoutCancel(ctx)
	deadline := time.Now().Add(takeoverWait)
	for {
		node, err := runtime.Start(nctx, o)
		if err == nil || !takeover || time.Now().After(deadline) || ctx.Err() != nil {
			return node, err
		}
		log.Info("upgrade: ergo node not started yet, retrying", "err", err)
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
		}
	}
}

// stop stops the stack within the configured timeout: HTTP first
// (Shutdown, or Drain when the socket goes to another process), then the
// applications in reverse order, the node and the store.
func (st *stack) stop(handover bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), st.cfg.Shutdown.Timeout)
	defer cancel()
	st.checks.Set("applications", errors.New("stopping"))
	var errs []error
	if handover {
		errs = append(errs, st.srv.Drain(ctx))
	} else {
		errs = append(errs, st.srv.Shutdown(ctx))
	}
	if st.node != nil {
		for i := len(st.apps) - 1; i >= 0; i-- {
			if err := supervisors.StopApp(ctx, st.node, st.apps[i]); err != nil {
				st.log.Warn("application stop", "app", st.apps[i].Name, "err", err)
			}
		}
		errs = append(errs, st.node.Stop())
	}
	errs = append(errs, st.closeStore())
	return errors.Join(errs...)
}

// closeStore closes the store (releasing its lock) and the log bridge.
func (st *stack) closeStore() error {
	st.restoreLogs()
	if st.cluster != nil {
		if err := st.cluster.Close(); err != nil {
			st.log.Warn("close hint store", "err", err)
		}
	}
	if err := st.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}
