package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/fifogo/fifo/actors/console"
	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/runtime"
)

// consoleFlags are the flags of attach and admin: where the node is and
// how to authenticate to it.
type consoleFlags struct {
	configPath string
	dataDir    string
	cookieFile string
	node       string
	host       string
	port       int
	epmdPort   int
	timeout    time.Duration
	verbose    bool
}

// register adds the flags to fs.
func (f *consoleFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.configPath, "config", "c", "", "the node's TOML configuration (node name, ports, data dir)")
	fs.StringVar(&f.dataDir, "data-dir", "", "the node's data directory, which holds its cookie (default: from the configuration)")
	fs.StringVar(&f.cookieFile, "cookie-file", "", "read the cookie from this file (default <data-dir>/cookie; FIFO_COOKIE gives it directly)")
	fs.StringVar(&f.host, "host", "", "host of the node's distribution port (default: the configuration's dist.listen_host, or the node name's host)")
	fs.IntVar(&f.port, "port", 0, "the node's distribution port (default: the configuration's for its own node; otherwise ask EPMD)")
	fs.IntVar(&f.epmdPort, "epmd-port", 0, "EPMD port used when the distribution port is not known (default: the configuration's)")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "how long one command may take (a trace gets its duration on top)")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "log the client node's connection details to stderr")
}

// target is where and how to reach a node's console.
type target struct {
	opts   console.DialOptions
	cookie string // where the cookie came from, for error messages
}

// resolve works out the node's address and cookie from the flags, the
// configuration and the environment. Its errors are usage errors.
func (f *consoleFlags) resolve(node string, env func(string) (string, bool)) (target, error) {
	cfg, err := config.Load(f.configPath, env)
	if err != nil {
		return target{}, usageError{err}
	}
	if f.dataDir != "" {
		cfg.Node.DataDir = f.dataDir
	}
	if node == "" {
		node = f.node
	}
	if node == "" {
		node = cfg.Node.Name
	}
	if short, host, ok := strings.Cut(node, "@"); !ok || short == "" || host == "" {
		return target{}, usageError{fmt.Errorf("node name %q: want short@host", node)}
	}
	var t target
	t.opts.Node = node
	t.opts.Host = f.host
	port := f.port
	if port == 0 && node == cfg.Node.Name {
		port = cfg.Dist.ListenPort
		if t.opts.Host == "" && !unspecified(cfg.Dist.ListenHost) {
			t.opts.Host = cfg.Dist.ListenHost
		}
	}
	epmd := f.epmdPort
	if epmd == 0 {
		epmd = cfg.Dist.EPMDPort
	}
	if port < 0 || port > 65535 || epmd < 0 || epmd > 65535 {
		return target{}, usageError{fmt.Errorf("ports must be 1..65535")}
	}
	t.opts.Port, t.opts.EPMDPort = uint16(port), uint16(epmd)
	t.opts.Cookie, t.cookie, err = f.readCookie(cfg, env)
	if err != nil {
		return target{}, usageError{err}
	}
	return t, nil
}

// unspecified reports a listen host that names no single interface.
func unspecified(host string) bool {
	ip := net.ParseIP(host)
	return host == "" || (ip != nil && ip.IsUnspecified())
}

// readCookie finds the cookie: --cookie-file, then FIFO_COOKIE, then the
// data dir's cookie file. It returns the cookie and where it came from.
func (f *consoleFlags) readCookie(cfg config.Config, env func(string) (string, bool)) (string, string, error) {
	path := f.cookieFile
	if path == "" {
		if c, ok := env("FIFO_COOKIE"); ok && strings.TrimSpace(c) != "" {
			return strings.TrimSpace(c), "FIFO_COOKIE", nil
		}
		path = filepath.Join(cfg.Node.DataDir, runtime.CookieFile)
	}
	c, err := runtime.ReadCookie(path)
	if err != nil {
		return "", "", fmt.Errorf("cannot read the cluster cookie: %w (give the node's --data-dir or --config, --cookie-file, or FIFO_COOKIE)", err)
	}
	return c, path, nil
}

// where describes the node's address for messages.
func (t target) where() string {
	if t.opts.Port == 0 {
		return fmt.Sprintf("%s (through EPMD port %d)", t.opts.Node, t.opts.EPMDPort)
	}
	host := t.opts.Host
	if host == "" {
		_, host, _ = strings.Cut(t.opts.Node, "@")
	}
	return fmt.Sprintf("%s at %s", t.opts.Node, net.JoinHostPort(host, strconv.Itoa(int(t.opts.Port))))
}

// dial connects to the node's console. Every failure is a usage error
// (exit 2) with one clear line.
func (f *consoleFlags) dial(ctx context.Context, t target, stderr io.Writer) (*console.Client, error) {
	logger := slog.New(slog.DiscardHandler)
	if f.verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	t.opts.Logger = logger
	// ergo writes its warnings (a refused handshake, say) through the
	// standard logger: they go to our logger, not to the terminal.
	restore := runtime.BridgeLogs(logger, nil)
	c, err := console.Dial(ctx, t.opts)
	if err != nil {
		restore()
		switch {
		case errors.Is(err, runtime.ErrHandshake):
			return nil, usageError{fmt.Errorf("cannot connect to %s: cookie rejected (check %s)", t.opts.Node, t.cookie)}
		case errors.Is(err, runtime.ErrUnreachable):
			return nil, usageError{fmt.Errorf("cannot connect to %s: not running or not reachable", t.where())}
		}
		return nil, usageError{fmt.Errorf("cannot connect to %s: %w", t.where(), err)}
	}
	return c, nil
}

// runOne runs one command with the flags' timeout.
func (f *consoleFlags) runOne(ctx context.Context, c runner, args []string, json bool) (console.Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout+console.TraceDuration(args))
	defer cancel()
	return c.Run(ctx, args, json)
}
