package systest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/releases/install"
)

// upgradeVersion is the version the agents are upgraded to.
const upgradeVersion = "9.9.0-systest"

// TestUpgradeChunterProcesses: a node and two `chunter` processes of
// version A (TestVersion) with running VMs; version B is built, packed
// with `fifo release build` (the fifo tarball and a chunter tarball of
// the same platform) and unpacked into the node's releases root. First
// the chunter release's binary is corrupted on the node: `fifo admin
// hypervisors upgrade B` exits 1 naming both hypervisors and the
// checksum; the agents refused it and still run A in the same processes.
// With the binary restored the command exits 0: both agents registered
// again as B with the same hypervisor uuids, in the same processes (the
// new binary was executed in place), their current link points at B,
// every VM still runs in sniffle and in the hosts' state files, and a VM
// stops and starts through REST afterwards.
func TestUpgradeChunterProcesses(t *testing.T) {
	binsB, err := Build(t.TempDir(), upgradeVersion)
	if err != nil {
		t.Fatal(err)
	}
	node := StartNode(t, bins, NodeConfig{})
	var agents []*Chunter
	for range 2 {
		agents = append(agents, StartChunter(t, bins, ChunterConfig{Join: []*Node{node}}))
	}
	api := node.API()
	WaitFor(t, 60*time.Second, "both hypervisors registered as A", func() bool {
		return hvVersion(api, agents[0].HV) == TestVersion && hvVersion(api, agents[1].HV) == TestVersion
	})
	cl := SetupCloud(t, api, NewIMGAPI(t).URL, 1024,
		Range{Name: "u", Network: "10.60.0.0", Gateway: "10.60.0.1", First: "10.60.0.10", Last: "10.60.0.100"})
	var vms []string
	for i := range 4 {
		vms = append(vms, api.Create("/vms", cl.VMBody(fmt.Sprint("up", i))))
	}
	for _, id := range vms {
		if v := api.WaitVM(id, 60*time.Second, "running", "failed"); v.State != "running" {
			t.Fatalf("vm %+v", v)
		}
	}
	pids := map[string]int{}
	for _, a := range agents {
		pids[a.HV] = a.Proc.Cmd.Process.Pid
	}

	// Release B on the node: the fifo tarball (bin/chunter for linux/amd64)
	// and a chunter tarball of the same binary for the same platform.
	dist := t.TempDir()
	runOK(t, nil, binsB.Fifo, "release", "build", "--out", dist, "--fifo", binsB.Fifo, "--chunter", binsB.Chunter,
		"--chunter-illumos", binsB.Chunter)
	root := install.DefaultDir(node.DataDir)
	for _, name := range []string{"fifo", "chunter"} {
		tarballs, _ := filepath.Glob(filepath.Join(dist, name+"-"+upgradeVersion+"-*.tar.gz"))
		if len(tarballs) != 1 {
			t.Fatalf("%s tarballs %v", name, tarballs)
		}
		runOK(t, nil, bins.Fifo, "release", "unpack", "--root", root, tarballs[0])
	}
	r, err := install.New(install.Options{Dir: root})
	if err != nil {
		t.Fatal(err)
	}
	bin, err := r.ChunterBinary(upgradeVersion, install.Platform{OS: "linux", Arch: "amd64"})
	if err != nil || !strings.Contains(bin.Dir, filepath.Join("chunter", upgradeVersion)) {
		t.Fatalf("chunter binary %+v %v", bin, err)
	}

	// A corrupt binary on the node: every agent refuses it and stays.
	good, err := os.ReadFile(bin.Path)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(good)
	bad[len(bad)/2] ^= 0xff
	if err := os.WriteFile(bin.Path, bad, 0o755); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := admin(t, node, "hypervisors", "upgrade", upgradeVersion, "--parallel", "2")
	if code != 1 || !strings.Contains(errOut, "failed on 2 of 2 hypervisors") || !strings.Contains(errOut, "SHA-256") ||
		!strings.Contains(errOut, agents[0].HV) || !strings.Contains(errOut, agents[1].HV) {
		t.Fatalf("corrupt binary: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, a := range agents {
		if a.Proc.Exited() || a.Proc.Cmd.Process.Pid != pids[a.HV] || hvVersion(api, a.HV) != TestVersion {
			t.Fatalf("agent %s after a refused binary: exited %v, version %q", a.HV, a.Proc.Exited(), hvVersion(api, a.HV))
		}
		if _, err := os.Stat(filepath.Join(agentReleases(a), upgradeVersion, "bin", "chunter")); !os.IsNotExist(err) {
			t.Fatalf("agent %s kept the refused binary: %v", a.HV, err)
		}
	}

	// The good binary: both agents switch.
	if err := os.WriteFile(bin.Path, good, 0o755); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = admin(t, node, "hypervisors", "upgrade", upgradeVersion, "--parallel", "2")
	if code != 0 {
		t.Fatalf("upgrade: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	t.Logf("fifo admin hypervisors upgrade %s:\n%s", upgradeVersion, out)
	for _, want := range []string{"sending", "switching", "re-registered with " + upgradeVersion, "same process", "2 upgraded"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	for _, a := range agents {
		if a.Proc.Exited() || a.Proc.Cmd.Process.Pid != pids[a.HV] {
			t.Fatalf("agent %s: exited %v (the binary should have been executed in place)", a.HV, a.Proc.Exited())
		}
		if v := hvVersion(api, a.HV); v != upgradeVersion {
			t.Fatalf("hypervisor %s reports version %q", a.HV, v)
		}
		// Twice "chunter running" with the same hypervisor: A, then B.
		if n := strings.Count(a.Proc.Stdout.String(), "chunter running: node "+a.Name+" hypervisor "+a.HV); n != 2 {
			t.Fatalf("agent %s started %d times:\n%s", a.HV, n, a.Proc.Stdout.String())
		}
		if cur, err := os.Readlink(filepath.Join(agentReleases(a), "current")); err != nil || cur != upgradeVersion {
			t.Fatalf("agent %s current -> %q (%v)", a.HV, cur, err)
		}
	}
	// Every VM still runs, in sniffle and on its host.
	onHost := map[string]string{}
	for _, a := range agents {
		s, err := sim.ReadStateFile(filepath.Join(a.DataDir, "sim-host.json"), a.HV)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range s.VMs {
			onHost[v.Spec.UUID] = string(v.State)
		}
	}
	for _, id := range vms {
		if v := api.VM(id); v.State != "running" || onHost[id] != "running" {
			t.Fatalf("vm %s after the upgrade: sniffle %q, host %q", id, v.State, onHost[id])
		}
	}
	// The upgraded agents still run VMs.
	for action, want := range map[string]string{"stop": "stopped", "start": "running"} {
		api.Expect(http.StatusNoContent, "PUT", "/vms/"+vms[0]+"/state", `{"action":"`+action+`"}`)
		api.WaitVM(vms[0], 60*time.Second, want)
	}
	// Asked again, every agent already runs B.
	if out, errOut, code := admin(t, node, "hypervisors", "upgrade", upgradeVersion); code != 0 || !strings.Contains(out, "2 already") {
		t.Fatalf("again: exit %d\n%s%s", code, out, errOut)
	}
}

// hvVersion is the agent version sniffle records for hypervisor hv.
func hvVersion(api *API, hv string) string {
	var h struct {
		Version string `json:"version"`
	}
	api.Get("/hypervisors/"+hv, &h)
	return h.Version
}

// agentReleases is an agent's releases folder ("releases" beside its
// data dir).
func agentReleases(a *Chunter) string {
	return filepath.Join(filepath.Dir(filepath.Clean(a.DataDir)), "releases")
}

// admin runs `fifo admin` against node with its environment and returns
// stdout, stderr and the exit code.
func admin(t *testing.T, node *Node, args ...string) (string, string, int) {
	t.Helper()
	return run(t, node.env, bins.Fifo, append([]string{"admin", "--timeout", "5m"}, args...)...)
}

// runOK runs a command that must succeed.
func runOK(t *testing.T, env []string, path string, args ...string) string {
	t.Helper()
	out, errOut, code := run(t, env, path, args...)
	if code != 0 {
		t.Fatalf("%s %v: exit %d\n%s%s", filepath.Base(path), args, code, out, errOut)
	}
	return out
}

// run runs a command to its end.
func run(t *testing.T, env []string, path string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), errOut.String(), 0
	case errors.As(err, &ee):
		return out.String(), errOut.String(), ee.ExitCode()
	}
	t.Fatalf("%s: %v", path, err)
	return "", "", -1
}
