package systest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/testwait"
)

// Output collects a process's output; the copying goroutine writes while
// the test reads.
type Output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

// String returns everything written so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// Proc is one run of an executable.
type Proc struct {
	Cmd            *exec.Cmd
	Stdout, Stderr *Output
	done           chan struct{}
	err            error
}

// start runs path with args and env (added to the test process's
// environment); the process is killed when the test ends, and its stderr
// logged if the test failed.
func start(t testing.TB, label, path string, env []string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Cmd: exec.Command(path, args...), Stdout: &Output{}, Stderr: &Output{}, done: make(chan struct{})}
	p.Cmd.Env = append(os.Environ(), env...)
	p.Cmd.Stdout, p.Cmd.Stderr = p.Stdout, p.Stderr
	if err := p.Cmd.Start(); err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	go func() { p.err = p.Cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("%s (pid %d) log:\n%s", label, p.Cmd.Process.Pid, tail(p.Stderr.String(), 16<<10))
		}
	})
	return p
}

// tail is the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Kill sends SIGKILL and waits for the process to end.
func (p *Proc) Kill() {
	if !p.Exited() {
		_ = p.Cmd.Process.Kill()
	}
	<-p.done
}

// Terminate sends SIGTERM and waits up to timeout for a clean exit.
func (p *Proc) Terminate(timeout time.Duration) error {
	if p.Exited() {
		return fmt.Errorf("already exited: %v", p.err)
	}
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.Kill()
		return fmt.Errorf("no exit %v after SIGTERM", timeout)
	}
}

// WaitFor polls cond every 20 ms until it holds, failing the test after
// timeout with what.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	testwait.Every(t, timeout, 20*time.Millisecond, what, cond)
}
