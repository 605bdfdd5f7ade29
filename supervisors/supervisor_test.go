package supervisors

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

type crashReq struct{}
type getReq struct{}
type incReq struct{}

// counter counts incReqs; a crashReq panics. Every incarnation reports
// itself on started.
type counter struct {
	runtime.Base
	started chan<- string
	name    string
	n       int
}

func (c *counter) Init(p *runtime.Process) { c.started <- c.name }

func (c *counter) HandleCall(p *runtime.Process, _ runtime.From, req any) (any, error) {
	switch req.(type) {
	case incReq:
		c.n++
		return c.n, nil
	case getReq:
		return c.n, nil
	case crashReq:
		panic("crash requested")
	}
	return nil, runtime.ErrUnsupported
}

func counterSpec(name string, started chan<- string) runtime.Spec {
	return runtime.Spec{Name: name, New: func() runtime.Actor { return &counter{started: started, name: name} }}
}

func call(t *testing.T, n *runtime.Node, to string, req any) (any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return n.Call(ctx, to, req)
}

func expectStart(t *testing.T, started <-chan string, want string) {
	t.Helper()
	select {
	case got := <-started:
		if got != want {
			t.Fatalf("started %s, want %s", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not start", want)
	}
}

// A restarted child is a fresh actor (no state carried over), and a
// restarted supervisor starts its children again (ergo bug: a reused
// Children slice starts none).
func TestRestartIsFresh(t *testing.T) {
	n := runtimetest.StartNode(t)
	started := make(chan string, 16)
	inner := Supervisor{Name: "inner", Intensity: 1, Children: func() []Child {
		return []Child{ActorChild(counterSpec("c1", started))}
	}}
	top := Supervisor{Name: "top", Strategy: OneForAll, Children: func() []Child {
		return []Child{SupervisorChild(inner), ActorChild(counterSpec("c2", started))}
	}}
	if _, err := Start(n, top); err != nil {
		t.Fatal(err)
	}
	expectStart(t, started, "c1")
	expectStart(t, started, "c2")
	for i := 0; i < 3; i++ {
		if _, err := call(t, n, "c1", incReq{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := call(t, n, "c1", crashReq{}); !errors.Is(err, runtime.ErrActorPanic) {
		t.Fatalf("crash err = %v", err)
	}
	expectStart(t, started, "c1")
	runtimetest.WaitFor(t, "c1 re-registered", func() bool {
		v, err := call(t, n, "c1", getReq{})
		return err == nil && v.(int) == 0
	})
	// Two crashes exceed inner's intensity of 1: inner dies, top (one for
	// all) restarts everything, inner's children included.
	call(t, n, "c1", crashReq{})
	expectStart(t, started, "c1")
	runtimetest.WaitFor(t, "c1 back", func() bool { _, err := call(t, n, "c1", getReq{}); return err == nil })
	call(t, n, "c1", crashReq{})
	got := map[string]int{}
	for len(got) < 2 {
		select {
		case s := <-started:
			got[s]++
		case <-time.After(5 * time.Second):
			t.Fatalf("tree not restarted after intensity exceeded: %v", got)
		}
	}
}

// Intensity means what OTP means: that many restarts within the period are
// tolerated, one more stops the supervisor (ergo counts the first start).
func TestIntensityMeansRestarts(t *testing.T) {
	n := runtimetest.StartNode(t)
	started := make(chan string, 16)
	sup := Supervisor{Name: "sup", Intensity: 2, Period: 60, Children: func() []Child {
		return []Child{ActorChild(counterSpec("w", started))}
	}}
	p, err := Start(n, sup)
	if err != nil {
		t.Fatal(err)
	}
	expectStart(t, started, "w")
	for i := 0; i < 2; i++ {
		call(t, n, "w", crashReq{})
		expectStart(t, started, "w")
		runtimetest.WaitFor(t, "w back", func() bool { _, err := call(t, n, "w", getReq{}); return err == nil })
	}
	if !p.IsAlive() {
		t.Fatal("supervisor died within its intensity")
	}
	call(t, n, "w", crashReq{})
	runtimetest.WaitFor(t, "supervisor to give up", func() bool { return !p.IsAlive() })
}

func TestValidate(t *testing.T) {
	noop := func() runtime.Actor { return &runtime.Base{} }
	bad := []Supervisor{
		{Name: "a"},
		{Name: "a", Children: func() []Child { return []Child{{}} }},
		{Name: "a", Children: func() []Child { return []Child{ActorChild(runtime.Spec{Name: "x"})} }},
		{Name: "a", Children: func() []Child {
			return []Child{ActorChild(runtime.Spec{Name: "x", New: noop}), ActorChild(runtime.Spec{Name: "x", New: noop})}
		}},
		{Name: "a", Children: func() []Child {
			return []Child{SupervisorChild(Supervisor{Name: "a", Children: func() []Child { return nil }})}
		}},
	}
	for i, s := range bad {
		if err := s.Validate(); err == nil {
			t.Errorf("case %d accepted", i)
		}
	}
}

// Bug 3: ApplicationStop followed at once by ApplicationStart deadlocks in
// ergo (names are freed asynchronously and the new child's start fails
// inside the supervisor). StopApp/StartApp wait for the names.
func TestAppStopStartLoop(t *testing.T) {
	n := runtimetest.StartNode(t)
	started := make(chan string, 64)
	app := App{Name: "demo", Version: "1", Top: Supervisor{Name: "demo_sup", Children: func() []Child {
		var cs []Child
		for i := 0; i < 3; i++ {
			cs = append(cs, ActorChild(counterSpec(fmt.Sprintf("demo_w%d", i), started)))
		}
		return cs
	}}}
	for round := 0; round < 20; round++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := StartApp(ctx, n, app); err != nil {
			cancel()
			t.Fatalf("round %d start: %v", round, err)
		}
		for i := 0; i < 3; i++ {
			expectStart(t, started, fmt.Sprintf("demo_w%d", i))
		}
		if v, err := call(t, n, "demo_w1", incReq{}); err != nil || v.(int) != 1 {
			cancel()
			t.Fatalf("round %d call: %v %v", round, v, err)
		}
		if err := StopApp(ctx, n, app); err != nil {
			cancel()
			t.Fatalf("round %d stop: %v", round, err)
		}
		cancel()
	}
}
