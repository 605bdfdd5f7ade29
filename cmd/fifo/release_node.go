package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/releases/handoff"
	"github.com/fifogo/fifo/releases/install"
)

// liveFlags tune the live upgrade of install and rollback.
type liveFlags struct {
	readyTimeout time.Duration
}

// liveSwitch returns the apply step of a switch (install.InstallWith):
// tell the operator what changed and, when a node runs from cfg's data
// dir, ask it on its control socket to upgrade itself to the new current
// release, reporting its progress. The step fails (and the switch is
// undone) when the node could not upgrade; the node then still serves
// its old version.
func liveSwitch(w io.Writer, r *install.Root, cfg config.Config, lf liveFlags) func(install.Switch) error {
	return func(sw install.Switch) error {
		if sw.Changed {
			from := sw.From
			if from == "" {
				from = "none"
			}
			fmt.Fprintf(w, "current release: %s -> %s (%s/current)\n", from, sw.To, r.Dir())
		}
		path := handoff.ControlPath(cfg.Node.DataDir)
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		st, err := handoff.Ask(path, handoff.Request{Op: handoff.OpStatus}, nil)
		if errors.Is(err, handoff.ErrNoNode) {
			noLiveNode(w, cfg, sw)
			return nil
		}
		if err != nil {
			return err
		}
		if st.Version == sw.To {
			if !sw.Changed {
				fmt.Fprintf(w, "%s is already the current release, and the node (pid %d) runs it\n", sw.To, st.PID)
			} else {
				fmt.Fprintf(w, "the node (pid %d) already runs %s\n", st.PID, sw.To)
			}
			return nil
		}
		binary := filepath.Join(r.ReleaseDir(sw.To), "bin", "fifo")
		fmt.Fprintf(w, "upgrading the running node (pid %d) from %s to %s, live:\n", st.PID, st.Version, sw.To)
		req := handoff.Request{Op: handoff.OpUpgrade, Binary: binary, Version: sw.To, ReadyTimeoutMS: lf.readyTimeout.Milliseconds()}
		ev, err := handoff.Ask(path, req, func(msg string) { fmt.Fprintf(w, "  %s\n", msg) })
		if err != nil {
			// The old process went away mid-way: ask whoever serves now.
			now, serr := handoff.Ask(path, handoff.Request{Op: handoff.OpStatus}, nil)
			if serr != nil || now.Version != sw.To {
				return fmt.Errorf("live upgrade to %s: %w", sw.To, err)
			}
			ev = now
		}
		if ev.Error != "" {
			state := fmt.Sprintf("the node (pid %d) still runs %s", ev.PID, ev.Version)
			if ev.Resumed {
				state = fmt.Sprintf("the node (pid %d) serves %s again", ev.PID, ev.Version)
			}
			current := sw.From
			if !sw.Changed || current == "" {
				return fmt.Errorf("live upgrade to %s failed: %s; %s", sw.To, ev.Error, state)
			}
			return fmt.Errorf("live upgrade to %s failed: %s; %s, and the current release is %s again", sw.To, ev.Error, state, current)
		}
		fmt.Fprintf(w, "the node runs %s now (pid %d)\n", ev.Version, ev.PID)
		return nil
	}
}

// noLiveNode tells the operator what a switch means when no node answers
// on the control socket.
func noLiveNode(w io.Writer, cfg config.Config, sw install.Switch) {
	addr, running := nodeRunning(cfg.HTTP.Addr)
	switch {
	case running:
		fmt.Fprintf(w, "a node answers at %s but not on its control socket (%s): restart it to run %s\n"+
			"(systemctl restart fifo, or svcadm restart application/fifo)\n", addr, handoff.ControlPath(cfg.Node.DataDir), sw.To)
	case !sw.Changed:
		fmt.Fprintf(w, "%s is already the current release\n", sw.To)
	case addr != "":
		fmt.Fprintf(w, "no node answers at %s: the node runs %s when it next starts\n", addr, sw.To)
	default:
		fmt.Fprintf(w, "the node runs %s when it next (re)starts\n", sw.To)
	}
}

// nodeRunning reports whether a node answers /healthz at the configured
// HTTP address, and the address it asked ("" when it cannot tell: port 0).
func nodeRunning(httpAddr string) (string, bool) {
	host, port, err := net.SplitHostPort(httpAddr)
	if err != nil || port == "0" {
		return "", false
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	addr := net.JoinHostPort(host, port)
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + addr + "/healthz")
	if err != nil {
		return addr, false
	}
	resp.Body.Close()
	return addr, resp.StatusCode == http.StatusOK
}
