// Package hostid keeps a hypervisor's identity in its agent's data
// directory: the uuid in the file host_id, written once (mode 0600) and
// read on every start, so the hypervisor stays the same one across
// restarts of the agent (reference/fifo.md §6.1).
package hostid

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fifogo/fifo/agent/driver"
)

// File is the name of the identity file in the data directory.
const File = "host_id"

// LoadOrCreate returns the uuid kept in dir/host_id. When the file does
// not exist it creates dir (0700) and the file (0600) with the uuid gen
// returns: the host's hardware uuid for a real hypervisor, a random one
// (New) for a simulated one. A file that does not hold a uuid is an error;
// the file is never rewritten.
func LoadOrCreate(dir string, gen func() (string, error)) (string, error) {
	path := filepath.Join(dir, File)
	id, err := read(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return id, err
	}
	id, err = gen()
	if err != nil {
		return "", fmt.Errorf("host id: %w", err)
	}
	id = strings.ToLower(id)
	if !driver.ValidUUID(id) {
		return "", fmt.Errorf("host id %q: not a uuid", id)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("host id: %w", err)
	}
	// Written whole under a temporary name, then linked into place: the
	// link is atomic and fails if another starter's file is there, so a
	// reader never sees a half-written file.
	f, err := os.CreateTemp(dir, File+".tmp*")
	if err != nil {
		return "", fmt.Errorf("host id: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.WriteString(id + "\n")
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("host id %s: %w", tmp, err)
	}
	if err := os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		return read(path) // another starter won the race
	} else if err != nil {
		return "", fmt.Errorf("host id %s: %w", path, err)
	}
	return id, nil
}

func read(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("host id: %w", err)
	}
	id := strings.ToLower(strings.TrimSpace(string(b)))
	if !driver.ValidUUID(id) {
		return "", fmt.Errorf("host id %s: %q is not a uuid", path, id)
	}
	return id, nil
}

// New returns a random (version 4) uuid read from r (crypto/rand.Reader
// when nil).
func New(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("uuid: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
