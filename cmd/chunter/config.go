package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	fifoconfig "github.com/fifogo/fifo/internal/config"
)

// config is the agent's configuration: defaults, overridden by FIFO_*
// environment variables, overridden by flags.
type config struct {
	Driver     string        // --driver, FIFO_CHUNTER_DRIVER: sim or vmadm
	Join       []string      // --join, FIFO_JOIN (comma-separated): control nodes, in order of preference
	DataDir    string        // --data-dir, FIFO_DATA_DIR
	NodeName   string        // --node-name, FIFO_NODE_NAME
	DistHost   string        // --dist-host, FIFO_DIST_HOST
	DistPort   int           // --dist-port, FIFO_DIST_PORT
	EPMDPort   int           // --epmd-port, FIFO_EPMD_PORT
	DistRoutes []string      // --dist-routes, FIFO_DIST_ROUTES (comma-separated): name=host:port routes ahead of the registrar
	CookieFile string        // --cookie-file, FIFO_COOKIE_FILE
	LogLevel   string        // --log-level, FIFO_LOG_LEVEL
	LogFormat  string        // --log-format, FIFO_LOG_FORMAT
	Heartbeat  time.Duration // --heartbeat, FIFO_CHUNTER_HEARTBEAT
	Resync     time.Duration // --resync, FIFO_CHUNTER_RESYNC
	ReservedMB int64         // --reserved-mb, FIFO_CHUNTER_RESERVED_MB
	Shutdown   time.Duration // --shutdown-timeout, FIFO_SHUTDOWN_TIMEOUT

	SimMemoryMB int64    // --sim-memory-mb, FIFO_SIM_MEMORY_MB
	SimCPUs     int      // --sim-cpus, FIFO_SIM_CPUS
	SimNICTags  []string // --sim-nic-tags, FIFO_SIM_NIC_TAGS
	SimHostname string   // --sim-hostname, FIFO_SIM_HOSTNAME
	// SimState is the simulated host's state file (--sim-state,
	// FIFO_SIM_STATE): "" for <data-dir>/sim-host.json, "none" for a host
	// in memory only.
	SimState       string
	SimCreateDelay time.Duration // --sim-create-delay, FIFO_SIM_CREATE_DELAY
	SimBootDelay   time.Duration // --sim-boot-delay, FIFO_SIM_BOOT_DELAY

	VmadmBinDir string // --vmadm-bin-dir, FIFO_VMADM_BIN_DIR

	// ReleasesDir is the agent's releases folder (--releases-dir,
	// FIFO_CHUNTER_RELEASES_DIR): "" for "releases" beside the data dir.
	ReleasesDir  string
	UpgradeTrial time.Duration // --upgrade-trial, FIFO_CHUNTER_UPGRADE_TRIAL
}

// defaultConfig is the configuration before environment and flags.
func defaultConfig() config {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	drv := "sim"
	if runtime.GOOS == "illumos" || runtime.GOOS == "solaris" {
		drv = "vmadm"
	}
	return config{
		Driver:      drv,
		DataDir:     "./data",
		NodeName:    "chunter@" + host,
		DistPort:    4371,
		EPMDPort:    4369,
		LogLevel:    "info",
		LogFormat:   "text",
		Heartbeat:   10 * time.Second,
		Resync:      5 * time.Minute,
		Shutdown:    10 * time.Second,
		SimMemoryMB: 64 << 10,
		SimCPUs:     8,
		SimNICTags:  []string{"admin", "external"},
		SimHostname: host,

		UpgradeTrial: 2 * time.Minute,
	}
}

// envVar binds one setting to its environment variable.
type envVar struct {
	name string
	set  func(string) error
}

