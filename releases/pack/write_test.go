package pack

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	res, err := WriteFile(dir, fakeFifo())
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != "fifo-1.2.3-linux-amd64.tar.gz" {
		t.Fatalf("wrote %s", res.Path)
	}
	data, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != res.SHA256 || string(data) != string(build(t, fakeFifo())) {
		t.Fatal("the file is not the tarball Build makes")
	}
	side, err := os.ReadFile(res.Path + ".sha256")
	if err != nil || string(side) != res.SHA256+"  fifo-1.2.3-linux-amd64.tar.gz\n" {
		t.Fatalf(".sha256: %q %v", side, err)
	}
	// A second build replaces the first; no temporary file is left.
	if _, err := WriteFile(dir, fakeFifo()); err != nil {
		t.Fatal(err)
	}
	names, _ := os.ReadDir(dir)
	if len(names) != 2 {
		t.Fatalf("dist holds %v", names)
	}
}

func TestWriteFileLeavesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	opts := fakeFifo()
	opts.Manifest.Version = ""
	if _, err := WriteFile(dir, opts); err == nil {
		t.Fatal("WriteFile accepted an empty version")
	}
	if names, _ := os.ReadDir(dir); len(names) != 0 {
		t.Fatalf("left %v", names)
	}
}
