package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// CheckDataDir reports whether dir can serve as the node's data directory,
// without creating or writing anything:
//
//   - if dir exists it must be a directory the process may write into
//     (access(2) with W_OK|X_OK);
//   - if it does not, its nearest existing ancestor must be such a
//     directory, so that the node can create dir;
//   - a file in the way, at dir or at an ancestor, is an error.
//
// Messages name dir: `data dir "/x": not a directory`. Like access(2), the
// check honours the real user id and cannot foresee a full disk; a root
// process passes the permission part on any writable file system.
func CheckDataDir(dir string) error {
	if dir == "" {
		return fmt.Errorf("data dir %q: empty path", dir)
	}
	info, err := os.Stat(dir)
	switch {
	case err == nil:
		if !info.IsDir() {
			return fmt.Errorf("data dir %q: not a directory", dir)
		}
		if err := writable(dir); err != nil {
			return fmt.Errorf("data dir %q: not writable: %w", dir, err)
		}
		return nil
	case isMissing(err):
		return checkCreatable(dir)
	default:
		return fmt.Errorf("data dir %q: %w", dir, statCause(err))
	}
}

// checkCreatable checks the nearest existing ancestor of the missing dir.
func checkCreatable(dir string) error {
	for p := filepath.Dir(filepath.Clean(dir)); ; p = filepath.Dir(p) {
		info, err := os.Stat(p)
		switch {
		case err == nil && !info.IsDir():
			return fmt.Errorf("data dir %q: %q is not a directory", dir, p)
		case err == nil:
			if err := writable(p); err != nil {
				return fmt.Errorf("data dir %q: cannot create it in %q: %w", dir, p, err)
			}
			return nil
		case !isMissing(err):
			return fmt.Errorf("data dir %q: %w", dir, statCause(err))
		case filepath.Dir(p) == p:
			// The root (or the working directory) itself is missing.
			return fmt.Errorf("data dir %q: no existing parent directory", dir)
		}
	}
}

// writable asks the kernel whether the process may create entries in dir.
func writable(dir string) error {
	return unix.Access(dir, unix.W_OK|unix.X_OK)
}

// isMissing reports whether a stat error means the path does not exist,
// including a file standing where a parent directory should be (ENOTDIR):
// the ancestor walk then finds that file and reports it.
func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// statCause drops the path that os.Stat repeats.
func statCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
