package systest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ChunterConfig configures an agent process (`chunter start --driver sim`).
type ChunterConfig struct {
	// Join are the control nodes, in order of preference.
	Join []*Node
	// DataDir is the agent's data directory (its hypervisor uuid lives
	// there). Default: a new temporary one.
	DataDir string
	// MemoryMB is the simulated host's memory. Default 8192.
	MemoryMB int
	// Args are extra flags of `chunter start`.
	Args []string
}

// Chunter is a running agent process.
type Chunter struct {
	t    testing.TB
	bins Binaries
	Name string // ergo node name
	// HV is the hypervisor uuid, known once the agent reported running.
	HV      string
	DataDir string
	args    []string
	Proc    *Proc
}

// StartChunter starts an agent with the sim driver that joins c.Join (with
// the first node's cookie and registrar) and waits until it runs.
func StartChunter(t testing.TB, bins Binaries, c ChunterConfig) *Chunter {
	t.Helper()
	if len(c.Join) == 0 {
		t.Fatal("systest: a chunter needs a control node to join")
	}
	if c.DataDir == "" {
		c.DataDir = filepath.Join(t.TempDir(), "chunter")
	}
	if c.MemoryMB == 0 {
		c.MemoryMB = 8192
	}
	if err := writeCookie(c.DataDir, c.Join[0].Cookie()); err != nil {
		t.Fatal(err)
	}
	var join []string
	for _, n := range c.Join {
		join = append(join, n.Name)
	}
	a := &Chunter{t: t, bins: bins, DataDir: c.DataDir, Name: fmt.Sprintf("chunter%d@127.0.0.1", FreePort(t))}
	a.args = append([]string{"start", "--driver", "sim", "--join", strings.Join(join, ","),
		"--data-dir", c.DataDir, "--node-name", a.Name, "--dist-host", "127.0.0.1",
		"--dist-port", fmt.Sprint(FreePort(t)), "--epmd-port", fmt.Sprint(c.Join[0].EPMDPort),
		"--sim-memory-mb", fmt.Sprint(c.MemoryMB), "--heartbeat", "500ms"}, c.Args...)
	a.Start()
	return a
}

// Start (re)starts the agent and waits for its "chunter running" line.
func (a *Chunter) Start() {
	a.t.Helper()
	a.Proc = start(a.t, "chunter "+a.Name, a.bins.Chunter, nil, a.args...)
	prefix := "chunter running: node " + a.Name + " hypervisor "
	deadline := time.Now().Add(StartTimeout)
	for {
		out := a.Proc.Stdout.String()
		if i := strings.Index(out, prefix); i >= 0 {
			hv, _, _ := strings.Cut(out[i+len(prefix):], "\n")
			a.HV = strings.TrimSpace(hv)
			return
		}
		if a.Proc.Exited() {
			a.t.Fatalf("chunter %s exited during its start:\n%s", a.Name, a.Proc.Stderr.String())
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("chunter %s not running after %v", a.Name, StartTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
