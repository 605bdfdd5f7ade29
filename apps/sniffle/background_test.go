package sniffle

import (
	"context"
	"testing"
)

// TestGoRunsUnderTheRunner: Go refuses while sniffle is stopped, runs fn
// while it runs, and a stop cancels fn's context and waits for it.
func TestGoRunsUnderTheRunner(t *testing.T) {
	w := newWorld(t, 0, 0)
	if err := w.svc.Go(func(context.Context) {}); err != ErrNotRunning {
		t.Fatalf("Go before start: %v", err)
	}
	stop := startApp(t, w.svc)
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	if err := w.svc.Go(func(ctx context.Context) {
		close(started)
		<-ctx.Done()
		<-release
		close(finished)
	}); err != nil {
		t.Fatal(err)
	}
	<-started
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("the stop returned while the background flow still ran")
	case <-finished:
		t.Fatal("the flow finished before it was released")
	default:
	}
	close(release)
	<-stopped
	select {
	case <-finished:
	default:
		t.Fatal("the stop returned before the background flow finished")
	}
	if err := w.svc.Go(func(context.Context) {}); err != ErrNotRunning {
		t.Fatalf("Go after stop: %v", err)
	}
}
