package systest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
)

// StartTimeout bounds how long a process may take to become ready.
const StartTimeout = 60 * time.Second

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// NodeConfig configures a control node (`fifo start`).
type NodeConfig struct {
	// DataDir is the node's data directory. Default: a new temporary one.
	DataDir string
	// EPMDPort is the registrar port shared by the nodes and agents of one
	// test. Default: a free port.
	EPMDPort int
	// AdminPassword is the first start's admin password. Default
	// "s3cret-admin".
	AdminPassword string
	// SimHypervisors is the number of simulated hypervisors inside the
	// node (FIFO_SIM_HYPERVISORS); 0 runs none, so agents come from
	// chunter processes.
	SimHypervisors int
	// Partitions is the store's partition count. Default 8.
	Partitions int
	// Env adds FIFO_* variables.
	Env []string
}

// Node is a running control node.
type Node struct {
	t        testing.TB
	bins     Binaries
	Name     string // ergo node name
	HTTPAddr string // host:port of the REST API
	DataDir  string
	EPMDPort int
	Password string // the admin's
	env      []string
	Proc     *Proc
}

// StartNode starts a control node and waits until /readyz answers 200.
func StartNode(t testing.TB, bins Binaries, c NodeConfig) *Node {
	t.Helper()
	if c.DataDir == "" {
		c.DataDir = filepath.Join(t.TempDir(), "node")
	}
	if c.EPMDPort == 0 {
		c.EPMDPort = FreePort(t)
	}
	if c.AdminPassword == "" {
		c.AdminPassword = "s3cret-admin"
	}
	if c.Partitions == 0 {
		c.Partitions = 8
	}
	n := &Node{t: t, bins: bins, DataDir: c.DataDir, EPMDPort: c.EPMDPort, Password: c.AdminPassword,
		Name: fmt.Sprintf("fifo%d@127.0.0.1", FreePort(t)), HTTPAddr: fmt.Sprintf("127.0.0.1:%d", FreePort(t))}
	n.env = append([]string{
		"FIFO_DATA_DIR=" + c.DataDir,
		"FIFO_HTTP_ADDR=" + n.HTTPAddr,
		"FIFO_NODE_NAME=" + n.Name,
		"FIFO_DIST_HOST=127.0.0.1",
		fmt.Sprintf("FIFO_DIST_PORT=%d", FreePort(t)),
		fmt.Sprintf("FIFO_EPMD_PORT=%d", c.EPMDPort),
		fmt.Sprintf("FIFO_PARTITIONS=%d", c.Partitions),
		fmt.Sprintf("FIFO_SIM_HYPERVISORS=%d", c.SimHypervisors),
		"FIFO_ADMIN_PASSWORD=" + c.AdminPassword,
	}, c.Env...)
	n.Start()
	return n
}

// Start (re)starts the node process and waits until it is ready.
func (n *Node) Start() {
	n.t.Helper()
	n.Proc = start(n.t, "fifo "+n.Name, n.bins.Fifo, n.env, "start")
	deadline := time.Now().Add(StartTimeout)
	for {
		resp, err := http.Get("http://" + n.HTTPAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if n.Proc.Exited() {
			n.t.Fatalf("node %s exited during its start:\n%s", n.Name, n.Proc.Stderr.String())
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("node %s not ready after %v: %v", n.Name, StartTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Metrics returns the node's /metrics page ("" when it cannot be read).
func (n *Node) Metrics() string {
	resp, err := http.Get("http://" + n.HTTPAddr + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return ""
	}
	return string(b)
}

// Cookie returns the node's cluster cookie (from its data directory).
func (n *Node) Cookie() string {
	n.t.Helper()
	c, err := runtime.ReadCookie(filepath.Join(n.DataDir, runtime.CookieFile))
	if err != nil {
		n.t.Fatalf("cookie of %s: %v", n.Name, err)
	}
	return c
}

// API logs in as the admin and returns a REST client of API version 2.
func (n *Node) API() *API {
	n.t.Helper()
	return Login(n.t, "http://"+n.HTTPAddr, "admin", n.Password)
}

// writeCookie puts cookie into dir as the cluster cookie file (0600).
func writeCookie(dir, cookie string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, runtime.CookieFile), []byte(cookie+"\n"), 0o600)
}
