package install

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/fifogo/fifo/releases/pack"
)

// testPlatform is the platform of test roots and tarballs.
var testPlatform = Platform{OS: "linux", Arch: "amd64"}

// options builds a fifo release with small fake binaries.
func options(version, floor string) pack.Options {
	meta := pack.Meta{Version: version, Commit: "c0ffee", Date: "2026-11-25T10:00:00Z", GoVersion: "go1.26.8",
		UpgradeFrom: floor, Apps: map[string][]string{"all-in-one": {"store"}}, Schemas: map[string]uint32{"vm": 2}}
	return pack.Fifo(meta, pack.Platform{OS: testPlatform.OS, Arch: testPlatform.Arch},
		pack.FromBytes([]byte("fifo "+version+"\n")), pack.FromBytes([]byte("chunter "+version+"\n")))
}

// tgz returns the bytes of a tarball built from opts.
func tgz(t *testing.T, opts pack.Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := pack.Build(&b, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// save writes data to a file in a fresh temporary folder.
func save(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "release.tar.gz")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// release writes the tarball of a fifo release and returns its path.
func release(t *testing.T, version, floor string) string {
	t.Helper()
	return save(t, tgz(t, options(version, floor)))
}

// newRoot returns a Root in a fresh folder (not created yet).
func newRoot(t *testing.T) *Root {
	t.Helper()
	r, err := New(Options{Dir: filepath.Join(t.TempDir(), "releases"), Platform: testPlatform})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tarEntry is one entry of a tarball being rewritten.
type tarEntry struct {
	hdr  tar.Header
	data []byte
}

// entries reads a tar.gz.
func entries(t *testing.T, b []byte) []tarEntry {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out []tarEntry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		out = append(out, tarEntry{*h, data})
	}
}

// repack writes entries as a tar.gz.
func repack(t *testing.T, es []tarEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for _, e := range es {
		h := e.hdr
		h.Size = int64(len(e.data))
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	gz.Close()
	return b.Bytes()
}

// snapshot describes every file, folder and link under dir, to show that
// a refused command changed nothing.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == dir {
				return filepath.SkipAll
			}
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		desc := info.Mode().String()
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			desc += " -> " + target
		case info.Mode().IsRegular():
			data, _ := os.ReadFile(p)
			desc += " " + string(data)
		}
		out[p] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	if len(before) != len(after) {
		t.Fatalf("the root changed: %d entries before, %d after", len(before), len(after))
	}
	for p, d := range before {
		if after[p] != d {
			t.Fatalf("the root changed at %s", p)
		}
	}
}
