package ops

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
)

// serve starts s on a fresh loopback port and returns the base URL and a
// channel that yields Serve's result.
func serve(t *testing.T, s *Server) (string, <-chan error) {
	t.Helper()
	ln, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	return "http://" + ln.Addr().String(), done
}

func TestServerServesAndShutsDown(t *testing.T) {
	checks := NewChecks()
	s := NewServer(Handler(NewRegistry(testInfo), checks), ServerOptions{})
	base, done := serve(t, s)

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Fatalf("GET /healthz = %d %q", resp.StatusCode, body)
	}

	checks.Set("store", errors.New("opening"))
	resp, err = http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("GET /readyz = %d, want 503", resp.StatusCode)
	}

	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve after Shutdown = %v, want nil", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after Shutdown")
	}
}

func TestListenTakenPort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()

	_, err = NewServer(http.NotFoundHandler(), ServerOptions{}).Listen(addr)
	if want := "http addr " + addr + ": address already in use"; err == nil || err.Error() != want {
		t.Fatalf("Listen(%s) = %v, want %q", addr, err, want)
	}
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("error %v does not match EADDRINUSE", err)
	}
}

func TestListenBadAddr(t *testing.T) {
	_, err := NewServer(http.NotFoundHandler(), ServerOptions{}).Listen("127.0.0.1")
	if want := "http addr 127.0.0.1: address 127.0.0.1: missing port in address"; err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}

// blocking returns a handler that signals entered and then waits for release.
func blocking() (h http.Handler, entered <-chan struct{}, release chan<- struct{}) {
	in, out := make(chan struct{}), make(chan struct{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(in)
		<-out
		w.WriteHeader(http.StatusNoContent)
	}), in, out
}

func TestShutdownLetsRequestsFinish(t *testing.T) {
	h, entered, release := blocking()
	s := NewServer(h, ServerOptions{})
	base, done := serve(t, s)

	got := make(chan int, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			got <- 0
			return
		}
		resp.Body.Close()
		got <- resp.StatusCode
	}()
	<-entered
	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	close(release)

	if code := <-got; code != http.StatusNoContent {
		t.Fatalf("in-flight request got %d, want 204", code)
	}
	if err := <-shut; err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestShutdownGivesUpWhenContextEnds(t *testing.T) {
	h, entered, release := blocking()
	defer close(release)
	s := NewServer(h, ServerOptions{})
	base, done := serve(t, s)

	failed := make(chan error, 1)
	go func() {
		resp, err := http.Get(base + "/stuck")
		if err == nil {
			resp.Body.Close()
		}
		failed <- err
	}()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown = %v, want context.Canceled", err)
	}
	if err := <-failed; err == nil {
		t.Fatal("stuck request succeeded, want its connection closed")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
