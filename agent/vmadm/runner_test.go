package vmadm

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The runner is tested with the fakes as its programs: no shell is
// involved anywhere.
func TestExecRunner(t *testing.T) {
	f := newFake(t, 1024)
	r := &ExecRunner{Env: []string{"FAKESMARTOS_DIR=" + f.state}}
	ctx := context.Background()
	vmadm := filepath.Join(f.bin, "vmadm")

	res, err := r.Run(ctx, Command{Path: vmadm, Args: []string{"lookup", "-j"}})
	if err != nil || res.ExitCode != 0 || strings.TrimSpace(string(res.Stdout)) != "[]" {
		t.Fatalf("%+v %v", res, err)
	}
	// Arguments are passed as they are: a ";" or "$(...)" is data.
	res, err = r.Run(ctx, Command{Path: vmadm, Args: []string{"get", "x; touch /tmp/pwned $(id)"}})
	if err != nil || res.ExitCode != 1 || !strings.Contains(string(res.Stderr), "x; touch /tmp/pwned $(id)") {
		t.Fatalf("%+v %v", res, err)
	}
	res, err = r.Run(ctx, Command{Path: vmadm, Args: []string{"frobnicate"}})
	if err != nil || res.ExitCode != 2 {
		t.Fatalf("usage error: %+v %v", res, err)
	}
	// stdin reaches the program.
	res, err = r.Run(ctx, Command{Path: vmadm, Args: []string{"create"}, Stdin: []byte(`{"brand":"nope"}`)})
	if err != nil || res.ExitCode != 1 || !strings.Contains(string(res.Stderr), `invalid brand "nope"`) {
		t.Fatalf("%+v %v", res, err)
	}
	// A missing program is an error of Run.
	if _, err := r.Run(ctx, Command{Path: filepath.Join(f.bin, "missing")}); err == nil {
		t.Fatal("missing program ran")
	}
}

func TestExecRunnerLimits(t *testing.T) {
	f := newFake(t, 1024)
	sysinfo := filepath.Join(f.bin, "sysinfo")
	r := &ExecRunner{Env: []string{"FAKESMARTOS_DIR=" + f.state}, MaxStdout: 64}
	if _, err := r.Run(context.Background(), Command{Path: sysinfo}); !errors.Is(err, errTooMuchOutput) {
		t.Fatalf("oversized output: %v", err)
	}
	f.faults(fault{Cmd: "sysinfo", Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	r.MaxStdout = 0
	if _, err := r.Run(ctx, Command{Path: sysinfo}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hung command: %v", err)
	}
}

func TestCommandError(t *testing.T) {
	e := &CommandError{Tool: "vmadm", Args: []string{"start", "x"}, ExitCode: 1, Stderr: strings.Repeat("a", 600), Kind: classify(1, "")}
	if msg := e.Error(); !strings.HasPrefix(msg, "vmadm start x: exit 1: aaa") || len(msg) > 600 {
		t.Fatalf("%q", msg)
	}
}
