package pack

import (
	"debug/buildinfo"
	"fmt"
	"strings"
)

// Binary is what a Go binary records about its build.
type Binary struct {
	// Platform is the GOOS/GOARCH it was built for.
	Platform Platform
	// GoVersion is the toolchain that built it.
	GoVersion string
	// Version, Commit and Date are its internal/version stamp, empty when
	// the linker did not set them.
	Version, Commit, Date string
}

// Inspect reads the build information of the Go binary at path: its
// platform, toolchain and the version stamp the Makefile sets with
// `-ldflags -X <module>/internal/version.Version=…`. The stamp is read
// from the variables themselves in an ELF binary's data (the build
// information omits -ldflags under -trimpath), so it needs the symbol
// table: a binary stripped with -s reports no stamp.
func Inspect(path string) (Binary, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return Binary{}, fmt.Errorf("%w: %s: not a Go binary with build information: %w", ErrInput, path, err)
	}
	b := Binary{GoVersion: bi.GoVersion}
	var ldflags string
	for _, s := range bi.Settings {
		switch s.Key {
		case "GOOS":
			b.Platform.OS = s.Value
		case "GOARCH":
			b.Platform.Arch = s.Value
		case "-ldflags":
			ldflags = s.Value
		}
	}
	if b.Platform.OS == "" || b.Platform.Arch == "" {
		return Binary{}, fmt.Errorf("%w: %s: build information names no GOOS/GOARCH", ErrInput, path)
	}
	prefix := bi.Main.Path + "/internal/version."
	stamp, err := elfStamps(path, prefix, "Version", "Commit", "Date")
	if err != nil {
		// Not ELF, or unreadable: -ldflags is recorded unless the build
		// used -trimpath.
		stamp = stamps(ldflags, prefix)
	}
	b.Version, b.Commit, b.Date = stamp["Version"], stamp["Commit"], stamp["Date"]
	return b, nil
}

// stamps returns the -X assignments of ldflags to variables of the
// package whose prefix ("<import path>.") is given, by variable name.
func stamps(ldflags, prefix string) map[string]string {
	out := map[string]string{}
	fields := strings.Fields(ldflags)
	for i, f := range fields {
		var assign string
		switch {
		case (f == "-X" || f == "--X") && i+1 < len(fields):
			assign = fields[i+1]
		case strings.HasPrefix(f, "-X="):
			assign = strings.TrimPrefix(f, "-X=")
		default:
			continue
		}
		key, val, ok := strings.Cut(assign, "=")
		if name, found := strings.CutPrefix(key, prefix); ok && found {
			out[name] = val
		}
	}
	return out
}
