package install

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fifogo/fifo/releases/pack"
)

// chunterRelease writes a chunter tarball for platform p.
func chunterRelease(t *testing.T, version string, p Platform, bin string) string {
	t.Helper()
	meta := pack.Meta{Version: version, Commit: "c0ffee", Date: "2026-11-25T10:00:00Z", GoVersion: "go1.26.8", UpgradeFrom: "0.0.0"}
	return save(t, tgz(t, pack.Chunter(meta, pack.Platform{OS: p.OS, Arch: p.Arch}, pack.FromBytes([]byte(bin)))))
}

// A fifo node unpacks chunter releases of any platform into
// <root>/chunter/<version>-<os>-<arch>, verified, outside the record; the
// agent binary of a version is found there, or in the fifo release of that
// version for its own platform.
func TestChunterReleases(t *testing.T) {
	r := newRoot(t)
	illumos := Platform{OS: "illumos", Arch: "amd64"}
	u, err := r.Unpack(chunterRelease(t, "2.0.0", illumos, "chunter for smartos"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Dir != filepath.Join(r.Dir(), "chunter", "2.0.0-illumos-amd64") || u.Already || u.Manifest.Name != "chunter" {
		t.Fatalf("unpacked %+v", u)
	}
	if b, err := os.ReadFile(filepath.Join(u.Dir, "bin", "chunter")); err != nil || string(b) != "chunter for smartos" {
		t.Fatalf("binary %q %v", b, err)
	}
	if s, err := r.State(); err != nil || len(s.Releases) != 0 {
		t.Fatalf("a chunter release entered the record: %+v %v", s, err)
	}
	if u, err := r.Unpack(chunterRelease(t, "2.0.0", illumos, "chunter for smartos")); err != nil || !u.Already {
		t.Fatalf("again: %+v %v", u, err)
	}
	if _, err := r.Unpack(chunterRelease(t, "2.0.0", illumos, "another build")); !errors.Is(err, ErrExists) {
		t.Fatalf("other contents: %v", err)
	}
	// A corrupt chunter tarball is refused like a fifo one.
	bad := tgz(t, pack.Chunter(pack.Meta{Version: "2.1.0", UpgradeFrom: "0.0.0"}, pack.Platform{OS: "illumos", Arch: "amd64"}, pack.FromBytes([]byte("x"))))
	bad[len(bad)/2] ^= 0x40
	if _, err := r.Unpack(save(t, bad)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("corrupt: %v", err)
	}

	b, err := r.ChunterBinary("2.0.0", illumos)
	if err != nil || b.Path != filepath.Join(u.Dir, "bin", "chunter") || b.File.Size != int64(len("chunter for smartos")) || len(b.File.SHA256) != 64 {
		t.Fatalf("ChunterBinary: %+v %v", b, err)
	}
	// The fifo release of the node's platform holds its bin/chunter.
	mustUnpack(t, r, release(t, "2.0.0", "0.0.0"))
	b, err = r.ChunterBinary("2.0.0", testPlatform)
	if err != nil || b.Dir != r.ReleaseDir("2.0.0") || b.Manifest.Name != "fifo" {
		t.Fatalf("from the fifo release: %+v %v", b, err)
	}
	_, err = r.ChunterBinary("3.0.0", illumos)
	if !errors.Is(err, ErrNotUnpacked) || !strings.Contains(err.Error(), "chunter-3.0.0-illumos-amd64.tar.gz") {
		t.Fatalf("missing version: %v", err)
	}
	if _, err := r.ChunterBinary("2.0.0", Platform{OS: "linux", Arch: "arm64"}); !errors.Is(err, ErrNotUnpacked) {
		t.Fatalf("missing platform: %v", err)
	}
	// A manifest that does not match its SHA256SUMS is refused.
	mpath := filepath.Join(u.Dir, "manifest.json")
	data, _ := os.ReadFile(mpath)
	if err := os.WriteFile(mpath, append(data, ' '), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ChunterBinary("2.0.0", illumos); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("tampered manifest: %v", err)
	}
}
