package systest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/netfault"
	"github.com/fifogo/fifo/releases/handoff"
	"github.com/fifogo/fifo/releases/install"
)

// BuildRelease compiles cmd/fifo stamped with version into dir — with
// bump set, a test build that raises that record type's schema
// (internal/record.testSchemaBump) — and packs it with its own `fifo
// release build` (the binary as its own chunter: the stamps match) into
// dist. It returns the binary and the tarball.
func BuildRelease(dir, dist, version, bump string) (bin, tarball string, err error) {
	ldflags := fmt.Sprintf("-X %[1]s/internal/version.Version=%[2]s -X %[1]s/internal/version.Commit=systest", Module, version)
	if bump != "" {
		ldflags += fmt.Sprintf(" -X %s/internal/record.testSchemaBump=%s", Module, bump)
	}
	bin = filepath.Join(dir, "fifo-"+version)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin, Module+"/cmd/fifo")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("build fifo %s: %w\n%s", version, err, msg)
	}
	cmd = exec.Command(bin, "release", "build", "--out", dist, "--fifo", bin, "--chunter", bin)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("pack fifo %s: %w\n%s", version, err, msg)
	}
	return bin, filepath.Join(dist, fmt.Sprintf("fifo-%s-%s-%s.tar.gz", version, runtime.GOOS, runtime.GOARCH)), nil
}

// ReleasedClusterConfig configures StartReleasedCluster.
type ReleasedClusterConfig struct {
	// Nodes is the number of control nodes. Default 3.
	Nodes int
	// CLI is the fifo binary that unpacks and installs the releases.
	CLI string
	// Tarballs are unpacked into every node's releases root.
	Tarballs []string
	// Install is the version every node runs from its root's current.
	Install string
	// Node is the template of every node (as ClusterConfig.Node).
	Node NodeConfig
	// Mode is what a partition does to connections (ClusterConfig.Mode).
	Mode netfault.Mode
}

// StartReleasedCluster starts control nodes as a service manager runs
// them from a releases root: each node has its own root (install's
// default, "releases" beside its data dir) into which every tarball is
// unpacked and Install installed, and runs <root>/current/bin/fifo, so
// that `fifo release install` and the console's `release install` can
// upgrade it live. Otherwise it is StartCluster's cluster (netfault
// proxies, one cookie, one registrar port, not joined), without agents.
//
// A node that took over from a live upgrade is not the process the test
// started: every node's serving process (its data dir's fifo.pid) is
// killed when the test ends. Kill and Restart act on the process started
// first; do not use them after an upgrade.
func StartReleasedCluster(t testing.TB, c ReleasedClusterConfig) *Cluster {
	t.Helper()
	if c.Nodes == 0 {
		c.Nodes = 3
	}
	net, err := netfault.NewNetwork(netfault.Options{Mode: c.Mode})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := net.Close(); err != nil {
			t.Errorf("systest: close the cluster's network: %v", err)
		}
	})
	cl := &Cluster{t: t, Net: net, EPMDPort: FreePort(t), Cookie: newCookie(t)}
	var members []member
	for range c.Nodes {
		port := FreePort(t)
		m := member{name: fmt.Sprintf("fifo%d@127.0.0.1", port), port: port, dataDir: filepath.Join(t.TempDir(), "fifo")}
		if err := writeCookie(m.dataDir, cl.Cookie); err != nil {
			t.Fatal(err)
		}
		if err := net.Add(m.name, fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
			t.Fatal(err)
		}
		members = append(members, m)
	}
	for _, m := range members {
		root := install.DefaultDir(m.dataDir)
		for _, tb := range c.Tarballs {
			releaseCLI(t, c.CLI, "unpack", "--root", root, tb)
		}
		releaseCLI(t, c.CLI, "install", "--root", root, c.Install)
		bins := Binaries{Fifo: filepath.Join(root, "current", "bin", "fifo")}
		tpl := c.Node
		tpl.DataDir, tpl.EPMDPort = m.dataDir, cl.EPMDPort
		tpl.Env = append(slices.Clone(tpl.Env),
			"FIFO_NODE_NAME="+m.name,
			fmt.Sprintf("FIFO_DIST_PORT=%d", m.port),
			"FIFO_DIST_ROUTES="+cl.routes(m.name))
		n := StartNode(t, bins, tpl)
		n.Name = m.name
		// Registered after the process's own clean-up, so it runs first:
		// that one waits for the end of the output the successor shares.
		t.Cleanup(func() { killServing(t, n) })
		cl.Nodes = append(cl.Nodes, n)
	}
	return cl
}

// releaseCLI runs `cli release args...`, failing the test on an error.
func releaseCLI(t testing.TB, cli string, args ...string) {
	t.Helper()
	out, err := exec.Command(cli, append([]string{"release"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("fifo release %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// ServingPID is the pid of the process that serves node n now (its data
// dir's fifo.pid), 0 when none is recorded.
func (n *Node) ServingPID() int {
	b, err := os.ReadFile(handoff.PIDFilePath(n.DataDir))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// killServing kills the process serving n when it is not the one the
// test started (that one a live upgrade replaced), and waits until it is
// gone.
func killServing(t testing.TB, n *Node) {
	pid := n.ServingPID()
	if pid <= 0 || pid == n.Proc.Cmd.Process.Pid {
		return
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		if !errors.Is(err, syscall.ESRCH) {
			t.Errorf("systest: kill %s's process %d: %v", n.Name, pid, err)
		}
		return
	}
	deadline := time.Now().Add(StartTimeout)
	for processAlive(pid) {
		if time.Now().After(deadline) {
			t.Errorf("systest: %s's process %d still runs after SIGKILL", n.Name, pid)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processAlive reports whether pid runs (a zombie does not).
func processAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}
