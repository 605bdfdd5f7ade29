package handoff

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"syscall"
)

// Sockets are a process's listening sockets, by name ("http",
// "control"): one master descriptor each, kept for the life of the
// process (or until Close) so that a listener served and closed by one
// generation of servers, or handed to a new binary, leaves the socket
// open. Not safe for concurrent use; a node sets them up once.
type Sockets struct {
	names []string
	files map[string]*os.File
	addrs map[string]net.Addr
}

// NewSockets returns an empty set.
func NewSockets() *Sockets {
	return &Sockets{files: map[string]*os.File{}, addrs: map[string]net.Addr{}}
}

// Add takes a listener under name: its descriptor is duplicated as the
// master and ln is closed (a unix socket's path is kept).
func (s *Sockets) Add(name string, ln net.Listener) error {
	if !validName(name) || s.files[name] != nil {
		ln.Close()
		return fmt.Errorf("handoff: socket name %q invalid or taken", name)
	}
	if ul, ok := ln.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(false)
	}
	f, err := dupListener(name, ln)
	addr := ln.Addr()
	ln.Close()
	if err != nil {
		return fmt.Errorf("handoff: %s: %w", name, err)
	}
	s.add(name, f, addr)
	return nil
}

// dupListener duplicates ln's descriptor into a file, close-on-exec and
// left in non-blocking mode. (A listener's File method would do, but its
// file switches the socket, shared with every duplicate, to blocking mode
// as soon as os/exec asks for its descriptor, and a listener blocked in
// accept then cannot be closed.)
func dupListener(name string, ln net.Listener) (*os.File, error) {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return nil, fmt.Errorf("a %T has no descriptor", ln)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, err
	}
	var dup int
	var dupErr error
	err = raw.Control(func(fd uintptr) {
		syscall.ForkLock.RLock()
		defer syscall.ForkLock.RUnlock()
		dup, dupErr = syscall.Dup(int(fd))
		if dupErr == nil {
			syscall.CloseOnExec(dup)
		}
	})
	if err == nil {
		err = dupErr
	}
	if err != nil {
		return nil, fmt.Errorf("dup: %w", err)
	}
	return os.NewFile(uintptr(dup), name), nil
}

func (s *Sockets) add(name string, f *os.File, addr net.Addr) {
	s.names = append(s.names, name)
	s.files[name] = f
	s.addrs[name] = addr
}

// Has reports whether a socket is named name.
func (s *Sockets) Has(name string) bool { return s.files[name] != nil }

// Addr returns the address of socket name (nil if none).
func (s *Sockets) Addr(name string) net.Addr { return s.addrs[name] }

// Listener returns a new listener on socket name, on its own duplicate
// descriptor: closing it leaves the socket open.
func (s *Sockets) Listener(name string) (net.Listener, error) {
	f := s.files[name]
	if f == nil {
		return nil, fmt.Errorf("handoff: no socket %q", name)
	}
	ln, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("handoff: socket %s: %w", name, err)
	}
	return ln, nil
}

// Close closes every master descriptor; a socket closes once no process
// holds a descriptor of it.
func (s *Sockets) Close() error {
	var errs []error
	for _, n := range s.names {
		errs = append(errs, s.files[n].Close())
	}
	s.names, s.files, s.addrs = nil, map[string]*os.File{}, map[string]net.Addr{}
	return errors.Join(errs...)
}

// extraFiles returns the masters as os/exec ExtraFiles, from descriptor 3
// in name order, and their entries for EnvFDs.
func (s *Sockets) extraFiles() ([]*os.File, []fdEntry) {
	files := make([]*os.File, 0, len(s.names))
	entries := make([]fdEntry, 0, len(s.names))
	for i, n := range s.names {
		files = append(files, s.files[n])
		entries = append(entries, fdEntry{name: n, fd: firstExtraFD + i})
	}
	return files, entries
}

// Names lists the sockets in the order they were added.
func (s *Sockets) Names() []string { return slices.Clone(s.names) }

// inherit adopts the listening socket on descriptor fd under name,
// checking that it is one; the descriptor is marked close-on-exec, as
// Go's own are.
func (s *Sockets) inherit(name string, fd int) error {
	syscall.CloseOnExec(fd)
	f := os.NewFile(uintptr(fd), name)
	if f == nil {
		return fmt.Errorf("handoff: inherited %s: descriptor %d is not open", name, fd)
	}
	ln, err := net.FileListener(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("handoff: inherited %s (descriptor %d) is not a listening socket: %w", name, fd, err)
	}
	addr := ln.Addr()
	ln.Close()
	s.add(name, f, addr)
	return nil
}
