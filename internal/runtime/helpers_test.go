package runtime

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var nodeSeq atomic.Int64

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) uint16 {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port)
}

// testEPMD holds one private registrar port per test. The embedded EPMD
// lives in the first node that binds the port; sharing one port across
// tests made later tests depend on a node an earlier test had stopped
// (peers then failed with "no route to node" until they re-registered).
// Within a test the first node started is the last stopped (cleanups run
// in reverse), so the registrar outlives its clients.
var testEPMD sync.Map // test name -> uint16

func epmdPort(t *testing.T) uint16 {
	p, _ := testEPMD.LoadOrStore(t.Name(), freePort(t))
	return p.(uint16)
}

// startNode starts a node with a unique name on loopback and stops it at
// the end of the test.
func startNode(t *testing.T, mod ...func(*Options)) *Node {
	t.Helper()
	o := Options{
		Name:     fmt.Sprintf("rt%d_%d@127.0.0.1", time.Now().UnixNano()%100000, nodeSeq.Add(1)),
		Cookie:   "test-cookie",
		EPMDPort: epmdPort(t),
		Metrics:  NewMetrics(prometheus.NewRegistry()),
	}
	for _, m := range mod {
		m(&o)
	}
	n, err := Start(context.Background(), o)
	if err != nil {
		t.Fatalf("start node: %v", err)
	}
	t.Cleanup(func() { n.Stop() })
	return n
}

// Test requests understood by testActor. They are registered for the
// network so the same actor serves remote tests.
type (
	echoReq  struct{ V string }
	panicReq struct{ Msg string }
	hangReq  struct{ X int } // deferred and never answered
	countReq struct{ X int }
	blockMsg struct{ ch chan struct{} }
	// detachReq hands the request's Replier to the test (local only).
	detachReq struct{ out chan Replier }
	seqMsg    struct{ N int }
)

func init() {
	MustRegisterMessage("test.echoReq", echoReq{})
	MustRegisterMessage("test.panicReq", panicReq{})
	MustRegisterMessage("test.hangReq", hangReq{})
	MustRegisterMessage("test.countReq", countReq{})
	MustRegisterMessage("test.seqMsg", seqMsg{})
}

// testActor echoes, panics on request, defers forever on hangReq, blocks
// on a channel, and records the sequence numbers it receives.
type testActor struct {
	Base
	started chan<- *Process
	seqs    *[]int
	seqDone chan struct{}
	seqWant int
	handled int
}

func (a *testActor) Init(p *Process) {
	if a.started != nil {
		a.started <- p
	}
}

func (a *testActor) HandleCall(p *Process, from From, req any) (any, error) {
	a.handled++
	switch r := req.(type) {
	case echoReq:
		return echoReq{V: r.V + "!"}, nil
	case panicReq:
		panic(r.Msg)
	case hangReq:
		return nil, Deferred
	case countReq:
		return a.handled, nil
	case detachReq:
		r.out <- p.Detach(from)
		return nil, Deferred
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupported, req)
}

func (a *testActor) HandleMessage(p *Process, msg any) {
	switch m := msg.(type) {
	case blockMsg:
		<-m.ch
	case seqMsg:
		*a.seqs = append(*a.seqs, m.N)
		if len(*a.seqs) == a.seqWant {
			close(a.seqDone)
		}
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
