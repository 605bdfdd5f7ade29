// Package runtimetest starts runtime nodes for tests of other packages:
// unique names, loopback only, a private registrar port per test binary,
// and cleanup when the test ends.
package runtimetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/testwait"
)

var (
	seq atomic.Int64
	// epmd holds one private registrar port per test (see StartNode).
	epmd sync.Map
)

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) uint16 {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port)
}

// StartNode starts a node for the test; mod may adjust the options.
func StartNode(t testing.TB, mod ...func(*runtime.Options)) *runtime.Node {
	t.Helper()
	// One registrar port per test: the embedded EPMD lives in the test's
	// first node, which is stopped last, so no test depends on a node of
	// another test.
	port, _ := epmd.LoadOrStore(t.Name(), FreePort(t))
	o := runtime.Options{
		Name:     fmt.Sprintf("t%d_%d_%d@127.0.0.1", os.Getpid(), time.Now().UnixNano()%1000, seq.Add(1)),
		Cookie:   "test-cookie",
		EPMDPort: port.(uint16),
		Metrics:  runtime.NewMetrics(prometheus.NewRegistry()),
	}
	for _, m := range mod {
		m(&o)
	}
	n, err := runtime.Start(context.Background(), o)
	if err != nil {
		t.Fatalf("start node: %v", err)
	}
	t.Cleanup(func() { n.Stop() })
	return n
}

// WaitFor polls cond until it holds, failing the test after WaitTimeout.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, WaitTimeout, what, cond)
}

// WaitTimeout is how long WaitFor waits.
const WaitTimeout = 30 * time.Second
