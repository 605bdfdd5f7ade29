//go:build illumos

// Package osdep supplies, for illumos, the one OS-specific function ergo
// v1.999.224's lib/osdep lacks there (it ships linux, darwin, bsd and
// windows files only). It is not built as part of this module: `make
// chunter-illumos` vendors the dependencies into a temporary tree and lays
// this file over the vendored lib/osdep with `go build -overlay` (Go
// refuses overlays inside the module cache). See docs/ergo-workarounds.md.
package osdep

import "syscall"

// ResourceUsage returns the process's user and system CPU time in
// nanoseconds (0, 0 when getrusage fails), as ergo's other osdep files do.
func ResourceUsage() (user, system int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return ru.Utime.Nano(), ru.Stime.Nano()
}
