package handoff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/ops"
)

// childModeEnv makes the test binary act as an upgrade's child (see
// runChild) instead of running tests.
const childModeEnv = "HANDOFF_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childModeEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	os.Exit(m.Run())
}

// runChild is the child side, in one of these modes:
//
//	serve         take over and serve "child" on the http socket
//	exit          exit 3 at once
//	fail          wait for go, then fail
//	hang          wait for go, then never get ready
//	wrong-version report version "9.9.9"
func runChild(mode string) int {
	if mode == "exit" {
		return 3
	}
	socks, child, err := Inherit(os.LookupEnv)
	if err != nil || child == nil {
		fmt.Fprintln(os.Stderr, "child: inherit:", err)
		return 1
	}
	version := "2.0.0"
	if mode == "wrong-version" {
		version = "9.9.9"
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := child.Await(ctx, version); err != nil {
		fmt.Fprintln(os.Stderr, "child: await:", err)
		return 1
	}
	switch mode {
	case "fail":
		child.Fail(errors.New("store is locked"))
		return 1
	case "hang":
		<-ctx.Done()
		return 1
	}
	ln, err := socks.Listener("http")
	if err != nil {
		child.Fail(err)
		return 1
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "child")
	})}
	go srv.Serve(ln)
	if err := child.Ready(); err != nil {
		return 1
	}
	<-ctx.Done()
	srv.Close()
	return 0
}

// parentHTTP binds an http socket and serves "parent" on a duplicate,
// with the node's HTTP server.
func parentHTTP(t *testing.T) (*Sockets, *ops.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSockets()
	if err := s.Add("http", ln); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	dup, err := s.Listener("http")
	if err != nil {
		t.Fatal(err)
	}
	srv := ops.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "parent")
	}), ops.ServerOptions{})
	go srv.Serve(dup)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return s, srv, s.Addr("http").String()
}

// plan returns a Plan that starts this test binary as a child in mode.
func plan(t *testing.T, s *Sockets, mode string, release func(context.Context) error) Plan {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Plan{Binary: exe, Env: append(os.Environ(), childModeEnv+"="+mode), Sockets: s,
		Stderr: os.Stderr, Release: release, StartTimeout: time.Minute, ReadyTimeout: time.Minute}
}

// stopChild ends a child that took over (SIGTERM) and waits for it.
func stopChild(t *testing.T, out Outcome) {
	t.Helper()
	if out.PID > 0 {
		syscall.Kill(out.PID, syscall.SIGTERM)
	}
	if out.Exited != nil {
		select {
		case <-out.Exited:
		case <-time.After(30 * time.Second):
			t.Error("child did not exit")
		}
	}
}
