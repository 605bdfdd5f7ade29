package handoff

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// PIDFileName is the pid file's name in a node's data dir: it names the
// process that serves, and moves to the new process when an upgrade
// completes (for service managers that follow a PID file).
const PIDFileName = "fifo.pid"

// PIDFilePath returns the pid file's path for a data dir.
func PIDFilePath(dataDir string) string { return filepath.Join(dataDir, PIDFileName) }

// WritePIDFile writes pid to path through a temporary file renamed over
// it, so a reader sees the old pid or the new one.
func WritePIDFile(path string, pid int) error {
	tmp := path + ".tmp." + strconv.Itoa(pid)
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		return fmt.Errorf("pid file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("pid file: %w", err)
	}
	return nil
}

// ReadPIDFile returns the pid in path.
func ReadPIDFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("pid file: %w", err)
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("pid file %s: bad pid %q", path, b)
	}
	return pid, nil
}

// RemovePIDFile removes path if it still names pid (a node stopping must
// not remove its successor's).
func RemovePIDFile(path string, pid int) error {
	if got, err := ReadPIDFile(path); err != nil || got != pid {
		return nil
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("pid file: %w", err)
	}
	return nil
}
