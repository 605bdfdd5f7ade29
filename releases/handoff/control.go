package handoff

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"
)

// ControlName is the control socket's file name in a node's data dir.
const ControlName = "control.sock"

// ControlPath returns the control socket's path for a data dir.
func ControlPath(dataDir string) string { return filepath.Join(dataDir, ControlName) }

// ErrNodeRunning means a node already answers on the control socket.
var ErrNodeRunning = errors.New("a node is already running with this data dir")

// ErrNoNode means no node answers on the control socket.
var ErrNoNode = errors.New("no node answers on the control socket")

// The control socket is how `fifo release install|rollback` ask the node
// running from a data dir to upgrade itself. It is a unix socket in the
// data dir, mode 0600 in a 0700 folder: only the node's user (or root)
// may connect, the same trust as the cookie file beside it. It does not go
// through ergo because the upgrade stops the old process's ergo node
// halfway, while the operator still needs its progress and its verdict;
// the socket is handed over with the HTTP one, so there is always a
// process behind it.
//
// A client sends one Request as a JSON line; the node answers with Event
// lines, the last one with Done set.

// Ops of a Request.
const (
	OpStatus  = "status"
	OpUpgrade = "upgrade"
)

// Request asks the node something.
type Request struct {
	Op string `json:"op"`
	// Binary is the binary to upgrade to (OpUpgrade).
	Binary string `json:"binary,omitempty"`
	// Version is the version Binary must report ("" any).
	Version string `json:"version,omitempty"`
	// ReadyTimeoutMS bounds the new binary's start once the old one has
	// released its services (0: the node's default).
	ReadyTimeoutMS int64 `json:"ready_timeout_ms,omitempty"`
}

// Event is one line of a node's answer.
type Event struct {
	// Progress is a step of an upgrade in progress.
	Progress string `json:"progress,omitempty"`
	// Done marks the last line; Error is then set if the request failed.
	Done  bool   `json:"done,omitempty"`
	Error string `json:"error,omitempty"`
	// PID and Version are the serving process's (after an upgrade: the
	// new one's, or the old one's when it failed).
	PID     int    `json:"pid,omitempty"`
	Version string `json:"version,omitempty"`
	// Resumed is set when a failed upgrade had released the old process's
	// services and it started them again.
	Resumed bool `json:"resumed,omitempty"`
}

// ControlHandler answers control requests.
type ControlHandler interface {
	// Status returns the node's pid and version.
	Status() Event
	// Upgrade runs an upgrade, reporting progress, and calls answer once
	// with its verdict (sent as the last line, Done set) before it
	// returns.
	Upgrade(ctx context.Context, req Request, progress func(string), answer func(Event))
}

// ListenControl binds the control socket at path, mode 0600. A socket
// file left by a node that died is replaced; one a node answers on is
// ErrNodeRunning.
func ListenControl(path string) (net.Listener, error) {
	if _, err := os.Lstat(path); err == nil {
		if c, err := net.DialTimeout("unix", path, 2*time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("control socket %s: %w", path, ErrNodeRunning)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("control socket %s: stale: %w", path, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return ln, nil
}

// ServeControl answers requests on ln until it is closed, one goroutine
// per connection; ctx is given to upgrades.
func ServeControl(ctx context.Context, ln net.Listener, h ControlHandler) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("control accept: %w", err)
		}
		go serveControlConn(ctx, c, h)
	}
}

// serveControlConn answers one request.
func serveControlConn(ctx context.Context, c net.Conn, h ControlHandler) {
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(io.LimitReader(c, 64<<10)).ReadBytes('\n')
	if err != nil {
		return
	}
	c.SetReadDeadline(time.Time{})
	enc := json.NewEncoder(c)
	var req Request
	if err := json.Unmarshal(line, &req); err != nil {
		enc.Encode(Event{Done: true, Error: fmt.Sprintf("bad request: %v", err)})
		return
	}
	switch req.Op {
	case OpStatus:
		ev := h.Status()
		ev.Done = true
		enc.Encode(ev)
	case OpUpgrade:
		answered := false
		h.Upgrade(ctx, req, func(msg string) { enc.Encode(Event{Progress: msg}) }, func(ev Event) {
			if !answered {
				answered = true
				ev.Done = true
				enc.Encode(ev)
			}
		})
		if !answered {
			enc.Encode(Event{Done: true, Error: "the node gave no answer"})
		}
	default:
		enc.Encode(Event{Done: true, Error: fmt.Sprintf("unknown op %q", req.Op)})
	}
}

// Ask sends req to the node whose control socket is at path and returns
// its last Event, passing progress lines to progress (may be nil). A node
// that cannot be reached is ErrNoNode; one that hangs up before its last
// line is an error too.
func Ask(path string, req Request, progress func(string)) (Event, error) {
	c, err := net.DialTimeout("unix", path, 5*time.Second)
	if err != nil {
		return Event{}, fmt.Errorf("%w (%s): %w", ErrNoNode, path, err)
	}
	defer c.Close()
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return Event{}, fmt.Errorf("control %s: %w", path, err)
	}
	dec := json.NewDecoder(c)
	for {
		var ev Event
		if err := dec.Decode(&ev); err != nil {
			return Event{}, fmt.Errorf("control %s: the node hung up before answering: %w", path, err)
		}
		if ev.Done {
			return ev, nil
		}
		if progress != nil && ev.Progress != "" {
			progress(ev.Progress)
		}
	}
}
