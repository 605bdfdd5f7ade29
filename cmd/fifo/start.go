package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/logging"
	"github.com/fifogo/fifo/releases"
	"github.com/fifogo/fifo/releases/handoff"
)

func newStartCmd(env func(string) (string, bool)) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run a node until SIGTERM or SIGINT",
		Long: "Run a node with the release named in the configuration (all-in-one by default).\n" +
			"Configuration: the TOML file given with --config, overridden by FIFO_* environment variables.\n" +
			"The node writes <data_dir>/fifo.pid and listens on <data_dir>/control.sock, where\n" +
			"fifo release install|rollback ask it to upgrade itself live (docs/releases.md); under\n" +
			"systemd (Type=notify) it reports READY=1 once it serves.",
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(path, env)
			if err != nil {
				return usageError{err}
			}
			var level slog.LevelVar
			lv, err := logging.ParseLevel(cfg.Log.Level)
			if err != nil {
				return usageError{err}
			}
			level.Set(lv)
			logger, err := logging.New(cmd.ErrOrStderr(), &level, cfg.Log.Format)
			if err != nil {
				return usageError{err}
			}
			hooks, err := startHooks(cmd, env)
			if err != nil {
				return err
			}
			hooks.LogLevel = &level
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
			defer stop()
			err = releases.Run(ctx, cfg, logger, hooks)
			var ce *releases.ConfigError
			if errors.As(err, &ce) {
				return usageError{err}
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&path, "config", "c", "", "path to the TOML configuration file")
	return cmd
}

// startHooks returns what a node needs from its process for live
// upgrades: what an old process handed over (when this one is its
// successor), how to start a successor (this very command), and systemd's
// notification socket.
func startHooks(cmd *cobra.Command, env func(string) (string, bool)) (releases.Hooks, error) {
	socks, child, err := handoff.Inherit(env)
	if err != nil {
		return releases.Hooks{}, err
	}
	h := releases.Hooks{Relaunch: releases.Relaunch{Args: os.Args[1:], Env: os.Environ(),
		Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr()}}
	if child != nil {
		h.Inherited = &releases.Inherited{Sockets: socks, Child: child}
	}
	h.NotifySocket, _ = env(handoff.NotifySocketEnv)
	return h, nil
}
