package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/internal/logging"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/version"
	"github.com/fifogo/fifo/supervisors"
)

func newStartCmd(env func(string) (string, bool)) *cobra.Command {
	cfg := defaultConfig()
	envErr := cfg.applyEnv(env)
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the agent until SIGTERM or SIGINT",
		Long: "Run the hypervisor agent: register the hypervisor with the control node(s) given with --join\n" +
			"(failing over to the next when one goes away), report it, and serve VM commands.\n" +
			"Each flag may be set by the FIFO_* environment variable named in its help; a flag given wins.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if envErr != nil {
				return usageError{envErr}
			}
			if err := cfg.validate(); err != nil {
				return usageError{err}
			}
			var level slog.LevelVar
			lv, err := logging.ParseLevel(cfg.LogLevel)
			if err != nil {
				return usageError{err}
			}
			level.Set(lv)
			logger, err := logging.New(cmd.ErrOrStderr(), &level, cfg.LogFormat)
			if err != nil {
				return usageError{err}
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
			defer stop()
			return runAgent(ctx, cfg, logger, cmd.OutOrStdout())
		},
	}
	cfg.bindFlags(cmd)
	return cmd
}

// appStartTimeout bounds the start of the agent application.
const appStartTimeout = 30 * time.Second

// runAgent runs the agent until ctx ends, then stops it gracefully.
func runAgent(ctx context.Context, cfg config, logger *slog.Logger, out io.Writer) error {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return usageError{fmt.Errorf("data dir %s: %w", cfg.DataDir, err)}
	}
	cookie, err := loadCookie(cfg, logger)
	if err != nil {
		return usageError{err}
	}
	d, hv, err := openDriver(ctx, cfg, logger)
	if err != nil {
		return err
	}
	log := logger.With("node", cfg.NodeName, "hv", hv)

	reg := prometheus.NewRegistry()
	rm := runtime.NewMetrics(reg)
	restoreLogs := runtime.BridgeLogs(log, rm)
	defer restoreLogs()
	routes, err := cfg.routes()
	if err != nil {
		return usageError{err}
	}
	// The node outlives ctx: its cancellation starts the orderly stop.
	node, err := runtime.Start(context.WithoutCancel(ctx), runtime.Options{
		Name: cfg.NodeName, Cookie: cookie, ListenHost: cfg.DistHost, ListenPort: uint16(cfg.DistPort),
		EPMDPort: uint16(cfg.EPMDPort), Routes: routes, Logger: log, Metrics: rm, StopTimeout: cfg.Shutdown,
	})
	if err != nil {
		return err
	}
	defer node.Stop()

	m, err := chunter.NewMetrics(reg)
	if err != nil {
		return err
	}
	info := version.Get()
	sw, err := newSwitcher(cfg, log, info.Version)
	if err != nil {
		return err
	}
	up, err := sw.upgrader()
	if err != nil {
		return err
	}
	agent, err := chunter.New(chunter.Options{
		HV: hv, Driver: d, Controls: cfg.Join, Version: info.Version, Logger: logger, Metrics: m,
		HeartbeatInterval: cfg.Heartbeat, ResyncInterval: cfg.Resync,
		Upgrader: up, OnRegistered: sw.onRegistered,
	})
	if err != nil {
		return usageError{err}
	}
	app, err := chunter.App(info.Version, agent)
	if err != nil {
		return err
	}
	// A signal during the start lets it finish, then stops in order.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), appStartTimeout)
	err = supervisors.StartApp(sctx, node, app)
	cancel()
	if err != nil {
		return err
	}
	log.Info("chunter running", "version", info.Version, "driver", cfg.Driver, "join", cfg.Join)
	fmt.Fprintf(out, "chunter running: node %s hypervisor %s\n", node.Name(), hv)

	next := waitForEnd(ctx, sw, cfg.UpgradeTrial, log)
	log.Info("stopping")
	sctx, cancel = context.WithTimeout(context.Background(), cfg.Shutdown)
	defer cancel()
	if err := supervisors.StopApp(sctx, node, app); err != nil {
		log.Warn("agent application did not stop cleanly", "err", err)
	}
	if err := node.Stop(); err != nil && next == "" {
		return err
	}
	if next == "" {
		log.Info("stopped")
		return nil
	}
	// The node has released its name and ports: the new binary takes
	// them, with the same pid, arguments and environment.
	log.Info("executing the agent binary", "binary", next)
	err = execBinary(next)
	log.Error("switch failed: executing the old binary again", "err", err)
	if next != sw.exe {
		err = errors.Join(err, execBinary(sw.exe))
	}
	return err
}

// waitForEnd waits until the agent must stop: a signal (""), a switch to
// a pushed binary, or a trial that ran out of time (the binary to execute
// next).
func waitForEnd(ctx context.Context, sw *switcher, trial time.Duration, log *slog.Logger) string {
	for {
		select {
		case <-ctx.Done():
			return ""
		case next := <-sw.next:
			log.Info("switching to a pushed binary", "binary", next)
			return next
		case <-sw.expired():
			if old, ok := sw.giveUp(trial); ok {
				log.Error("the new binary did not register in time: returning to the old one", "trial", trial, "binary", old)
				return old
			}
		}
	}
}

// loadCookie reads the cluster cookie: from --cookie-file (which must
// exist), else from <data-dir>/cookie, created when missing (then it must
// be replaced by the control plane's before the agent can join).
func loadCookie(cfg config, log *slog.Logger) (string, error) {
	if cfg.CookieFile != "" {
		return runtime.ReadCookie(cfg.CookieFile)
	}
	path := filepath.Join(cfg.DataDir, runtime.CookieFile)
	_, statErr := os.Stat(path)
	c, err := runtime.LoadOrCreateCookie(cfg.DataDir)
	if err != nil {
		return "", err
	}
	if errors.Is(statErr, os.ErrNotExist) {
		log.Warn("created a new cookie: copy the control plane's cookie here to join it", "path", path)
	}
	return c, nil
}
