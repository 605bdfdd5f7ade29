package install

import (
	"fmt"

	"github.com/fifogo/fifo/releases/manifest"
)

// Fixed names under a releases root.
const (
	// RecordName is the record file.
	RecordName = "RELEASES"
	// LockName is the lock file.
	LockName = "RELEASES.lock"
	// CurrentName is the symlink to the current release.
	CurrentName = "current"
)

// reserved reports whether v would collide with a fixed name of the root.
func reserved(v string) bool {
	return v == RecordName || v == LockName || v == CurrentName || v == ChunterDir
}

// Platform is a GOOS/GOARCH pair.
type Platform struct {
	// OS is the GOOS, e.g. "linux".
	OS string
	// Arch is the GOARCH, e.g. "amd64".
	Arch string
}

// String renders p as "os/arch".
func (p Platform) String() string { return p.OS + "/" + p.Arch }

// checkCandidate decides whether a node of the given product and platform,
// whose record is s, may unpack the release m. It does not look at
// whether the version is already unpacked.
func checkCandidate(m manifest.Manifest, product string, p Platform, s State) error {
	if m.Name != product {
		return fmt.Errorf("%w: %s %s is a %s release, and this is a %s node", ErrProduct, m.Name, m.Version, m.Name, product)
	}
	if m.OS != p.OS || m.Arch != p.Arch {
		return fmt.Errorf("%w: %s %s is built for %s/%s, and this node is %s", ErrPlatform, m.Name, m.Version, m.OS, m.Arch, p)
	}
	if reserved(m.Version) {
		return fmt.Errorf("%w: version %q is a reserved name", ErrCorrupt, m.Version)
	}
	return manifest.CheckUpgrade(s.Current, m)
}
