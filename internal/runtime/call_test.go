package runtime

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func spawnTest(t *testing.T, n *Node, name string, a func() *testActor) {
	t.Helper()
	if _, err := n.Spawn(Spec{Name: name, New: func() Actor { return a() }}); err != nil {
		t.Fatal(err)
	}
}

func TestCallLocalEcho(t *testing.T) {
	n := startNode(t)
	spawnTest(t, n, "echo", func() *testActor { return &testActor{} })
	v, err := n.Call(context.Background(), "echo", echoReq{V: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if v.(echoReq).V != "hi!" {
		t.Fatalf("reply %v", v)
	}
}

func TestCallUnknownProcess(t *testing.T) {
	n := startNode(t)
	_, err := n.Call(context.Background(), "nobody", echoReq{})
	if !errors.Is(err, ErrNoProc) {
		t.Fatalf("err = %v, want ErrNoProc", err)
	}
}

// A panicking handler answers its caller at once with ErrActorPanic
// (instead of leaving it to a timeout) and the actor stops.
func TestCallLocalPanicAnswers(t *testing.T) {
	n := startNode(t)
	spawnTest(t, n, "boom", func() *testActor { return &testActor{} })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := n.Call(ctx, "boom", panicReq{Msg: "bad"})
	if !errors.Is(err, ErrActorPanic) {
		t.Fatalf("err = %v, want ErrActorPanic", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("panic answered after %v: caller waited for a timeout", el)
	}
	waitFor(t, "boom to stop", func() bool { return n.Ergo().ProcessByName("boom") == nil })
	if got := testutil.ToFloat64(n.Metrics().Panics.WithLabelValues("boom")); got != 1 {
		t.Fatalf("panics metric = %v, want 1", got)
	}
}

// A deferred request pending when the actor stops is answered ErrStopped.
func TestCallStoppedWhileDeferred(t *testing.T) {
	n := startNode(t)
	started := make(chan *Process, 1)
	spawnTest(t, n, "hang", func() *testActor { return &testActor{started: started} })
	<-started
	errc := make(chan error, 1)
	go func() {
		_, err := n.Call(context.Background(), "hang", hangReq{})
		errc <- err
	}()
	// The request is pending once the actor has handled it.
	waitFor(t, "request handled", func() bool {
		v, err := n.Call(context.Background(), "hang", countReq{})
		return err == nil && v.(int) >= 2
	})
	if err := n.Send("hang", stopSignal{reason: "shutdown"}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, ErrStopped) {
			t.Fatalf("err = %v, want ErrStopped", err)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("deferred caller not answered when the actor stopped")
	}
}

func TestCallTimeout(t *testing.T) {
	n := startNode(t)
	spawnTest(t, n, "hang", func() *testActor { return &testActor{} })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := n.Call(ctx, "hang", hangReq{})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

// Remote calls go through the gateway: answers, panics and a dying peer
// node all come back as replies or errors, never as a hang.
func TestCallRemote(t *testing.T) {
	a := startNode(t)
	b := startNode(t)
	spawnTest(t, b, "echo", func() *testActor { return &testActor{} })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	to := ProcessID{Name: "echo", Node: b.Name()}

	v, err := a.Call(ctx, to, echoReq{V: "x"})
	if err != nil || v.(echoReq).V != "x!" {
		t.Fatalf("remote echo = %v, %v", v, err)
	}
	_, err = a.Call(ctx, to, countReq{X: 1})
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	_, err = a.Call(ctx, to, panicReq{Msg: "remote"})
	if !errors.Is(err, ErrActorPanic) {
		t.Fatalf("remote panic err = %v, want ErrActorPanic", err)
	}
	if el := time.Since(start); el > 4*time.Second {
		t.Fatalf("remote panic answered after %v", el)
	}

	_, err = a.Call(ctx, ProcessID{Name: "nobody", Node: b.Name()}, echoReq{})
	if !errors.Is(err, ErrNoProc) {
		t.Fatalf("remote unknown err = %v, want ErrNoProc", err)
	}
}

func TestCallRemoteNodeDies(t *testing.T) {
	a := startNode(t)
	b := startNode(t)
	spawnTest(t, b, "hang", func() *testActor { return &testActor{} })
	errc := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := a.Call(ctx, ProcessID{Name: "hang", Node: b.Name()}, hangReq{})
		errc <- err
	}()
	waitFor(t, "request handled", func() bool {
		v, err := b.Call(context.Background(), "hang", countReq{})
		return err == nil && v.(int) >= 2
	})
	b.Stop()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrNodeDown) && !errors.Is(err, ErrStopped) {
			t.Fatalf("err = %v, want ErrNodeDown or ErrStopped", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("caller not answered when the callee's node stopped")
	}
}

// A detached request is answered from another goroutine, once.
func TestDetachAnswersFromAnotherGoroutine(t *testing.T) {
	n := startNode(t)
	spawnTest(t, n, "det", func() *testActor { return &testActor{} })
	out := make(chan Replier, 1)
	res := make(chan any, 1)
	go func() {
		v, err := n.Call(context.Background(), "det", detachReq{out: out})
		if err != nil {
			res <- err
			return
		}
		res <- v
	}()
	r := <-out
	// The actor keeps serving while the detached request is pending.
	if v, err := n.Call(context.Background(), "det", echoReq{V: "a"}); err != nil || v.(echoReq).V != "a!" {
		t.Fatalf("actor blocked by a detached request: %v %v", v, err)
	}
	go r("late answer", nil)
	select {
	case v := <-res:
		if v != "late answer" {
			t.Fatalf("caller got %v", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("detached reply never arrived")
	}
	r("second answer", nil) // ignored, must not panic
}

// NameFree probes by registering: a name held by a process is not free, and
// it is free again once the holder is gone.
func TestNameFree(t *testing.T) {
	n := startNode(t)
	if !n.NameFree("solo") {
		t.Fatal("unused name reported taken")
	}
	p, err := n.Spawn(Spec{Name: "solo", New: func() Actor { return &testActor{} }})
	if err != nil {
		t.Fatal(err)
	}
	if n.NameFree("solo") {
		t.Fatal("held name reported free")
	}
	if _, err := n.Call(context.Background(), "solo", echoReq{V: "still"}); err != nil {
		t.Fatalf("probe disturbed the holder: %v", err)
	}
	p.Kill()
	waitFor(t, "name freed", func() bool { return n.NameFree("solo") })
}

// The panic's answer is sent just before the actor stops; the caller must
// get the answer, not the stop. With ergo's own Direct reply path the
// waiter saw both ready and sometimes took the stop (ErrStopped).
func TestPanicAnswerNeverLostToStop(t *testing.T) {
	n := startNode(t)
	for i := 0; i < 200; i++ {
		if _, err := n.Spawn(Spec{New: func() Actor { return &testActor{} }, Name: "p"}); err != nil {
			t.Fatal(err)
		}
		_, err := n.Call(context.Background(), "p", panicReq{Msg: "x"})
		if !errors.Is(err, ErrActorPanic) {
			t.Fatalf("round %d: err = %v, want ErrActorPanic", i, err)
		}
		waitFor(t, "name p free", func() bool { return n.NameFree("p") })
	}
}
