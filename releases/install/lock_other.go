//go:build !linux && !illumos

package install

import (
	"fmt"
	"runtime"
)

// fileLock is not available on this system: releases are managed on
// Linux and illumos nodes only.
type fileLock struct{}

func lockFile(path string, _ func()) (*fileLock, error) {
	return nil, fmt.Errorf("lock %s: release commands run on linux and illumos, not %s", path, runtime.GOOS)
}

func (l *fileLock) unlock() error { return nil }
