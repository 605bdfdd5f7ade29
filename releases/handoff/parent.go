package handoff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// ErrAborted marks an upgrade that did not happen; the old process keeps
// (or resumes) serving.
var ErrAborted = errors.New("upgrade aborted")

// Plan is one upgrade, run by the old process.
type Plan struct {
	// Binary is the new binary; Args its arguments (the old process's own,
	// so that it runs the same command with the same configuration).
	Binary string
	Args   []string
	// Env is the child's environment before the hand-off variables are
	// added (those of an earlier hand-off are removed); Dir its working
	// directory ("" the current one).
	Env []string
	Dir string
	// Stdout and Stderr receive the child's output (nil: discarded).
	Stdout, Stderr io.Writer
	// Sockets are handed to the child.
	Sockets *Sockets
	// Version is the version the child must report; "" accepts any.
	Version string
	// StartTimeout bounds the child's set-up, until it waits for go.
	// Default 30s.
	StartTimeout time.Duration
	// ReadyTimeout bounds the child's start once it may go, until it
	// serves. Default 60s.
	ReadyTimeout time.Duration
	// Release stops the old process's services without closing the
	// sockets (drain HTTP, stop the applications and the node, close the
	// store). Required.
	Release func(ctx context.Context) error
	// Progress receives one line per step (optional).
	Progress func(msg string)
}

// withDefaults fills the zero fields.
func (p Plan) withDefaults() Plan {
	if p.StartTimeout == 0 {
		p.StartTimeout = 30 * time.Second
	}
	if p.ReadyTimeout == 0 {
		p.ReadyTimeout = 60 * time.Second
	}
	if p.Progress == nil {
		p.Progress = func(string) {}
	}
	return p
}

// Outcome is what Upgrade did.
type Outcome struct {
	// PID and Version are the child's, as it reported them.
	PID     int
	Version string
	// Released is set once Release was called: after a failed upgrade the
	// caller must start its services again.
	Released bool
	// Exited is closed when the child exits (nil if it never started).
	Exited <-chan struct{}
}

// child is a started child: its process, its step channel and its exit.
type child struct {
	cmd    *exec.Cmd
	sc     *stepConn
	steps  chan stepOrErr
	exited chan struct{}
	err    error // the exit status, once exited is closed
}

type stepOrErr struct {
	st  step
	err error
}

// Upgrade runs the hand-off of the package comment. On success the caller
// should answer its client and exit; on failure (ErrAborted) the child is
// gone and, if Outcome.Released, the caller must start its services again.
func Upgrade(ctx context.Context, p Plan) (Outcome, error) {
	p = p.withDefaults()
	if p.Release == nil || p.Sockets == nil {
		return Outcome{}, fmt.Errorf("%w: the plan has no Release or no Sockets", ErrAborted)
	}
	p.Progress(fmt.Sprintf("starting %s", p.Binary))
	c, err := startChild(p)
	if err != nil {
		return Outcome{}, fmt.Errorf("%w: start %s: %w", ErrAborted, p.Binary, err)
	}
	out := Outcome{Exited: c.exited}
	defer c.sc.c.Close()

	st, err := c.await(ctx, stepWaiting, p.StartTimeout)
	if err == nil && p.Version != "" && st.Version != p.Version {
		err = fmt.Errorf("it is version %s, not %s", st.Version, p.Version)
	}
	if err != nil {
		c.kill()
		return out, fmt.Errorf("%w: new process (%s): %w", ErrAborted, p.Binary, err)
	}
	out.PID, out.Version = st.PID, st.Version
	p.Progress(fmt.Sprintf("new process %d (version %s) is set up; stopping this node's services (pid %d)", st.PID, st.Version, os.Getpid()))

	out.Released = true
	if err := p.Release(ctx); err != nil {
		c.kill()
		return out, fmt.Errorf("%w: releasing this node's services: %w", ErrAborted, err)
	}
	p.Progress(fmt.Sprintf("services released; new process %d takes over", st.PID))
	if err := c.sc.send(step{Step: stepGo}); err != nil {
		c.kill()
		return out, fmt.Errorf("%w: %w", ErrAborted, err)
	}
	if _, err := c.await(ctx, stepReady, p.ReadyTimeout); err != nil {
		c.kill()
		return out, fmt.Errorf("%w: new process %d did not take over: %w", ErrAborted, st.PID, err)
	}
	p.Progress(fmt.Sprintf("new process %d serves", st.PID))
	return out, nil
}

// startChild starts the binary with the sockets and a step channel.
func startChild(p Plan) (*child, error) {
	mine, theirs, err := socketPair()
	if err != nil {
		return nil, err
	}
	defer theirs.Close()
	files, entries := p.Sockets.extraFiles()
	cmd := exec.Command(p.Binary, p.Args...)
	cmd.Env = childEnv(p.Env, entries, firstExtraFD+len(files))
	cmd.Dir = p.Dir
	cmd.Stdout, cmd.Stderr = p.Stdout, p.Stderr
	cmd.ExtraFiles = append(files, theirs)
	if err := cmd.Start(); err != nil {
		mine.Close()
		return nil, err
	}
	c := &child{cmd: cmd, sc: newStepConn(mine), steps: make(chan stepOrErr, 4), exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	go func() {
		for {
			st, err := c.sc.recv()
			c.steps <- stepOrErr{st, err}
			if err != nil {
				return
			}
		}
	}()
	return c, nil
}

// await waits for the child's next step, which must be want.
func (c *child) await(ctx context.Context, want string, timeout time.Duration) (step, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case s := <-c.steps:
		switch {
		case s.err != nil:
			// The channel closes when the child exits; report its status.
			select {
			case <-c.exited:
				return step{}, fmt.Errorf("it exited (%v)", c.err)
			case <-timer.C:
				return step{}, fmt.Errorf("its step channel closed: %w", s.err)
			}
		case s.st.Step == stepFailed:
			return step{}, errors.New(s.st.Error)
		case s.st.Step != want:
			return step{}, fmt.Errorf("it said %q, expected %q", s.st.Step, want)
		}
		return s.st, nil
	case <-c.exited:
		return step{}, fmt.Errorf("it exited (%v)", c.err)
	case <-timer.C:
		return step{}, fmt.Errorf("it did not report %s within %v", want, timeout)
	case <-ctx.Done():
		return step{}, ctx.Err()
	}
}

// kill kills the child and waits for its exit, so that whatever it held
// (the store's lock) is free again.
func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	<-c.exited
}

// socketPair returns two connected unix stream sockets, close-on-exec.
func socketPair() (mine net.Conn, theirs *os.File, err error) {
	syscall.ForkLock.RLock()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fds[0])
		syscall.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, nil, fmt.Errorf("handoff: socketpair: %w", err)
	}
	f := os.NewFile(uintptr(fds[0]), "handoff-parent")
	mine, err = net.FileConn(f)
	f.Close()
	if err != nil {
		syscall.Close(fds[1])
		return nil, nil, fmt.Errorf("handoff: socketpair: %w", err)
	}
	return mine, os.NewFile(uintptr(fds[1]), "handoff-child"), nil
}
