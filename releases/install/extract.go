package install

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/fifogo/fifo/releases/manifest"
)

// extract writes the tarball read from r into dir, an existing empty
// folder, checking every file against v (what Verify found in an earlier
// read of the same tarball) as it writes it, then syncs the files and
// folders. Any difference from v wraps ErrCorrupt.
func extract(r io.Reader, dir string, v Verified) error {
	want := map[string]manifest.File{
		manifest.Path:     {Path: manifest.Path, Mode: "0644", SHA256: sha256Hex(v.ManifestBytes)},
		manifest.SumsPath: {Path: manifest.SumsPath, Mode: "0644", SHA256: sha256Hex(v.Sums)},
	}
	for _, f := range v.Manifest.Files {
		want[f.Path] = f
	}
	dirs := map[string]bool{".": true}
	err := scan(r, func(h *tar.Header, body io.Reader) error {
		name := h.Name
		if h.Typeflag == tar.TypeDir {
			name = path.Clean(name)
		}
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
		if h.Typeflag == tar.TypeDir {
			dirs[name] = true
			return mkdir(dir, name)
		}
		f, ok := want[name]
		if !ok {
			return fmt.Errorf("%w: %s was not in the tarball when it was verified", ErrCorrupt, name)
		}
		delete(want, name)
		return writeFile(dir, f, body)
	})
	if err != nil {
		return err
	}
	for p := range want {
		return fmt.Errorf("%w: %s vanished from the tarball since it was verified", ErrCorrupt, p)
	}
	// Deepest first, so that each folder is synced after what it holds.
	order := make([]string, 0, len(dirs))
	for d := range dirs {
		order = append(order, d)
	}
	slices.SortFunc(order, func(a, b string) int { return len(b) - len(a) })
	for _, d := range order {
		if err := syncDir(filepath.Join(dir, filepath.FromSlash(d))); err != nil {
			return err
		}
	}
	return nil
}

// mkdir creates folder d (slash-separated, relative) under dir with mode
// 0755, and its parents.
func mkdir(dir, d string) error {
	p := filepath.Join(dir, filepath.FromSlash(d))
	if err := os.MkdirAll(p, 0o755); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	if err := os.Chmod(p, 0o755); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	return nil
}

// writeFile writes one file from body under dir, with f's mode, checking
// its bytes against f's size and hash, and syncs it.
func writeFile(dir string, f manifest.File, body io.Reader) error {
	if d := path.Dir(f.Path); d != "." {
		if err := mkdir(dir, d); err != nil {
			return err
		}
	}
	p := filepath.Join(dir, filepath.FromSlash(f.Path))
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.Perm())
	if err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	defer out.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), body)
	if err != nil {
		return fmt.Errorf("unpack %s: %w", f.Path, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != f.SHA256 || (f.Path != manifest.Path && f.Path != manifest.SumsPath && n != f.Size) {
		return fmt.Errorf("%w: %s changed since the tarball was verified", ErrCorrupt, f.Path)
	}
	if err := out.Chmod(f.Perm()); err != nil {
		return fmt.Errorf("unpack %s: %w", f.Path, err)
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("unpack %s: %w", f.Path, err)
	}
	return out.Close()
}

// syncDir fsyncs a folder, so that the entries made in it are durable.
func syncDir(p string) error {
	d, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("sync %s: %w", p, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", p, err)
	}
	return nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// checkDir checks an unpacked release folder against its own manifest and
// checksums: every file the manifest lists is there with its size and
// hash. Differences wrap ErrCorrupt.
func checkDir(dir string) (manifest.Manifest, error) {
	mdata, err := os.ReadFile(filepath.Join(dir, manifest.Path))
	if err != nil {
		return manifest.Manifest{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	m, err := manifest.Parse(mdata)
	if err != nil {
		return manifest.Manifest{}, fmt.Errorf("%w: %s: %w", ErrCorrupt, dir, err)
	}
	sdata, err := os.ReadFile(filepath.Join(dir, manifest.SumsPath))
	if err != nil {
		return manifest.Manifest{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	sums, err := manifest.ParseSums(sdata)
	if err != nil {
		return manifest.Manifest{}, fmt.Errorf("%w: %s: %w", ErrCorrupt, dir, err)
	}
	if i := slices.IndexFunc(sums, func(s manifest.Sum) bool { return s.Path == manifest.Path }); i < 0 || sums[i].SHA256 != sha256Hex(mdata) {
		return manifest.Manifest{}, fmt.Errorf("%w: %s: manifest.json does not match SHA256SUMS", ErrCorrupt, dir)
	}
	for _, f := range m.Files {
		if err := checkFile(filepath.Join(dir, filepath.FromSlash(f.Path)), f); err != nil {
			return manifest.Manifest{}, err
		}
	}
	return m, nil
}

// checkFile compares one file on disk with its manifest entry.
func checkFile(p string, f manifest.File) error {
	in, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file", ErrCorrupt, p)
	}
	h := sha256.New()
	n, err := io.Copy(h, in)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCorrupt, p, err)
	}
	if n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return fmt.Errorf("%w: %s does not match its manifest (checksum mismatch)", ErrCorrupt, p)
	}
	return nil
}