// envVars lists the environment variables of c.
func (c *config) envVars() []envVar {
	str := func(dst *string) func(string) error { return func(s string) error { *dst = s; return nil } }
	list := func(dst *[]string) func(string) error {
		return func(s string) error { *dst = splitList(s); return nil }
	}
	num := func(dst *int) func(string) error {
		return func(s string) error {
			v, err := strconv.Atoi(s)
			*dst = v
			return err
		}
	}
	num64 := func(dst *int64) func(string) error {
		return func(s string) error {
			v, err := strconv.ParseInt(s, 10, 64)
			*dst = v
			return err
		}
	}
	dur := func(dst *time.Duration) func(string) error {
		return func(s string) error {
			v, err := time.ParseDuration(s)
			*dst = v
			return err
		}
	}
	return []envVar{
		{"FIFO_CHUNTER_DRIVER", str(&c.Driver)},
		{"FIFO_JOIN", list(&c.Join)},
		{"FIFO_DATA_DIR", str(&c.DataDir)},
		{"FIFO_NODE_NAME", str(&c.NodeName)},
		{"FIFO_DIST_HOST", str(&c.DistHost)},
		{"FIFO_DIST_PORT", num(&c.DistPort)},
		{"FIFO_EPMD_PORT", num(&c.EPMDPort)},
		{"FIFO_DIST_ROUTES", list(&c.DistRoutes)},
		{"FIFO_COOKIE_FILE", str(&c.CookieFile)},
		{"FIFO_LOG_LEVEL", str(&c.LogLevel)},
		{"FIFO_LOG_FORMAT", str(&c.LogFormat)},
		{"FIFO_CHUNTER_HEARTBEAT", dur(&c.Heartbeat)},
		{"FIFO_CHUNTER_RESYNC", dur(&c.Resync)},
		{"FIFO_CHUNTER_RESERVED_MB", num64(&c.ReservedMB)},
		{"FIFO_SHUTDOWN_TIMEOUT", dur(&c.Shutdown)},
		{"FIFO_SIM_MEMORY_MB", num64(&c.SimMemoryMB)},
		{"FIFO_SIM_CPUS", num(&c.SimCPUs)},
		{"FIFO_SIM_NIC_TAGS", list(&c.SimNICTags)},
		{"FIFO_SIM_HOSTNAME", str(&c.SimHostname)},
		{"FIFO_SIM_STATE", str(&c.SimState)},
		{"FIFO_SIM_CREATE_DELAY", dur(&c.SimCreateDelay)},
		{"FIFO_SIM_BOOT_DELAY", dur(&c.SimBootDelay)},
		{"FIFO_VMADM_BIN_DIR", str(&c.VmadmBinDir)},
		{"FIFO_CHUNTER_RELEASES_DIR", str(&c.ReleasesDir)},
		{"FIFO_CHUNTER_UPGRADE_TRIAL", dur(&c.UpgradeTrial)},
	}
}

// applyEnv overlays the environment variables that lookup reports; one
// that is set but empty counts as unset.
func (c *config) applyEnv(lookup func(string) (string, bool)) error {
	for _, v := range c.envVars() {
		s, ok := lookup(v.name)
		if !ok || s == "" {
			continue
		}
		if err := v.set(s); err != nil {
			return fmt.Errorf("env %s=%q: %w", v.name, s, err)
		}
	}
	return nil
}

// bindFlags defines the flags of c, each defaulting to c's current value
// (defaults overlaid by the environment), so a flag given wins.
func (c *config) bindFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&c.Driver, "driver", c.Driver, "hypervisor driver: vmadm (SmartOS) or sim (simulated host) [FIFO_CHUNTER_DRIVER]")
	fs.StringSliceVar(&c.Join, "join", c.Join, "control node(s) to register with, in order of preference (repeat or comma-separate) [FIFO_JOIN]")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory of the hypervisor uuid (host_id) and the cookie [FIFO_DATA_DIR]")
	fs.StringVar(&c.NodeName, "node-name", c.NodeName, "ergo node name, name@host [FIFO_NODE_NAME]")
	fs.StringVar(&c.DistHost, "dist-host", c.DistHost, "interface the distribution listens on (default: the node name's host) [FIFO_DIST_HOST]")
	fs.IntVar(&c.DistPort, "dist-port", c.DistPort, "distribution port [FIFO_DIST_PORT]")
	fs.IntVar(&c.EPMDPort, "epmd-port", c.EPMDPort, "port of the node registrar (EPMD) on this host and the control nodes' [FIFO_EPMD_PORT]")
	fs.StringSliceVar(&c.DistRoutes, "dist-routes", c.DistRoutes, "static routes name=host:port to peer nodes, used instead of the registrar (repeat or comma-separate) [FIFO_DIST_ROUTES]")
	fs.StringVar(&c.CookieFile, "cookie-file", c.CookieFile, "file holding the cluster cookie, mode 0600 (default <data-dir>/cookie, created if missing) [FIFO_COOKIE_FILE]")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error [FIFO_LOG_LEVEL]")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json [FIFO_LOG_FORMAT]")
	fs.DurationVar(&c.Heartbeat, "heartbeat", c.Heartbeat, "heartbeat period [FIFO_CHUNTER_HEARTBEAT]")
	fs.DurationVar(&c.Resync, "resync", c.Resync, "period of the full VM list sent to the control node [FIFO_CHUNTER_RESYNC]")
	fs.Int64Var(&c.ReservedMB, "reserved-mb", c.ReservedMB, "memory kept for the global zone, never given to VMs [FIFO_CHUNTER_RESERVED_MB]")
	fs.DurationVar(&c.Shutdown, "shutdown-timeout", c.Shutdown, "bound of a graceful stop [FIFO_SHUTDOWN_TIMEOUT]")
	fs.Int64Var(&c.SimMemoryMB, "sim-memory-mb", c.SimMemoryMB, "sim: the host's memory [FIFO_SIM_MEMORY_MB]")
	fs.IntVar(&c.SimCPUs, "sim-cpus", c.SimCPUs, "sim: the host's CPU cores [FIFO_SIM_CPUS]")
	fs.StringSliceVar(&c.SimNICTags, "sim-nic-tags", c.SimNICTags, "sim: the host's NIC tags [FIFO_SIM_NIC_TAGS]")
	fs.StringVar(&c.SimHostname, "sim-hostname", c.SimHostname, "sim: the host's name [FIFO_SIM_HOSTNAME]")
	fs.StringVar(&c.SimState, "sim-state", c.SimState, "sim: file keeping the simulated host's VMs and images across restarts (default <data-dir>/"+simStateFile+"; \"none\": in memory only) [FIFO_SIM_STATE]")
	fs.DurationVar(&c.SimCreateDelay, "sim-create-delay", c.SimCreateDelay, "sim: how long a VM stays provisioning [FIFO_SIM_CREATE_DELAY]")
	fs.DurationVar(&c.SimBootDelay, "sim-boot-delay", c.SimBootDelay, "sim: how long a VM stays booting [FIFO_SIM_BOOT_DELAY]")
	fs.StringVar(&c.ReleasesDir, "releases-dir", c.ReleasesDir, "folder of the agent binaries the control plane pushes: <version>/bin/chunter, current (default \"releases\" beside the data dir) [FIFO_CHUNTER_RELEASES_DIR]")
	fs.DurationVar(&c.UpgradeTrial, "upgrade-trial", c.UpgradeTrial, "how long a pushed binary may take to register before the agent returns to the old one [FIFO_CHUNTER_UPGRADE_TRIAL]")
	fs.StringVar(&c.VmadmBinDir, "vmadm-bin-dir", c.VmadmBinDir, "vmadm: directory of vmadm, zfs, … (default: the SmartOS paths) [FIFO_VMADM_BIN_DIR]")
}

