package handoff

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"
)

// ErrParentGone means the old process went away before it handed over.
var ErrParentGone = errors.New("handoff: the old process went away before handing over")

// Child is the new process's side of an upgrade.
type Child struct {
	sc *stepConn
}

// Inherit reads the environment Upgrade gives a child (through lookup,
// usually os.LookupEnv): the inherited sockets and the step channel. A
// process not started by Upgrade gets nil, nil, nil.
func Inherit(lookup func(string) (string, bool)) (*Sockets, *Child, error) {
	fds, okF := lookup(EnvFDs)
	conn, okC := lookup(EnvConn)
	if !okF && !okC {
		return nil, nil, nil
	}
	if !okF || !okC {
		return nil, nil, fmt.Errorf("handoff: %s and %s must be set together", EnvFDs, EnvConn)
	}
	entries, err := parseFDs(fds)
	if err != nil {
		return nil, nil, err
	}
	cfd, err := strconv.Atoi(conn)
	if err != nil || cfd < firstExtraFD {
		return nil, nil, fmt.Errorf("handoff: %s: bad descriptor %q", EnvConn, conn)
	}
	s := NewSockets()
	for _, e := range entries {
		if err := s.inherit(e.name, e.fd); err != nil {
			s.Close()
			return nil, nil, err
		}
	}
	syscall.CloseOnExec(cfd)
	f := os.NewFile(uintptr(cfd), "handoff")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		s.Close()
		return nil, nil, fmt.Errorf("handoff: step channel (descriptor %d): %w", cfd, err)
	}
	return s, &Child{sc: newStepConn(c)}, nil
}

// Await tells the parent that this process is set up (its pid and
// version) and waits for it to release its services. ctx ending gives up
// (the parent then aborts the upgrade); so does the parent's exit
// (ErrParentGone).
func (c *Child) Await(ctx context.Context, version string) error {
	if err := c.sc.send(step{Step: stepWaiting, PID: os.Getpid(), Version: version}); err != nil {
		return err
	}
	got := make(chan error, 1)
	go func() {
		st, err := c.sc.recv()
		switch {
		case err != nil:
			got <- fmt.Errorf("%w: %v", ErrParentGone, err)
		case st.Step != stepGo:
			got <- fmt.Errorf("handoff: expected go, got %q", st.Step)
		default:
			got <- nil
		}
	}()
	select {
	case err := <-got:
		return err
	case <-ctx.Done():
		c.sc.c.Close()
		return fmt.Errorf("handoff: waiting for the old process: %w", ctx.Err())
	}
}

// Ready tells the parent that this process serves, and closes the
// channel.
func (c *Child) Ready() error {
	defer c.sc.c.Close()
	return c.sc.send(step{Step: stepReady, PID: os.Getpid()})
}

// Fail tells the parent why this process cannot take over (best effort)
// and closes the channel.
func (c *Child) Fail(err error) {
	_ = c.sc.send(step{Step: stepFailed, PID: os.Getpid(), Error: err.Error()})
	c.sc.c.Close()
}
