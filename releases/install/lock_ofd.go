//go:build linux || illumos

package install

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// fileLock is an exclusive open-file-description lock on a file: it
// excludes every other open of the file, in this process or another, and
// the kernel drops it when the holder exits.
type fileLock struct{ f *os.File }

// lockFile takes the lock on path (created if missing), calling onWait
// (when set) once if another holder makes it wait.
func lockFile(path string, onWait func()) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	err = unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
		if onWait != nil {
			onWait()
		}
		for err = unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLKW, &lk); errors.Is(err, unix.EINTR); {
			err = unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLKW, &lk)
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &fileLock{f: f}, nil
}

// unlock releases the lock.
func (l *fileLock) unlock() error { return l.f.Close() }
