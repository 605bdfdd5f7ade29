package systest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fifogo/fifo/internal/netfault"
)

// ClusterConfig configures a Cluster.
type ClusterConfig struct {
	// Nodes is the number of control nodes. Default 3.
	Nodes int
	// Chunters is the number of agents (`chunter --driver sim`). Agent i
	// joins every control node, preferring node i mod Nodes, then the
	// next ones in order.
	Chunters int
	// Mode is what a partition does to connections (netfault.Reset by
	// default: both ends see a reset at once).
	Mode netfault.Mode
	// Node is the template of every control node; DataDir and EPMDPort
	// are the cluster's.
	Node NodeConfig
	// ChunterArgs are extra flags of every agent's `chunter start`.
	ChunterArgs []string
	// ChunterMemoryMB is each simulated host's memory. Default 8192.
	ChunterMemoryMB int
}

// Cluster is a set of control nodes and agents, run as processes on
// loopback, that share one cookie and one registrar port and reach each
// other only through the proxies of a netfault.Network: every member's
// static routes (FIFO_DIST_ROUTES, --dist-routes) name, for every other
// member, the proxy of that ordered pair. Partition and Heal cut and
// restore them; Stop, Cont, Kill and Restart act on one member's process.
// Restarting a member keeps its name, ports, data directory and routes.
//
// The members are not joined into one ring here: that is `fifo cluster
// join`'s job.
type Cluster struct {
	t        testing.TB
	bins     Binaries
	Net      *netfault.Network
	Nodes    []*Node
	Chunters []*Chunter
	// EPMDPort is the registrar port every member uses.
	EPMDPort int
	// Cookie is the cluster cookie, in every member's data directory.
	Cookie string
}

// member is a planned member: its name, distribution port, data dir.
type member struct {
	name    string
	port    int
	dataDir string
}

// StartCluster starts c.Nodes control nodes, then c.Chunters agents, and
// waits until each is ready. Everything is stopped when the test ends.
func StartCluster(t testing.TB, bins Binaries, c ClusterConfig) *Cluster {
	t.Helper()
	if c.Nodes == 0 {
		c.Nodes = 3
	}
	if c.ChunterMemoryMB == 0 {
		c.ChunterMemoryMB = 8192
	}
	net, err := netfault.NewNetwork(netfault.Options{Mode: c.Mode})
	if err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs after every process's cleanup.
	t.Cleanup(func() {
		if err := net.Close(); err != nil {
			t.Errorf("systest: close the cluster's network: %v", err)
		}
	})
	cl := &Cluster{t: t, bins: bins, Net: net, EPMDPort: FreePort(t), Cookie: newCookie(t)}
	// Every name and port is fixed before any process starts: each
	// member's routes name all the others.
	plan := func(kind string) member {
		port := FreePort(t)
		m := member{name: fmt.Sprintf("%s%d@127.0.0.1", kind, port), port: port,
			dataDir: filepath.Join(t.TempDir(), kind)}
		if err := writeCookie(m.dataDir, cl.Cookie); err != nil {
			t.Fatal(err)
		}
		if err := net.Add(m.name, fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
			t.Fatal(err)
		}
		return m
	}
	nodes := make([]member, c.Nodes)
	for i := range nodes {
		nodes[i] = plan("fifo")
	}
	agents := make([]member, c.Chunters)
	for i := range agents {
		agents[i] = plan("chunter")
	}
	for _, m := range nodes {
		cl.Nodes = append(cl.Nodes, cl.startNode(c.Node, m))
	}
	for i, m := range agents {
		var join []string
		for k := range nodes {
			join = append(join, nodes[(i+k)%len(nodes)].name)
		}
		cl.Chunters = append(cl.Chunters, cl.startChunter(m, join, c.ChunterMemoryMB, c.ChunterArgs))
	}
	return cl
}

// startNode starts control node m from template tpl.
func (c *Cluster) startNode(tpl NodeConfig, m member) *Node {
	c.t.Helper()
	tpl.DataDir, tpl.EPMDPort = m.dataDir, c.EPMDPort
	// StartNode picks the name and distribution port itself; later
	// variables win (os/exec keeps the last of duplicate keys).
	tpl.Env = append(slices.Clone(tpl.Env),
		"FIFO_NODE_NAME="+m.name,
		fmt.Sprintf("FIFO_DIST_PORT=%d", m.port),
		"FIFO_DIST_ROUTES="+c.routes(m.name))
	n := StartNode(c.t, c.bins, tpl)
	n.Name = m.name
	return n
}

// startChunter starts agent m joining the control nodes join.
func (c *Cluster) startChunter(m member, join []string, memoryMB int, extra []string) *Chunter {
	c.t.Helper()
	// StartChunter picks the name and port itself, so the agent is
	// assembled here with the ones the routes already name.
	a := &Chunter{t: c.t, bins: c.bins, DataDir: m.dataDir, Name: m.name}
	a.args = append([]string{"start", "--driver", "sim", "--join", strings.Join(join, ","),
		"--data-dir", m.dataDir, "--node-name", m.name, "--dist-host", "127.0.0.1",
		"--dist-port", fmt.Sprint(m.port), "--epmd-port", fmt.Sprint(c.EPMDPort),
		"--dist-routes", c.routes(m.name),
		"--sim-memory-mb", fmt.Sprint(memoryMB), "--heartbeat", "500ms"}, extra...)
	a.Start()
	return a
}

// routes is member from's FIFO_DIST_ROUTES: every other member through
// its proxy.
func (c *Cluster) routes(from string) string {
	r := c.Net.Routes(from)
	var out []string
	for _, to := range slices.Sorted(maps.Keys(r)) {
		out = append(out, to+"="+r[to])
	}
	return strings.Join(out, ",")
}

// newCookie returns a random cluster cookie.
func newCookie(t testing.TB) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
