package releases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/version"
	"github.com/fifogo/fifo/releases/handoff"
)

// node is a running node between its stacks: its sockets, its control
// socket and the live upgrades asked on it.
type node struct {
	cfg    config.Config
	log    *slog.Logger
	hooks  Hooks
	rel    Release
	socks  *handoff.Sockets
	cookie string
	// upgrades hands upgrade requests to Run's loop, which takes one when
	// it is idle.
	upgrades chan upgradeRequest
	// control is the control socket's path ("" without one).
	control string
}

// upgradeRequest is one upgrade asked on the control socket.
type upgradeRequest struct {
	req      handoff.Request
	progress func(string)
	answer   func(handoff.Event)
	done     chan struct{} // closed once answered
}

// maxControlPath is the longest control socket path a node binds (unix
// socket paths are limited to 104–108 bytes, depending on the system).
const maxControlPath = 100

// bindControl binds the control socket in the data dir, or takes the
// inherited one. A node whose data dir path is too long runs without one
// (and cannot be upgraded live); a node already running there is a
// ConfigError.
func (n *node) bindControl() error {
	path := handoff.ControlPath(n.cfg.Node.DataDir)
	if n.socks.Has(sockControl) {
		n.control = path
		return nil
	}
	if len(path) > maxControlPath {
		n.log.Warn("no control socket: data dir path too long; live upgrades are not possible", "path", path)
		return nil
	}
	ln, err := handoff.ListenControl(path)
	if errors.Is(err, handoff.ErrNodeRunning) {
		return &ConfigError{err}
	}
	if err != nil {
		return err
	}
	if err := n.socks.Add(sockControl, ln); err != nil {
		os.Remove(path)
		return err
	}
	n.control = path
	return nil
}

// serveControl answers the control socket on a duplicate of it until the
// returned function is called.
func (n *node) serveControl(ctx context.Context) (stop func()) {
	if n.control == "" {
		return func() {}
	}
	ln, err := n.socks.Listener(sockControl)
	if err != nil {
		n.log.Warn("control socket", "err", err)
		return func() {}
	}
	go func() {
		if err := handoff.ServeControl(ctx, ln, n); err != nil {
			n.log.Warn("control socket", "err", err)
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { ln.Close() }) }
}

// start starts a stack.
func (n *node) start(ctx context.Context, takeover bool) (*stack, error) {
	return startStack(ctx, n.cfg, n.log, n.hooks, n.rel, n.socks, n.cookie, takeover)
}

// announce tells service managers who serves: the pid file, and systemd
// (with the new main pid after a take-over).
func (n *node) announce(tookOver bool) {
	pid := os.Getpid()
	if err := handoff.WritePIDFile(handoff.PIDFilePath(n.cfg.Node.DataDir), pid); err != nil {
		n.log.Warn("pid file", "err", err)
	}
	state := "READY=1"
	if tookOver {
		state = "MAINPID=" + strconv.Itoa(pid) + "\n" + state
	}
	if err := handoff.Notify(n.hooks.NotifySocket, state); err != nil {
		n.log.Warn("systemd notification", "err", err)
	}
}

// retire undoes announce and removes the control socket when the node
// stops for good (not when it hands over).
func (n *node) retire() {
	_ = handoff.Notify(n.hooks.NotifySocket, "STOPPING=1")
	if err := handoff.RemovePIDFile(handoff.PIDFilePath(n.cfg.Node.DataDir), os.Getpid()); err != nil {
		n.log.Warn("pid file", "err", err)
	}
	if n.control != "" {
		os.Remove(n.control)
	}
}

// Status implements handoff.ControlHandler.
func (n *node) Status() handoff.Event {
	return handoff.Event{PID: os.Getpid(), Version: version.Get().Version}
}

// Upgrade implements handoff.ControlHandler: it hands the request to Run's
// loop, unless an upgrade is already running.
func (n *node) Upgrade(ctx context.Context, req handoff.Request, progress func(string), answer func(handoff.Event)) {
	if len(n.hooks.Relaunch.Args) == 0 {
		answer(handoff.Event{Error: "this node was not started by `fifo start` and cannot upgrade itself", PID: os.Getpid(),
			Version: version.Get().Version})
		return
	}
	r := upgradeRequest{req: req, progress: progress, answer: answer, done: make(chan struct{})}
	select {
	case n.upgrades <- r:
	default:
		answer(handoff.Event{Error: "an upgrade is already in progress", PID: os.Getpid(), Version: version.Get().Version})
		return
	}
	select {
	case <-r.done:
	case <-ctx.Done():
	}
}

// upgrade runs a live upgrade from Run's loop. done: the new process
// serves and Run returns. Otherwise next is the stack that serves now (st
// itself if it was never released, a new one if it was; nil if it could
// not be started again).
func (n *node) upgrade(ctx context.Context, st *stack, r upgradeRequest, stopControl func()) (next *stack, done bool) {
	defer close(r.done)
	me := handoff.Event{PID: os.Getpid(), Version: version.Get().Version}
	n.log.Info("upgrade: starting", "binary", r.req.Binary, "version", r.req.Version)
	rl := n.hooks.Relaunch
	plan := handoff.Plan{
		Binary: r.req.Binary, Args: rl.Args, Env: rl.Env, Dir: rl.Dir, Stdout: rl.Stdout, Stderr: rl.Stderr,
		Sockets: n.socks, Version: r.req.Version, ReadyTimeout: time.Duration(r.req.ReadyTimeoutMS) * time.Millisecond,
		Release: func(context.Context) error {
			n.log.Info("upgrade: releasing services to the new process")
			return st.stop(true)
		},
		Progress: func(msg string) {
			n.log.Info("upgrade: " + msg)
			r.progress(msg)
		},
	}
	out, err := handoff.Upgrade(ctx, plan)
	if err == nil {
		stopControl()
		n.log.Info("upgrade: done; exiting", "new_pid", out.PID, "new_version", out.Version)
		r.answer(handoff.Event{PID: out.PID, Version: out.Version})
		return nil, true
	}
	n.log.Error("upgrade failed", "err", err)
	if !out.Released {
		me.Error = err.Error()
		r.answer(me)
		return st, false
	}
	r.progress("upgrade failed; this node starts its services again")
	next, rerr := n.start(ctx, true)
	if rerr != nil {
		n.log.Error("upgrade: could not start the services again", "err", rerr)
		me.Error = fmt.Sprintf("%v; and this node could not start its services again: %v", err, rerr)
		r.answer(me)
		return nil, false
	}
	// The new process may have announced itself before it was killed.
	n.announce(true)
	me.Error, me.Resumed = err.Error(), true
	r.answer(me)
	return next, false
}
