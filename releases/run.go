package releases

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/ops"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/internal/version"
	"github.com/fifogo/fifo/supervisors"
)

// ConfigError is a failure caused by the configuration or the machine's
// state before anything was written (bad value, unusable data dir, taken
// port). The CLI exits with code 2 for it.
type ConfigError struct{ Err error }

// Error implements error.
func (e *ConfigError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *ConfigError) Unwrap() error { return e.Err }

// Hooks let tests and tools observe a running node.
type Hooks struct {
	// OnReady runs once the node serves, with its environment.
	OnReady func(env *Env)
	// Codec overrides the record codec (tests).
	Codec store.Codec
	// Out receives operator messages (the generated admin password);
	// default os.Stdout.
	Out io.Writer
	// LogLevel is the level of logger; the console changes it at run time.
	// Nil: the console cannot.
	LogLevel *slog.LevelVar
}

// appStartTimeout bounds the start of one application.
const appStartTimeout = 30 * time.Second

// Run runs a node with cfg until ctx is cancelled, then stops it
// gracefully within cfg.Shutdown.Timeout. See the package comment for the
// order of start-up.
func Run(ctx context.Context, cfg config.Config, logger *slog.Logger, hooks Hooks) error {
	mux := http.NewServeMux()
	srv := ops.NewServer(mux, ops.ServerOptions{})
	rel, ln, err := preflight(cfg, srv)
	if err != nil {
		return err
	}
	defer ln.Close()
	log := logger.With("node", cfg.Node.Name)

	if err := os.MkdirAll(cfg.Node.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir %s: %w", cfg.Node.DataDir, err)
	}
	cookie, err := runtime.LoadOrCreateCookie(cfg.Node.DataDir)
	if err != nil {
		return err
	}

	info := version.Get()
	reg := ops.NewRegistry(info)
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
		return fmt.Errorf("open store: %w", err)
	}
	defer db.Close()
	env.DB = db

	rm := runtime.NewMetrics(reg)
	restoreLogs := runtime.BridgeLogs(log, rm)
	defer restoreLogs()
	// The node must outlive ctx: its cancellation starts our orderly stop
	// (applications in reverse order), it must not kill every process at once.
	node, err := runtime.Start(context.WithoutCancel(ctx), runtime.Options{
		Name:        cfg.Node.Name,
		Cookie:      cookie,
		ListenHost:  cfg.Dist.ListenHost,
		ListenPort:  uint16(cfg.Dist.ListenPort),
		EPMDPort:    uint16(cfg.Dist.EPMDPort),
		Routes:      config.RouteMap(cfg.Dist.Routes),
		Logger:      log,
		Metrics:     rm,
		StopTimeout: cfg.Shutdown.Timeout,
	})
	if err != nil {
		return err
	}
	env.Node = node
	env.StoreService = store.NewService(db, env.Codec, env.StoreMetrics)
	env.Store = env.StoreService.Local()

	checks := ops.NewChecks()
	checks.Set("applications", errors.New("starting"))
	ops.Mount(mux, reg, checks)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	apps, err := rel.Apps(env)
	if err != nil {
		shutdown(cfg, log, srv, node, nil)
		return fmt.Errorf("release %s: %w", rel.Name, err)
	}
	// Every node runs the console, started last and stopped first.
	apps = append(apps, consoleApp(env, hooks.LogLevel))
	started, err := startApps(ctx, node, apps)
	if err == nil && rel.Start != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), appStartTimeout)
		err = rel.Start(sctx, env)
		cancel()
		if err != nil {
			err = fmt.Errorf("release %s start: %w", rel.Name, err)
		}
	}
	if err != nil {
		shutdown(cfg, log, srv, node, started)
		return err
	}
	checks.Set("applications", nil)
	log.Info("node ready", "release", rel.Name, "apps", appNames(apps), "http", ln.Addr().String(),
		"version", info.Version)
	if hooks.OnReady != nil {
		hooks.OnReady(env)
	}

	select {
	case <-ctx.Done():
		log.Info("stopping", "reason", context.Cause(ctx))
	case err = <-serveErr:
		log.Error("http server failed", "err", err)
	}
	checks.Set("applications", errors.New("stopping"))
	if serr := shutdown(cfg, log, srv, node, started); serr != nil && err == nil {
		err = serr
	}
	return err
}

// preflight checks everything that can be checked without writing, and
// binds the HTTP listener (kept, so the port cannot be taken meanwhile).
func preflight(cfg config.Config, srv *ops.Server) (Release, net.Listener, error) {
	if err := cfg.Validate(); err != nil {
		return Release{}, nil, &ConfigError{err}
	}
	rel, err := Lookup(cfg.Node.Release)
	if err != nil {
		return Release{}, nil, &ConfigError{err}
	}
	if err := config.CheckDataDir(cfg.Node.DataDir); err != nil {
		return Release{}, nil, &ConfigError{err}
	}
	ln, err := srv.Listen(cfg.HTTP.Addr)
	if err != nil {
		return Release{}, nil, &ConfigError{err}
	}
	dist := net.JoinHostPort(cfg.Dist.ListenHost, strconv.Itoa(cfg.Dist.ListenPort))
	dl, err := net.Listen("tcp", dist)
	if err != nil {
		ln.Close()
		return Release{}, nil, &ConfigError{fmt.Errorf("dist listen %s: %w", dist, err)}
	}
	dl.Close()
	return rel, ln, nil
}

// storeDir is where the node's database lives.
func storeDir(cfg config.Config) string { return cfg.Node.DataDir + "/store" }

// startApps starts apps in order, returning those started.
func startApps(ctx context.Context, node *runtime.Node, apps []supervisors.App) ([]supervisors.App, error) {
	var started []supervisors.App
	for _, app := range apps {
		// A signal during the start lets it finish; the node then stops in
		// order, instead of failing with a start timeout.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), appStartTimeout)
		err := supervisors.StartApp(actx, node, app)
		cancel()
		if err != nil {
			return started, err
		}
		started = append(started, app)
	}
	return started, nil
}

// shutdown stops the HTTP server, the applications in reverse order and
// the node, within the configured timeout.
func shutdown(cfg config.Config, log *slog.Logger, srv *ops.Server, node *runtime.Node, apps []supervisors.App) error {
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Shutdown.Timeout)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(ctx); err != nil {
		errs = append(errs, err)
	}
	for i := len(apps) - 1; i >= 0; i-- {
		if err := supervisors.StopApp(ctx, node, apps[i]); err != nil {
			log.Warn("application stop", "app", apps[i].Name, "err", err)
		}
	}
	if err := node.Stop(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
