package vmadm

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/fifogo/fifo/agent/driver"
)

// Defaults of Options.
const (
	DefaultCommandTimeout = time.Minute
	DefaultCreateTimeout  = 10 * time.Minute // the original's vmadm create wait
	DefaultPollInterval   = time.Second      // the original's zonemon_interval
)

// toolPaths are where SmartOS keeps the programs the driver runs.
var toolPaths = map[string]string{
	"vmadm":   "/usr/sbin/vmadm",
	"zoneadm": "/usr/sbin/zoneadm",
	"zfs":     "/usr/sbin/zfs",
	"zpool":   "/usr/sbin/zpool",
	"imgadm":  "/usr/sbin/imgadm",
	"sysinfo": "/usr/bin/sysinfo",
	"svcs":    "/usr/bin/svcs",
}

// Options configure the driver; the zero value runs the SmartOS tools
// from their standard paths.
type Options struct {
	// Runner runs the commands. Default: an ExecRunner.
	Runner Runner
	// BinDir, when set, is where every tool is found, as BinDir/<name>
	// (tests point it at fakes). Default: the SmartOS paths
	// (/usr/sbin/vmadm, /usr/sbin/zoneadm, /usr/sbin/zfs, /usr/sbin/zpool,
	// /usr/sbin/imgadm, /usr/bin/sysinfo, /usr/bin/svcs).
	BinDir string
	// CommandTimeout bounds each command. Default DefaultCommandTimeout.
	CommandTimeout time.Duration
	// CreateTimeout bounds vmadm create and image imports. Default
	// DefaultCreateTimeout.
	CreateTimeout time.Duration
	// PollInterval is how often Watch polls VM states. Default
	// DefaultPollInterval.
	PollInterval time.Duration
	// ReservedMemoryMB is kept for the global zone and never admitted.
	ReservedMemoryMB int64
	// TempDir holds the manifests written for imgadm install. Default
	// os.TempDir().
	TempDir string
	// Clock times the polls. Default driver.SystemClock.
	Clock driver.Clock
	// Logger receives the driver's logs (failed polls). Default: discard.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Runner == nil {
		o.Runner = &ExecRunner{}
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = DefaultCommandTimeout
	}
	if o.CreateTimeout <= 0 {
		o.CreateTimeout = DefaultCreateTimeout
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	if o.Clock == nil {
		o.Clock = driver.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Validate reports every problem of the options at once.
func (o Options) Validate() error {
	var errs []error
	if o.BinDir != "" && !filepath.IsAbs(o.BinDir) {
		errs = append(errs, fmt.Errorf("bin dir %q is not absolute", o.BinDir))
	}
	if o.TempDir != "" && !filepath.IsAbs(o.TempDir) {
		errs = append(errs, fmt.Errorf("temp dir %q is not absolute", o.TempDir))
	}
	if o.ReservedMemoryMB < 0 {
		errs = append(errs, errors.New("negative reserved memory"))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("vmadm options: %w", errors.Join(errs...))
}

// path is where tool lives.
func (o Options) path(tool string) string {
	if o.BinDir != "" {
		return filepath.Join(o.BinDir, tool)
	}
	return toolPaths[tool]
}
