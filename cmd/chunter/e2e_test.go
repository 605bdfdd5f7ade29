package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/client/clienttest"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// These tests build the real binary and run it as a process against a
// control node started by the test, on loopback with private ports and a
// temporary data dir.

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "chunter-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "chunter")
	build := exec.Command("go", "build", "-ldflags",
		"-X github.com/fifogo/fifo/internal/version.Version=9.8.7-test -X github.com/fifogo/fifo/internal/version.Commit=c0ffee",
		"-o", binPath, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build chunter:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// syncBuffer is a buffer a process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a running chunter; done closes when it exited, with err.
type proc struct {
	cmd         *exec.Cmd
	stdout, log *syncBuffer
	done        chan struct{}
	err         error
}

func startChunter(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(binPath, args...), stdout: &syncBuffer{}, log: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("chunter log:\n%s", p.log.String())
		}
	})
	return p
}

// terminate sends SIGTERM and expects a clean exit.
func (p *proc) terminate(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Fatalf("chunter exited with %v\n%s", p.err, p.log.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("chunter did not stop on SIGTERM")
	}
}

// The binary registers a simulated hypervisor with the control node named
// by --join, serves commands from it over ergo distribution, stops
// gracefully on SIGTERM, and is the same hypervisor after a restart.
func TestChunterProcess(t *testing.T) {
	var epmd uint16
	runtimetest.StartNode(t, func(o *runtime.Options) { epmd = o.EPMDPort }) // serves the private EPMD
	ctl := runtimetest.StartNode(t)
	rcv, rec := clienttest.StartReceiver(t, ctl)

	dataDir := filepath.Join(t.TempDir(), "chunter")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, runtime.CookieFile), []byte("test-cookie\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	nodeName := fmt.Sprintf("chunter%d@127.0.0.1", runtimetest.FreePort(t))
	args := []string{"start", "--driver", "sim", "--join", ctl.Name(), "--data-dir", dataDir,
		"--node-name", nodeName, "--dist-port", fmt.Sprint(runtimetest.FreePort(t)), "--epmd-port", fmt.Sprint(epmd),
		"--sim-cpus", "4", "--sim-nic-tags", "admin,external", "--heartbeat", "100ms", "--log-level", "debug"}
	env := []string{"FIFO_SIM_MEMORY_MB=4096"}

	p := startChunter(t, env, args...)
	runtimetest.WaitFor(t, "registration", func() bool { return len(rec.Sessions()) == 1 && len(rec.Lists()) == 1 })
	reg := rec.Sessions()[0]
	hv := reg.Addr.HV
	if reg.Addr.Node != nodeName || reg.Version != "9.8.7-test" || reg.Host.Memory.TotalMB != 4096 || reg.Host.CPUs != 4 ||
		strings.Join(reg.Host.NICTags, ",") != "admin,external" {
		t.Fatalf("registration %+v", reg)
	}
	b, err := os.ReadFile(filepath.Join(dataDir, "host_id"))
	if err != nil || strings.TrimSpace(string(b)) != hv {
		t.Fatalf("host_id %q (%v), registered %s", b, err, hv)
	}
	if st, _ := os.Stat(filepath.Join(dataDir, "host_id")); st.Mode().Perm() != 0o600 {
		t.Fatalf("host_id mode %v", st.Mode())
	}
	runtimetest.WaitFor(t, "ready line", func() bool {
		return strings.Contains(p.stdout.String(), "chunter running: node "+nodeName+" hypervisor "+hv)
	})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := client.New(ctl).ByHV(rcv)
	raw := client.New(ctl)
	img, vm := "99999999-9999-4999-8999-999999999999", "00000000-0000-4000-8000-000000000001"
	if err := raw.ImportImage(ctx, reg.Addr, driver.ImageImport{Manifest: driver.Image{UUID: img}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, hv, driver.Spec{UUID: vm, Brand: "joyent", ImageUUID: img, MaxPhysicalMemory: 1024, Autoboot: true}); err != nil {
		t.Fatal(err)
	}
	runtimetest.WaitFor(t, "running state reported", func() bool { st, _ := rec.State(vm); return st == driver.StateRunning })
	if err := c.Reserve(ctx, hv, "00000000-0000-4000-8000-000000000002", 4096); !errors.Is(err, driver.ErrNoMemory) {
		t.Fatalf("reserve beyond the host: %v", err)
	}
	runtimetest.WaitFor(t, "heartbeat with the VM's memory", func() bool {
		hbs := rec.Heartbeats()
		return len(hbs) > 0 && hbs[len(hbs)-1].Memory.ProvisionedMB == 1024 && hbs[len(hbs)-1].VMs == 1
	})

	p.terminate(t)
	runtimetest.WaitFor(t, "agent down", func() bool { _, ok := rcv.Lookup(hv); return !ok && len(rec.Downs()) == 1 })
	if !strings.Contains(p.log.String(), "stopped") {
		t.Fatalf("no orderly stop in the log:\n%s", p.log.String())
	}

	// Same data dir: same hypervisor, and the same simulated host: its
	// state file (<data-dir>/sim-host.json) kept the VM and the image, as
	// a SmartOS host keeps its zones when the agent restarts. The VM list
	// of the new session reports the VM running.
	statePath := filepath.Join(dataDir, "sim-host.json")
	if st, err := sim.ReadStateFile(statePath, hv); err != nil || len(st.VMs) != 1 || st.VMs[0].State != driver.StateRunning {
		t.Fatalf("state file after the stop: %+v, %v", st, err)
	}
	p2 := startChunter(t, env, args...)
	runtimetest.WaitFor(t, "second registration", func() bool { return len(rec.Sessions()) == 2 && len(rec.Lists()) == 2 })
	if again := rec.Sessions()[1]; again.Addr.HV != hv {
		t.Fatalf("hypervisor uuid changed across restarts: %s then %s", hv, again.Addr.HV)
	}
	l := rec.Lists()[1]
	if len(l.VMs) != 1 || l.VMs[0].UUID != vm || l.VMs[0].State != driver.StateRunning || l.VMs[0].MaxPhysicalMemory != 1024 {
		t.Fatalf("vm list after the restart: %+v", l.VMs)
	}
	if st, held := rec.State(vm); !held || st != driver.StateRunning {
		t.Fatalf("control plane holds the VM as %q (%v) after the restart", st, held)
	}
	if h := rec.Sessions()[1].Host; h.Memory.ProvisionedMB != 1024 {
		t.Fatalf("restarted host reports %d MB provisioned, want the VM's 1024", h.Memory.ProvisionedMB)
	}
	imgs, err := raw.Images(ctx, rec.Sessions()[1].Addr)
	if err != nil || len(imgs) != 1 || imgs[0].UUID != img {
		t.Fatalf("images after the restart: %+v, %v", imgs, err)
	}

	// kill -9 in the middle of a create: the half-created VM is gone
	// after the restart (as vmadm leaves a zone whose create did not
	// finish), the running one is still there.
	p2.terminate(t)
	args3 := append(append([]string{}, args...), "--sim-create-delay", "1h")
	p3 := startChunter(t, env, args3...)
	runtimetest.WaitFor(t, "third registration", func() bool { return len(rec.Sessions()) == 3 && len(rec.Lists()) == 3 })
	half := "00000000-0000-4000-8000-000000000003"
	created := make(chan error, 1)
	go func() {
		created <- c.Create(ctx, hv, driver.Spec{UUID: half, Brand: "joyent", ImageUUID: img, MaxPhysicalMemory: 512, Autoboot: true})
	}()
	runtimetest.WaitFor(t, "provisioning on disk", func() bool {
		st, err := sim.ReadStateFile(statePath, hv)
		return err == nil && len(st.VMs) == 2 && st.VMs[1].Spec.UUID == half && st.VMs[1].State == driver.StateProvisioning
	})
	if err := p3.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p3.done
	if err := <-created; !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("create on a killed agent: %v", err)
	}
	p4 := startChunter(t, env, "start", "--sim-state", statePath, "--join", ctl.Name(), "--data-dir", dataDir,
		"--node-name", nodeName, "--dist-port", fmt.Sprint(runtimetest.FreePort(t)), "--epmd-port", fmt.Sprint(epmd), "--heartbeat", "100ms")
	runtimetest.WaitFor(t, "registration after the kill", func() bool { return len(rec.Sessions()) == 4 && len(rec.Lists()) == 4 })
	if l := rec.Lists()[3]; len(l.VMs) != 1 || l.VMs[0].UUID != vm || l.VMs[0].State != driver.StateRunning {
		t.Fatalf("vm list after kill -9 mid-create: %+v", l.VMs)
	}
	if h := rec.Sessions()[3].Host; h.Memory.ProvisionedMB != 1024 {
		t.Fatalf("after kill -9 mid-create %d MB provisioned, want 1024", h.Memory.ProvisionedMB)
	}
	p4.terminate(t)

	// --sim-state none: a host in memory only, empty at every start.
	// With --resync the VM list comes again within the session.
	args5 := append(append([]string{}, args...), "--sim-state", "none", "--resync", "100ms")
	p5 := startChunter(t, env, args5...)
	runtimetest.WaitFor(t, "registration without state", func() bool { return len(rec.Lists()) >= 5 })
	if l := rec.Lists()[4]; len(l.VMs) != 0 {
		t.Fatalf("vm list of a host in memory only: %+v", l.VMs)
	}
	runtimetest.WaitFor(t, "vm lists resent", func() bool { return len(rec.Lists()) >= 7 && len(rec.Sessions()) == 5 })
	p5.terminate(t)
}

// A cookie file open to others is refused before anything starts.
func TestLooseCookieRefused(t *testing.T) {
	dir := t.TempDir()
	cookie := filepath.Join(dir, "cookie")
	if err := os.WriteFile(cookie, []byte("c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startChunter(t, nil, "start", "--driver", "sim", "--join", "fifo@127.0.0.1", "--data-dir", dir,
		"--cookie-file", cookie, "--node-name", "c@127.0.0.1")
	select {
	case <-p.done:
		var ee *exec.ExitError
		if !errors.As(p.err, &ee) || ee.ExitCode() != 2 || !strings.Contains(p.log.String(), "0600") {
			t.Fatalf("exit %v, log %s", p.err, p.log.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("chunter started with a loose cookie")
	}
}
