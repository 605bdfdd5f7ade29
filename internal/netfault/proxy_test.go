package netfault

import (
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/testwait"
)

// Bytes flow both ways through a proxy and are counted; closing the
// client ends the link.
func TestProxyForwards(t *testing.T) {
	s := newTarget(t, "b")
	p := newProxy(t, s.addr(), Reset)
	c := dial(t, p.Addr())
	s.serve(t)
	for _, line := range []string{"one", "two"} {
		got, err := ask(c, line)
		if err != nil || got != "b:"+line {
			t.Fatalf("ask %q = %q, %v", line, got, err)
		}
	}
	testwait.For(t, deadline, "1 accepted, 1 active, 8 bytes up, 12 down", func() bool {
		st := p.Stats()
		return st.Accepted == 1 && st.Active == 1 && st.BytesUp == 8 && st.BytesDown == 12
	})
	c.Close()
	testwait.For(t, deadline, "the link to end", func() bool { return p.Stats().Active == 0 })
}

// A client's half-close reaches the target, which can still answer.
func TestProxyHalfClose(t *testing.T) {
	s := newTarget(t, "b")
	p := newProxy(t, s.addr(), Reset)
	c := dial(t, p.Addr())
	srv := s.next(t)
	if _, err := io.WriteString(c, "request"); err != nil {
		t.Fatal(err)
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	srv.SetDeadline(time.Now().Add(deadline))
	got, err := io.ReadAll(srv)
	if err != nil || string(got) != "request" {
		t.Fatalf("target read %q, %v", got, err)
	}
	if _, err := io.WriteString(srv, "answer"); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	c.SetDeadline(time.Now().Add(deadline))
	if got, err := io.ReadAll(c); err != nil || string(got) != "answer" {
		t.Fatalf("client read %q, %v", got, err)
	}
}

// In Reset mode a partition resets the live connection at both ends and
// every new one on arrival, without reaching the target; Heal restores.
func TestProxyResetPartition(t *testing.T) {
	s := newTarget(t, "b")
	p := newProxy(t, s.addr(), Reset)
	c := dial(t, p.Addr())
	s.serve(t)
	if _, err := ask(c, "hi"); err != nil {
		t.Fatal(err)
	}
	// A second live connection whose target end the test holds.
	c2 := dial(t, p.Addr())
	srv2 := s.next(t)

	p.Partition()
	if !p.Partitioned() {
		t.Fatal("not partitioned")
	}
	if err := readFails(t, c, "client end"); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("client end: %v, want a reset", err)
	}
	if err := readFails(t, c2, "second client end"); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("second client end: %v, want a reset", err)
	}
	if err := readFails(t, srv2, "target end"); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("target end: %v, want a reset", err)
	}
	if st := p.Stats(); st.Cut != 2 || st.Active != 0 {
		t.Fatalf("stats after the cut %+v, want 2 cut, 0 active", st)
	}

	// New connections are accepted by the kernel and reset at once.
	for range 2 {
		broken(t, p.Addr(), "connection during the partition")
	}
	testwait.For(t, deadline, "2 refused", func() bool { return p.Stats().Refused == 2 })

	p.Heal()
	c3 := dial(t, p.Addr())
	s.serve(t)
	if got, err := ask(c3, "back"); err != nil || got != "b:back" {
		t.Fatalf("after heal: %q, %v", got, err)
	}
	// The refused connections never reached the target.
	if n := s.accepted.Load(); n != 3 {
		t.Fatalf("target accepted %d connections, want 3", n)
	}
	// Partitioning twice or healing twice changes nothing.
	p.Heal()
	if got, err := ask(c3, "still"); err != nil || got != "b:still" {
		t.Fatalf("after a second heal: %q, %v", got, err)
	}
}

// In BlackHole mode a partition holds bytes and new connections without
// closing anything; Heal delivers what waited.
func TestProxyBlackHole(t *testing.T) {
	s := newTarget(t, "b")
	p := newProxy(t, s.addr(), BlackHole)
	c := dial(t, p.Addr())
	srv := s.next(t)
	if _, err := io.WriteString(c, "a"); err != nil {
		t.Fatal(err)
	}
	expectRead(t, srv, "a")

	p.Partition()
	p.Partition()
	if _, err := io.WriteString(c, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(srv, "z"); err != nil {
		t.Fatal(err)
	}
	// A new connection is accepted and held, its target never dialed.
	c2 := dial(t, p.Addr())
	if _, err := io.WriteString(c2, "new"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, deadline, "3 held (2 directions, 1 new)", func() bool { return p.Stats().Held == 3 })
	// The proxy holds the bytes, so neither end has them.
	expectNothing(t, srv)
	expectNothing(t, c)
	if n := s.accepted.Load(); n != 1 {
		t.Fatalf("target accepted %d connections during the black hole, want 1", n)
	}
	if st := p.Stats(); st.Cut != 0 || st.Refused != 0 || st.Active != 2 {
		t.Fatalf("stats %+v, want nothing cut or refused, 2 active", st)
	}

	p.Heal()
	expectRead(t, srv, "b")
	expectRead(t, c, "z")
	expectRead(t, s.next(t), "new")
	// A pump counts bytes once its write returned, which may be after
	// the reader has them.
	testwait.For(t, deadline, "none held, 5 bytes up, 1 down", func() bool {
		st := p.Stats()
		return st.Held == 0 && st.BytesUp == 5 && st.BytesDown == 1
	})
}

// Close of a black-holed proxy ends its held connections.
func TestProxyCloseWhileHeld(t *testing.T) {
	s := newTarget(t, "b")
	p, err := NewProxy(s.addr(), Options{Mode: BlackHole})
	if err != nil {
		t.Fatal(err)
	}
	p.Partition()
	c := dial(t, p.Addr())
	testwait.For(t, deadline, "the connection to be held", func() bool { return p.Stats().Held == 1 })
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	readFails(t, c, "held connection after Close")
	if err := p.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

// A target that is not there resets the client.
func TestProxyTargetDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := newProxy(t, addr, Reset)
	broken(t, p.Addr(), "connection to a dead target")
	testwait.For(t, deadline, "a failed dial", func() bool { return p.Stats().Failed == 1 })
}

func TestProxyOptions(t *testing.T) {
	if _, err := NewProxy("127.0.0.1:1", Options{Mode: Mode(7)}); err == nil {
		t.Error("unknown mode accepted")
	}
	if _, err := NewProxy("no-port", Options{}); err == nil {
		t.Error("target without a port accepted")
	}
	if Reset.String() != "reset" || BlackHole.String() != "black-hole" || Mode(7).String() != "mode(7)" {
		t.Error("mode names")
	}
}

// expectRead reads exactly want from c.
func expectRead(t *testing.T, c net.Conn, want string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(deadline))
	buf := make([]byte, len(want))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != want {
		t.Fatalf("read %q, %v; want %q", buf, err, want)
	}
}

// expectNothing checks that c has no byte to read now.
func expectNothing(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now())
	n, err := c.Read(make([]byte, 8))
	var ne net.Error
	if n > 0 || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read %d bytes, %v; want nothing yet", n, err)
	}
}
