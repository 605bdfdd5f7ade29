package version

import (
	"fmt"
	"runtime"
)

// Stamped by the linker with -X; see the package documentation. Nothing in the
// program assigns them.
var (
	// Version is the release version, e.g. "1.2.3"; "dev" when unstamped.
	Version = "dev"
	// Commit is the source revision the binary was built from; "unknown"
	// when unstamped.
	Commit = "unknown"
	// Date is the build date, e.g. "2026-11-25"; "unknown" when unstamped.
	Date = "unknown"
)

// Info describes the running build.
type Info struct {
	// Version is the release version ("dev" when unstamped).
	Version string
	// Commit is the source revision ("unknown" when unstamped).
	Commit string
	// Date is the build date ("unknown" when unstamped).
	Date string
	// GoVersion is the toolchain that built the binary, as runtime.Version
	// reports it, e.g. "go1.26.8".
	GoVersion string
}

// Get returns the stamped build information and the Go toolchain version.
func Get() Info {
	return Info{
		Version:   Version,
		Commit:    Commit,
		Date:      Date,
		GoVersion: runtime.Version(),
	}
}

// String renders i as one line, e.g.
// "fifo 1.2.3 (commit abc123, built 2026-11-25, go1.26.8)".
func (i Info) String() string {
	return fmt.Sprintf("fifo %s (commit %s, built %s, %s)", i.Version, i.Commit, i.Date, i.GoVersion)
}

// String is shorthand for Get().String().
func String() string {
	return Get().String()
}