// validate reports every problem of c at once.
func (c config) validate() error {
	var errs []error
	if c.Driver != "sim" && c.Driver != "vmadm" {
		errs = append(errs, fmt.Errorf("driver %q: want sim or vmadm", c.Driver))
	}
	if len(c.Join) == 0 {
		errs = append(errs, errors.New("no control node to join (--join or FIFO_JOIN)"))
	}
	for _, n := range append([]string{c.NodeName}, c.Join...) {
		if short, host, ok := strings.Cut(n, "@"); !ok || short == "" || host == "" || strings.Contains(host, "@") {
			errs = append(errs, fmt.Errorf("node name %q: want name@host", n))
		}
	}
	if _, err := c.routes(); err != nil {
		errs = append(errs, err)
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("empty data dir"))
	}
	for name, p := range map[string]int{"dist port": c.DistPort, "epmd port": c.EPMDPort} {
		if p < 1 || p > 65535 {
			errs = append(errs, fmt.Errorf("%s %d: want 1..65535", name, p))
		}
	}
	if c.DistPort == c.EPMDPort {
		errs = append(errs, fmt.Errorf("dist port and epmd port are both %d", c.DistPort))
	}
	if c.Heartbeat <= 0 || c.Shutdown <= 0 || c.Resync <= 0 {
		errs = append(errs, errors.New("heartbeat, resync and shutdown timeout must be positive"))
	}
	if c.ReservedMB < 0 || c.SimMemoryMB <= 0 || c.SimCPUs <= 0 {
		errs = append(errs, errors.New("sim memory and cpus must be positive, reserved memory not negative"))
	}
	if c.UpgradeTrial <= 0 {
		errs = append(errs, errors.New("upgrade trial must be positive"))
	}
	if c.SimCreateDelay < 0 || c.SimBootDelay < 0 {
		errs = append(errs, errors.New("sim delays must not be negative"))
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}

// routes parses and checks DistRoutes into the runtime's form.
func (c config) routes() (map[string]string, error) {
	var rs []fifoconfig.Route
	for _, s := range c.DistRoutes {
		r, err := fifoconfig.ParseRoute(s)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	if err := fifoconfig.CheckRoutes(rs); err != nil {
		return nil, err
	}
	return fifoconfig.RouteMap(rs), nil
}

// simStateFile is the simulated host's state file in the data dir.
const simStateFile = "sim-host.json"

// simStatePath is the simulated host's state file: "" when it lives in
// memory only (--sim-state none).
func (c config) simStatePath() string {
	switch c.SimState {
	case "":
		return filepath.Join(c.DataDir, simStateFile)
	case "none":
		return ""
	}
	return c.SimState
}

// releasesDir is the agent's releases folder: --releases-dir, else
// "releases" beside the data dir (/opt/chunter/releases for
// /opt/chunter/data, where the SMF manifest runs current/bin/chunter).
func (c config) releasesDir() string {
	if c.ReleasesDir != "" {
		return c.ReleasesDir
	}
	return filepath.Join(filepath.Dir(filepath.Clean(c.DataDir)), "releases")
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
