package console

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// startConsole runs the console application on a fresh node.
func startConsole(t *testing.T, deps Deps, o Options, mod ...func(*runtime.Options)) *runtime.Node {
	t.Helper()
	n := runtimetest.StartNode(t, mod...)
	if deps.Node == nil {
		deps.Node = NewNodeView(n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := supervisors.StartApp(ctx, n, App(deps, "1.2.3", o)); err != nil {
		t.Fatal(err)
	}
	return n
}

func call(t *testing.T, n *runtime.Node, args ...string) Reply {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := n.Call(ctx, Name, Request{Args: args})
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v.(Reply)
}

// dial connects a hidden client to n's console through its port.
func dial(t *testing.T, n *runtime.Node, port uint16, cookie string) (*Client, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, DialOptions{Node: n.Name(), Port: port, Cookie: cookie})
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, err
}

func TestActorServesOnRealNode(t *testing.T) {
	deps, _, _ := testDeps()
	deps.Node = nil // the node's own view
	n := startConsole(t, deps, Options{})
	r := call(t, n, "status")
	if r.Status != StatusOK || !strings.Contains(r.Output, n.Name()) || !strings.Contains(r.Output, AppName) {
		t.Fatalf("status: %+v", r)
	}
	r = call(t, n, "procs", "all")
	if r.Status != StatusOK || !strings.Contains(r.Output, Name) || !strings.Contains(r.Output, "console_sup") ||
		!strings.Contains(r.Output, "supervisor") {
		t.Fatalf("procs: %s", r.Output)
	}
	if r := call(t, n, "nope"); r.Status != StatusUsage {
		t.Fatalf("unknown: %+v", r)
	}
}

// Over the network: the registered Request and Reply, data included, a
// hidden client, and a refused cookie.
func TestRemoteConsole(t *testing.T) {
	deps, _, users := testDeps()
	deps.Node = nil
	port := runtimetest.FreePort(t)
	n := startConsole(t, deps, Options{}, func(o *runtime.Options) { o.ListenPort = port })

	c, err := dial(t, n, port, "test-cookie")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := c.Run(ctx, []string{"users", "add", "carol", "pw with blanks"}, true)
	if err != nil || r.Status != StatusOK || users.byName["carol"] != "pw with blanks" {
		t.Fatalf("users add: %+v %v", r, err)
	}
	var u User
	if err := json.Unmarshal(r.Data, &u); err != nil || u.ID != "id-carol" {
		t.Fatalf("data %q: %v", r.Data, err)
	}
	r, err = c.Run(ctx, []string{"users", "passwd", "nobody", "x"}, false)
	if err != nil || r.Status != StatusFailed || len(r.Data) != 0 {
		t.Fatalf("failed command: %+v %v", r, err)
	}
	// The node lists the client among its console clients.
	r, err = c.Run(ctx, []string{"members"}, false)
	if err != nil || !strings.Contains(r.Output, "console clients: "+ClientPrefix) {
		t.Fatalf("members: %+v %v", r, err)
	}

	if _, err := dial(t, n, port, "wrong-cookie"); !errors.Is(err, runtime.ErrHandshake) {
		t.Fatalf("wrong cookie: %v", err)
	}
	if _, err := dial(t, n, runtimetest.FreePort(t), "test-cookie"); !errors.Is(err, runtime.ErrUnreachable) {
		t.Fatalf("nothing there: %v", err)
	}
	// Through the registrar instead of the port, read-only.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	c2, err := Dial(ctx2, DialOptions{Node: n.Name(), Cookie: "test-cookie", EPMDPort: testEPMDPort(t)})
	if err != nil {
		t.Fatalf("dial through EPMD: %v", err)
	}
	defer c2.Close()
	if r, err := c2.Run(ctx2, []string{"status"}, false); err != nil || r.Status != StatusOK {
		t.Fatalf("status through EPMD: %+v %v", r, err)
	}
}

// testEPMDPort is the registrar port runtimetest gives the test's nodes
// (a node does not tell it), learnt by starting one more.
func testEPMDPort(t *testing.T) uint16 {
	t.Helper()
	var port uint16
	runtimetest.StartNode(t, func(o *runtime.Options) { port = o.EPMDPort })
	return port
}

func TestNoConsoleOnNode(t *testing.T) {
	port := runtimetest.FreePort(t)
	n := runtimetest.StartNode(t, func(o *runtime.Options) { o.ListenPort = port })
	c, err := dial(t, n, port, "test-cookie")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Run(ctx, []string{"status"}, false); err == nil || !strings.Contains(err.Error(), "runs no console") {
		t.Fatalf("no console: %v", err)
	}
}

// The real trace, remotely: the console traces itself while the client
// keeps calling it.
func TestTraceOnRealNode(t *testing.T) {
	deps, _, _ := testDeps()
	deps.Node = nil
	port := runtimetest.FreePort(t)
	n := startConsole(t, deps, Options{}, func(o *runtime.Options) { o.ListenPort = port })
	c, err := dial(t, n, port, "test-cookie")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan Reply, 1)
	go func() {
		r, err := c.Run(ctx, []string{"trace", Name, "1"}, true)
		if err != nil {
			r = Reply{Output: err.Error(), Status: -1}
		}
		done <- r
	}()
	var r Reply
	for r.Status == 0 && r.Output == "" {
		select {
		case r = <-done:
		default:
			if _, err := c.Run(ctx, []string{"apps"}, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	var d traceData
	if err := json.Unmarshal(r.Data, &d); err != nil || r.Status != StatusOK {
		t.Fatalf("trace: %+v (%v)", r, err)
	}
	found := false
	for _, e := range d.Events {
		found = found || (e.Kind == "request" && e.Type == "console.Request")
	}
	if !found {
		t.Fatalf("no remote console.Request traced:\n%s", r.Output)
	}
	if r := call(t, n, "trace", "console_sup"); r.Status != StatusFailed || !strings.Contains(r.Output, "only actors") {
		t.Fatalf("trace of a supervisor: %+v", r)
	}
}

// blockingNode blocks Trace until released, to hold a command slot.
type blockingNode struct {
	fakeNode
	entered chan struct{}
	release chan struct{}
}

func (b *blockingNode) Trace(ctx context.Context, _ string, _ time.Duration, _ int) ([]runtime.TraceEvent, int64, error) {
	b.entered <- struct{}{}
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return nil, 0, nil
}

// A command beyond MaxConcurrent is refused at once; a slow command does
// not block the mailbox.
func TestBusy(t *testing.T) {
	deps, _, _ := testDeps()
	bn := &blockingNode{entered: make(chan struct{}), release: make(chan struct{})}
	deps.Node = bn
	n := startConsole(t, deps, Options{MaxConcurrent: 1})
	done := make(chan Reply, 1)
	go func() { done <- call(t, n, "trace", "busy", "60") }()
	<-bn.entered
	if r := call(t, n, "status"); r.Status != StatusFailed || !strings.Contains(r.Output, "console busy") {
		t.Fatalf("second command: %+v", r)
	}
	close(bn.release)
	if r := <-done; r.Status != StatusOK {
		t.Fatalf("trace: %+v", r)
	}
	if r := call(t, n, "status"); r.Status != StatusOK {
		t.Fatalf("after: %+v", r)
	}
}

// panickyUsers panics on List.
type panickyUsers struct{ fakeUsers }

func (*panickyUsers) List(context.Context) ([]User, error) { panic("boom") }

func TestCommandPanicAnswers(t *testing.T) {
	deps, _, _ := testDeps()
	deps.Users = &panickyUsers{}
	n := startConsole(t, deps, Options{})
	if r := call(t, n, "users", "list"); r.Status != StatusFailed || !strings.Contains(r.Output, "panicked") {
		t.Fatalf("panic: %+v", r)
	}
	if r := call(t, n, "status"); r.Status != StatusOK {
		t.Fatalf("after a panic: %+v", r)
	}
}
