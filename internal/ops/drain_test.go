package ops

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/testwait"
)

// rawGet sends a keep-alive GET on c and reads the response.
func rawGet(t *testing.T, c net.Conn, r *bufio.Reader, path string) *http.Response {
	t.Helper()
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// named answers every request with its name, /slow once release is
// closed (entered is told when a /slow request arrives).
func named(name string, entered chan<- struct{}, release <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			entered <- struct{}{}
			<-release
		}
		io.WriteString(w, name)
	})
}

// The hand-off in miniature: server a drains while a duplicate of its
// listening socket is kept; the request in flight and the request sent
// on a kept-alive connection are served by a (the latter with
// "Connection: close"); a connection made during the drain is not
// refused and is served by b, started on the duplicate afterwards.
func TestDrainHandsTheSocketOver(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	master, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	addr := ln.Addr().String()
	entered, release := make(chan struct{}, 1), make(chan struct{})
	a := NewServer(named("a", entered, release), ServerOptions{IdleGrace: time.Hour})
	served := make(chan error, 1)
	go func() { served <- a.Serve(ln) }()

	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		return c, bufio.NewReader(c)
	}
	kept, keptR := dial()
	if resp := rawGet(t, kept, keptR, "/x"); resp.Close {
		t.Fatal("a closed a keep-alive connection before draining")
	}
	slow, slowR := dial()
	io.WriteString(slow, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	<-entered

	drained := make(chan error, 1)
	go func() { drained <- a.Drain(context.Background()) }()
	testwait.For(t, 30*time.Second, "a drains", a.draining.Load)

	// A new connection: accepted by the kernel, left for the next server.
	late, lateR := dial()
	io.WriteString(late, "GET /late HTTP/1.1\r\nHost: x\r\n\r\n")

	// The kept-alive connection is still served, and told to close.
	resp := rawGet(t, kept, keptR, "/x")
	if !resp.Close {
		t.Fatal("a response during the drain does not close its connection")
	}
	if _, err := keptR.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("after Connection: close: %v, want EOF", err)
	}
	// The request in flight finishes.
	close(release)
	resp, err = http.ReadResponse(slowR, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("in-flight request: %v %v", resp, err)
	}
	resp.Body.Close()
	slow.Close()

	if err := <-drained; err != nil {
		t.Fatalf("Drain: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve after Drain: %v", err)
	}

	// b takes the socket over and answers the connection that waited.
	bl, err := net.FileListener(master)
	if err != nil {
		t.Fatal(err)
	}
	b := NewServer(named("b", nil, nil), ServerOptions{})
	go b.Serve(bl)
	defer b.Shutdown(context.Background())
	resp, err = http.ReadResponse(lateR, nil)
	if err != nil {
		t.Fatalf("the connection made during the drain: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "b" {
		t.Fatalf("late request answered by %q, want b", body)
	}
}

// A connection left idle is closed once IdleGrace has passed.
func TestDrainClosesIdleConnections(t *testing.T) {
	s := NewServer(named("a", nil, nil), ServerOptions{IdleGrace: 10 * time.Millisecond})
	base, done := serve(t, s)
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	rawGet(t, c, r, "/x")
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := r.ReadByte(); !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Fatalf("idle connection after the drain: %v, want it closed", err)
	}
}

func isReset(err error) bool {
	var se *os.SyscallError
	return errors.As(err, &se)
}

// A drain whose requests do not finish gives up when ctx ends, closing them.
func TestDrainGivesUpWithCtx(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	defer close(release)
	s := NewServer(named("a", entered, release), ServerOptions{})
	base, done := serve(t, s)
	go http.Get(base + "/slow")
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- s.Drain(ctx) }()
	testwait.For(t, 30*time.Second, "draining", s.draining.Load)
	cancel()
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("Drain = %v, want context.Canceled", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
