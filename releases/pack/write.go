package pack

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fifogo/fifo/releases/manifest"
)

// FileName is the conventional name of a release tarball,
// "<name>-<version>-<os>-<arch>.tar.gz".
func FileName(m manifest.Manifest) string {
	return fmt.Sprintf("%s-%s-%s-%s.tar.gz", m.Name, m.Version, m.OS, m.Arch)
}

// Result describes a tarball WriteFile wrote.
type Result struct {
	// Path is the tarball's path.
	Path string
	// SHA256 is the tarball's hex SHA-256, also written to Path+".sha256".
	SHA256 string
	// Manifest is the release's manifest.
	Manifest manifest.Manifest
}

// WriteFile builds the tarball opts describes into dir (created if
// missing) under FileName, and its checksum beside it as
// "<tarball>.sha256" in sha256sum's format. Each file is written to a
// temporary name, synced and renamed, so a reader never sees half a
// tarball; an existing tarball of the same name is replaced.
func WriteFile(dir string, opts Options) (Result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("pack: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".pack-*")
	if err != nil {
		return Result{}, fmt.Errorf("pack: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	m, err := Build(io.MultiWriter(tmp, h), opts)
	if err != nil {
		return Result{}, err
	}
	res := Result{Path: filepath.Join(dir, FileName(m)), SHA256: hex.EncodeToString(h.Sum(nil)), Manifest: m}
	if err := commit(tmp, res.Path); err != nil {
		return Result{}, err
	}
	line := fmt.Sprintf("%s  %s\n", res.SHA256, filepath.Base(res.Path))
	if err := writeAtomic(res.Path+".sha256", []byte(line)); err != nil {
		return Result{}, err
	}
	return res, nil
}

// commit syncs, closes and renames tmp to path.
func commit(tmp *os.File, path string) error {
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("pack %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("pack %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("pack %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("pack %s: %w", path, err)
	}
	return nil
}

// writeAtomic writes data to path through a synced temporary file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pack-*")
	if err != nil {
		return fmt.Errorf("pack %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("pack %s: %w", path, err)
	}
	return commit(tmp, path)
}
