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
)

func newStartCmd(env func(string) (string, bool)) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run a node until SIGTERM or SIGINT",
		Long: "Run a node with the release named in the configuration (all-in-one by default).\n" +
			"Configuration: the TOML file given with --config, overridden by FIFO_* environment variables.",
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
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
			defer stop()
			err = releases.Run(ctx, cfg, logger, releases.Hooks{LogLevel: &level})
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
