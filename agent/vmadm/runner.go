package vmadm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/fifogo/fifo/agent/driver"
)

// Runner runs one command. Implementations must not use a shell.
type Runner interface {
	// Run runs c until it exits or ctx is done (then the process is
	// killed and ctx's error returned, wrapped). A command that ran and
	// exited non-zero is not an error of Run: its code is in the Result.
	Run(ctx context.Context, c Command) (Result, error)
}

// Command is a program, its arguments and its standard input.
type Command struct {
	Path  string
	Args  []string
	Stdin []byte
}

// Result is how a command ended.
type Result struct {
	Stdout   []byte
	Stderr   []byte
	ExitCode int
}

// Defaults of ExecRunner.
const (
	DefaultMaxStdout = 64 << 20
	DefaultMaxStderr = 64 << 10
)

// ExecRunner runs commands as processes (os/exec, no shell).
type ExecRunner struct {
	// Env is added to the process's environment (after LC_ALL=C, which
	// keeps the tools' messages in English).
	Env []string
	// MaxStdout bounds the stdout kept; more fails the command. Default
	// DefaultMaxStdout (64 MiB).
	MaxStdout int
	// MaxStderr bounds the stderr kept; more is dropped. Default
	// DefaultMaxStderr (64 KiB).
	MaxStderr int
}

// errTooMuchOutput ends a command that writes more than MaxStdout.
var errTooMuchOutput = errors.New("vmadm: command output too large")

// Run implements Runner.
func (r *ExecRunner) Run(ctx context.Context, c Command) (Result, error) {
	maxOut, maxErr := r.MaxStdout, r.MaxStderr
	if maxOut <= 0 {
		maxOut = DefaultMaxStdout
	}
	if maxErr <= 0 {
		maxErr = DefaultMaxStderr
	}
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Env = append(append(os.Environ(), "LC_ALL=C"), r.Env...)
	cmd.Stdin = bytes.NewReader(c.Stdin)
	stdout := &capped{max: maxOut, fail: true}
	stderr := &capped{max: maxErr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = 5 * time.Second // do not wait forever for pipes a killed child's children hold
	err := cmd.Run()
	res := Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if ctx.Err() != nil {
		return res, fmt.Errorf("%s: %w", c.Path, ctx.Err())
	}
	var exit *exec.ExitError
	switch {
	case stdout.over:
		return res, fmt.Errorf("%s: %w", c.Path, errTooMuchOutput)
	case err == nil:
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode() // -1 when killed by a signal
	default:
		return res, fmt.Errorf("%s: %w", c.Path, err)
	}
	return res, nil
}

// capped is a buffer that keeps at most max bytes; with fail, more is an
// error that stops the writer. It has only Write (no ReadFrom, which
// io.Copy would use instead), so the cap holds.
type capped struct {
	buf  bytes.Buffer
	max  int
	fail bool
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	if len(p) > room {
		c.over = true
		c.buf.Write(p[:max(room, 0)])
		if c.fail {
			return 0, errTooMuchOutput
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}

// Bytes returns what was kept.
func (c *capped) Bytes() []byte { return c.buf.Bytes() }

// CommandError is a command that exited non-zero. errors.Is matches it
// against its category (Kind), one of the driver's error sentinels.
type CommandError struct {
	Tool     string   // vmadm, zfs, …
	Args     []string // the arguments
	ExitCode int
	Stderr   string // trimmed, at most a few KB
	Kind     error
}

// Error renders the command, its exit code and (the start of) its stderr.
func (e *CommandError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if len(msg) > 512 {
		msg = msg[:512] + "…"
	}
	return fmt.Sprintf("%s %s: exit %d: %s", e.Tool, strings.Join(e.Args, " "), e.ExitCode, msg)
}

// Unwrap returns the error's category.
func (e *CommandError) Unwrap() error { return e.Kind }

// classify reads a failed command's category from its exit code and
// message: 2 is a usage error; otherwise the message decides. It is a
// hint: the driver checks the host before trusting it.
func classify(exit int, stderr string) error {
	if exit == 2 {
		return driver.ErrInvalid
	}
	m := strings.ToLower(stderr)
	switch {
	case containsAny(m, "does not exist", "not found", "no such", "could not find", "cannot find",
		"imagenotinstalled", "not installed"):
		return driver.ErrNotFound
	case containsAny(m, "already exists", "already running", "already not", "more recent snapshots"):
		return driver.ErrConflict
	case containsAny(m, "not enough memory", "insufficient memory", "out of memory"):
		return driver.ErrNoMemory
	case containsAny(m, "invalid", "usage:"):
		return driver.ErrInvalid
	}
	return driver.ErrFailed
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
