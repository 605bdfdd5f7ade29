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
	"github.com/fifogo/fifo/internal/version"
	"github.com/fifogo/fifo/releases/handoff"
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

// Hooks let tests and tools observe a running node, and carry what the
// process got from outside (a live upgrade's inheritance, how to start a
// successor, systemd's notification socket).
type Hooks struct {
	// OnReady runs each time the node serves (again), with its environment.
	OnReady func(env *Env)
	// Codec overrides the record codec (tests).
	Codec store.Codec
	// Out receives operator messages (the generated admin password);
	// default os.Stdout.
	Out io.Writer
	// LogLevel is the level of logger; the console changes it at run time.
	// Nil: the console cannot.
	LogLevel *slog.LevelVar
	// Inherited is what an old process handed to this one in a live
	// upgrade (handoff.Inherit); nil for a plain start.
	Inherited *Inherited
	// Relaunch says how to start a new binary in this process's place for
	// a live upgrade; without Args the node refuses upgrades.
	Relaunch Relaunch
	// NotifySocket is systemd's $NOTIFY_SOCKET ("" when not run by
	// systemd): the node sends READY=1 when it serves, with MAINPID when
	// it took over from an old process.
	NotifySocket string
}

// Inherited is an old process's hand-over: its listening sockets and the
// channel to tell it how the take-over goes.
type Inherited struct {
	Sockets *handoff.Sockets
	Child   *handoff.Child
}

// Relaunch is the command that runs this node, for its successor.
type Relaunch struct {
	// Args are the arguments after the binary ("start --config …").
	Args []string
	// Env is the environment; Dir the working directory ("" the current).
	Env []string
	Dir string
	// Stdout and Stderr receive the successor's output.
	Stdout, Stderr io.Writer
}

// appStartTimeout bounds the start of one application.
const appStartTimeout = 30 * time.Second

// Run runs a node with cfg until ctx is cancelled, then stops it
// gracefully within cfg.Shutdown.Timeout, or until it hands over to a new
// binary (a live upgrade asked on its control socket), then returns nil
// while the new process serves. See the package comment for the order of
// start-up and upgrade.go for the upgrade.
func Run(ctx context.Context, cfg config.Config, logger *slog.Logger, hooks Hooks) error {
	rel, socks, err := preflight(cfg, hooks.Inherited)
	if err != nil {
		return err
	}
	defer socks.Close()
	log := logger.With("node", cfg.Node.Name)

	if err := os.MkdirAll(cfg.Node.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir %s: %w", cfg.Node.DataDir, err)
	}
	n := &node{cfg: cfg, log: log, hooks: hooks, rel: rel, socks: socks, upgrades: make(chan upgradeRequest)}
	if err := n.bindControl(); err != nil {
		return err
	}
	if n.cookie, err = runtime.LoadOrCreateCookie(cfg.Node.DataDir); err != nil {
		return err
	}
	child := hooks.childOf()
	if child != nil {
		log.Info("upgrade: set up, waiting for the old process to release its services", "version", version.Get().Version)
		if err := child.Await(ctx, version.Get().Version); err != nil {
			return fmt.Errorf("upgrade: %w", err)
		}
	}
	st, err := n.start(ctx, child != nil)
	if err != nil {
		if child != nil {
			child.Fail(err)
		}
		return err
	}
	// Announce first: systemd must learn the new main pid before the old
	// process, told it may exit, does.
	n.announce(child != nil)
	if child != nil {
		if err := child.Ready(); err != nil {
			log.Warn("upgrade: could not tell the old process", "err", err)
		}
	}
	stopControl := n.serveControl(ctx)

	for {
		select {
		case <-ctx.Done():
			log.Info("stopping", "reason", context.Cause(ctx))
			stopControl()
			err := st.stop(false)
			n.retire()
			return err
		case err := <-st.serveErr:
			log.Error("http server failed", "err", err)
			stopControl()
			if serr := st.stop(false); serr != nil {
				err = errors.Join(err, serr)
			}
			n.retire()
			return err
		case req := <-n.upgrades:
			next, done := n.upgrade(ctx, st, req, stopControl)
			if done {
				return nil
			}
			if next == nil {
				n.retire()
				return errors.New("upgrade aborted and the node could not start its services again")
			}
			st = next
		}
	}
}

// childOf returns the hand-over channel of an upgrade, if any.
func (h Hooks) childOf() *handoff.Child {
	if h.Inherited == nil {
		return nil
	}
	return h.Inherited.Child
}

// Socket names (handoff.Sockets) of a node.
const (
	sockHTTP    = "http"
	sockControl = "control"
)

// preflight checks everything that can be checked without writing, and
// binds the HTTP listener (kept, so the port cannot be taken meanwhile),
// or takes the inherited one in a live upgrade.
func preflight(cfg config.Config, inh *Inherited) (Release, *handoff.Sockets, error) {
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
	if inh != nil {
		// The old process still holds the dist port and the node name.
		if err := checkInherited(cfg, inh.Sockets); err != nil {
			inh.Sockets.Close()
			return Release{}, nil, &ConfigError{err}
		}
		return rel, inh.Sockets, nil
	}
	ln, err := ops.NewServer(http.NotFoundHandler(), ops.ServerOptions{}).Listen(cfg.HTTP.Addr)
	if err != nil {
		return Release{}, nil, &ConfigError{err}
	}
	socks := handoff.NewSockets()
	if err := socks.Add(sockHTTP, ln); err != nil {
		return Release{}, nil, err
	}
	dist := net.JoinHostPort(cfg.Dist.ListenHost, strconv.Itoa(cfg.Dist.ListenPort))
	dl, err := net.Listen("tcp", dist)
	if err != nil {
		socks.Close()
		return Release{}, nil, &ConfigError{fmt.Errorf("dist listen %s: %w", dist, err)}
	}
	dl.Close()
	return rel, socks, nil
}

// checkInherited checks that the inherited HTTP socket is the configured
// one (the configuration may have changed since the old process read it).
func checkInherited(cfg config.Config, socks *handoff.Sockets) error {
	if !socks.Has(sockHTTP) {
		return errors.New("upgrade: the old process handed over no http socket")
	}
	_, want, err := net.SplitHostPort(cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("http addr %s: %w", cfg.HTTP.Addr, err)
	}
	_, got, _ := net.SplitHostPort(socks.Addr(sockHTTP).String())
	if want != "0" && want != got {
		return fmt.Errorf("upgrade: http.addr is %s now, the inherited socket is %s: restart the node instead",
			cfg.HTTP.Addr, socks.Addr(sockHTTP))
	}
	return nil
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
