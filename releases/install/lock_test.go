package install

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// A command that finds the lock taken waits, and reads the record only
// once it holds the lock: here the release it installs is recorded while
// it waits, and it succeeds.
func TestCommandsWaitForTheLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "releases")
	r0 := newRootAt(t, dir, nil)
	mustUnpack(t, r0, release(t, "1.0.0", "0.0.0"))
	held, err := lockFile(filepath.Join(dir, LockName), nil)
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{})
	r := newRootAt(t, dir, func() { close(waiting) })
	done := make(chan error, 1)
	go func() {
		_, err := r.Install("1.1.0")
		done <- err
	}()
	select {
	case <-waiting: // Install found the lock taken
	case err := <-done:
		t.Fatalf("Install did not wait for the lock: %v", err)
	}
	// Unpack 1.1.0 behind its back, as the holder of the lock would.
	u, err := Verify(mustOpen(t, release(t, "1.1.0", "0.0.0")))
	if err != nil {
		t.Fatal(err)
	}
	stage := filepath.Join(dir, "1.1.0")
	os.Mkdir(stage, 0o755)
	if err := extract(mustOpen(t, release(t, "1.1.0", "0.0.0")), stage, u); err != nil {
		t.Fatal(err)
	}
	s, _ := r.State()
	s, _ = s.AddUnpacked("1.1.0")
	if err := r.record.write(s); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		t.Fatalf("Install finished while the lock was held: %v", err)
	default:
	}
	held.unlock()
	if err := <-done; err != nil {
		t.Fatalf("Install after the lock was released: %v", err)
	}
	if s, _ := r.State(); s.Current != "1.1.0" {
		t.Fatalf("current %q", s.Current)
	}
}

// Concurrent unpacks of different releases, and installs racing them,
// lose no update of the record.
func TestConcurrentCommandsLoseNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "releases")
	const n = 8
	paths := make([]string, n)
	for i := range paths {
		paths[i] = release(t, fmt.Sprintf("1.%d.0", i), "0.0.0")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range paths {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := newRootAt(t, dir, nil).Unpack(paths[i])
			errs <- err
		}()
		go func() {
			defer wg.Done()
			// May run before its release is unpacked; then it must say so.
			_, err := newRootAt(t, dir, nil).Install(fmt.Sprintf("1.%d.0", i))
			if err != nil && !isNotUnpacked(err) {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := newRootAt(t, dir, nil).State()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Releases) != n {
		t.Fatalf("record lists %d releases, want %d: %s", len(s.Releases), n, summary(s))
	}
	if link, _ := readLink(dir); link != s.Current {
		t.Fatalf("current -> %q, record says %q", link, s.Current)
	}
}

func isNotUnpacked(err error) bool { return errors.Is(err, ErrNotUnpacked) }

func newRootAt(t *testing.T, dir string, onWait func()) *Root {
	t.Helper()
	r, err := New(Options{Dir: dir, Platform: testPlatform, OnWait: onWait})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustOpen(t *testing.T, p string) *os.File {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
