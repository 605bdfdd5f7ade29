package supervisors

import (
	"context"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

func listed(apps []AppInfo, name string) (AppInfo, bool) {
	for _, a := range apps {
		if a.Name == name {
			return a, true
		}
	}
	return AppInfo{}, false
}

// Running lists ours and ergo's own applications (erlang, system_app).
func TestRunning(t *testing.T) {
	n := runtimetest.StartNode(t)
	if _, ok := listed(Running(n), "system_app"); !ok {
		t.Fatalf("ergo's system_app not listed: %+v", Running(n))
	}
	if _, ok := listed(Running(n), "listed"); ok {
		t.Fatal("listed before its start")
	}
	started := make(chan string, 4)
	app := App{Name: "listed", Description: "a listed app", Version: "1.2", Top: Supervisor{Name: "listed_sup",
		Children: func() []Child { return []Child{ActorChild(counterSpec("listed_w", started))} }}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := StartApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	if got, ok := listed(Running(n), "listed"); !ok || got != (AppInfo{Name: "listed", Description: "a listed app", Version: "1.2"}) {
		t.Fatalf("running = %+v", Running(n))
	}
	if err := StopApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	if _, ok := listed(Running(n), "listed"); ok {
		t.Fatal("listed after its stop")
	}
}
