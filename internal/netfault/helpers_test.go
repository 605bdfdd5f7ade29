package netfault

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// deadline bounds every wait of these tests; none is expected to come
// close.
const deadline = 30 * time.Second

// target is a line server standing for a node: it answers each line with
// its name and the line, and hands every accepted connection to conns.
type target struct {
	name     string
	ln       net.Listener
	accepted atomic.Int64
	conns    chan net.Conn
	wg       sync.WaitGroup
}

func newTarget(t *testing.T, name string) *target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &target{name: name, ln: ln, conns: make(chan net.Conn, 64)}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			s.conns <- c
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
		close(s.conns)
		for c := range s.conns {
			c.Close()
		}
	})
	return s
}

func (s *target) addr() string { return s.ln.Addr().String() }

// next returns the next accepted connection.
func (s *target) next(t *testing.T) net.Conn {
	t.Helper()
	select {
	case c := <-s.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(deadline):
		t.Fatalf("%s accepted no connection", s.name)
		return nil
	}
}

// serve answers lines on the next accepted connection in the background.
func (s *target) serve(t *testing.T) {
	t.Helper()
	c := s.next(t)
	go func() {
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if _, err := io.WriteString(c, s.name+":"+line); err != nil {
				return
			}
		}
	}()
}

// dial connects to addr.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, deadline)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ask sends line over c and returns the answer line.
func ask(c net.Conn, line string) (string, error) {
	if err := c.SetDeadline(time.Now().Add(deadline)); err != nil {
		return "", err
	}
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return "", err
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSuffix(got, "\n"), err
}

// readFails reads from c and reports the error, failing the test if data
// arrives instead or nothing happens before the deadline.
func readFails(t *testing.T, c net.Conn, what string) error {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(deadline)); err != nil {
		t.Fatal(err)
	}
	n, err := c.Read(make([]byte, 64))
	var ne net.Error
	switch {
	case n > 0:
		t.Fatalf("%s: read %d bytes, want a broken connection", what, n)
	case err == nil:
		t.Fatalf("%s: read nothing and no error", what)
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("%s: still open after %v", what, deadline)
	}
	return err
}

// broken checks that a connection to addr is reset: either the dial
// fails or the connection breaks before any byte arrives.
func broken(t *testing.T, addr, what string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, deadline)
	if err != nil {
		return
	}
	defer c.Close()
	readFails(t, c, what)
}

// newProxy starts a proxy to addr, closed when the test ends.
func newProxy(t *testing.T, addr string, mode Mode) *Proxy {
	t.Helper()
	p, err := NewProxy(addr, Options{Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}
