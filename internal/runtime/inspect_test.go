package runtime

import (
	"context"
	"errors"
	"testing"
)

// noteMsg is a message testActor takes and ignores.
type noteMsg struct{ N int }

func TestProcesses(t *testing.T) {
	n := startNode(t)
	block := make(chan struct{})
	spawnTest(t, n, "busy", func() *testActor { return &testActor{} })
	if err := n.Send("busy", blockMsg{ch: block}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := n.Send("busy", noteMsg{N: i}); err != nil {
			t.Fatal(err)
		}
	}
	defer close(block)
	var busy ProcessInfo
	waitFor(t, "three queued messages", func() bool {
		for _, p := range n.Processes() {
			if p.Name == "busy" {
				busy = p
			}
		}
		return busy.Mailbox == 3
	})
	if busy.Kind != "actor" || busy.PID == "" || busy.Restarts != 0 {
		t.Fatalf("busy = %+v", busy)
	}
	found := false
	for _, p := range n.Processes() {
		if p.Name == gatewayName {
			found = p.Kind == "actor"
		}
	}
	if !found {
		t.Fatal("gateway not listed as an actor")
	}
	if n.Uptime() <= 0 {
		t.Fatal("no uptime")
	}
}

// A restarted actor's restarts come from the Starts metric.
func TestProcessesCountRestarts(t *testing.T) {
	n := startNode(t)
	n.metrics.Starts.WithLabelValues("again").Add(2) // two earlier incarnations
	spawnTest(t, n, "again", func() *testActor { return &testActor{} })
	for _, p := range n.Processes() {
		if p.Name == "again" && p.Restarts != 2 {
			t.Fatalf("restarts = %d, want 2", p.Restarts)
		}
	}
}

func TestTrace(t *testing.T) {
	n := startNode(t)
	spawnTest(t, n, "traced", func() *testActor { return &testActor{} })
	if _, err := n.Trace("nobody", 8); !errors.Is(err, ErrNoProc) {
		t.Fatalf("trace of an unknown name: %v", err)
	}
	tr, err := n.Trace("traced", 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Call(context.Background(), "traced", echoReq{V: "x"}); err != nil {
		t.Fatal(err)
	}
	if ev := <-tr.C; ev.Kind != "call" || ev.Type != "runtime.echoReq" {
		t.Fatalf("event %+v", ev)
	}
	// blocked runs the actor into a blocking handler and returns once it
	// is in it.
	blocked := func() chan struct{} {
		block := make(chan struct{})
		n.Send("traced", blockMsg{ch: block})
		if ev := <-tr.C; ev.Kind != "message" || ev.Type != "runtime.blockMsg" {
			t.Fatalf("event %+v", ev)
		}
		return block
	}
	block := blocked()
	for i := 0; i < 3; i++ {
		n.Send("traced", noteMsg{N: i})
	}
	close(block)
	for want := 2; want >= 0; want-- {
		if ev := <-tr.C; ev.Type != "runtime.noteMsg" || ev.Queue != want {
			t.Fatalf("event %+v, want queue %d", ev, want)
		}
	}

	// A full trace drops and counts; the other trace sees everything.
	small, err := n.Trace("traced", 1)
	if err != nil {
		t.Fatal(err)
	}
	block = blocked() // small's one slot takes the blockMsg
	n.Send("traced", noteMsg{N: 1})
	n.Send("traced", noteMsg{N: 2})
	close(block)
	if _, err := n.Call(context.Background(), "traced", echoReq{V: "y"}); err != nil {
		t.Fatal(err)
	}
	if d := small.Stop(); d != 3 {
		t.Fatalf("dropped %d, want 3", d)
	}
	for i := 0; i < 3; i++ {
		<-tr.C
	}
	if d := tr.Stop(); d != 0 {
		t.Fatalf("dropped %d", d)
	}
	if n.traces.active.Load() != nil {
		t.Fatal("stopped traces still installed")
	}
}
