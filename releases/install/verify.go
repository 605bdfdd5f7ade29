package install

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/fifogo/fifo/releases/manifest"
)

// Bounds on what Verify reads, so that a hostile tarball cannot exhaust
// memory or disk.
const (
	// MaxReleaseSize bounds the total size of a release's files.
	MaxReleaseSize = 2 << 30
	// maxEntries bounds the number of tar entries.
	maxEntries = 4096
)

// Verified is a tarball Verify accepted.
type Verified struct {
	// Manifest is its manifest.
	Manifest manifest.Manifest
	// ManifestBytes are manifest.json as the tarball holds it.
	ManifestBytes []byte
	// Sums are SHA256SUMS as the tarball holds it.
	Sums []byte
}

// Verify reads a release tarball to its end and checks it (see the
// package comment) without writing anything. Errors wrap ErrCorrupt and
// say what is wrong; a manifest that does not parse also wraps
// manifest.ErrInvalid.
func Verify(r io.Reader) (Verified, error) {
	files := map[string]scanned{}
	dirs := map[string]bool{}
	err := scan(r, func(h *tar.Header, body io.Reader) error {
		if h.Typeflag == tar.TypeDir {
			dirs[strings.TrimSuffix(h.Name, "/")] = true
			return nil
		}
		if _, dup := files[h.Name]; dup {
			return fmt.Errorf("%s appears twice", h.Name)
		}
		s, err := read(h, body)
		files[h.Name] = s
		return err
	})
	if err != nil {
		return Verified{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	v, err := agree(files, dirs)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return v, nil
}

// scanned is what Verify learned about one regular file.
type scanned struct {
	size   int64
	mode   string
	sha256 string
	data   []byte // kept for manifest.json and SHA256SUMS only
}

// read hashes one file, keeping the bytes of the two metadata files.
func read(h *tar.Header, body io.Reader) (scanned, error) {
	s := scanned{size: h.Size, mode: manifest.ModeString(h.FileInfo().Mode())}
	hash := sha256.New()
	var keep bytes.Buffer
	w := io.Writer(hash)
	if h.Name == manifest.Path || h.Name == manifest.SumsPath {
		if h.Size > manifest.MaxSize {
			return s, fmt.Errorf("%s is %d bytes, more than %d", h.Name, h.Size, manifest.MaxSize)
		}
		w = io.MultiWriter(hash, &keep)
	}
	if _, err := io.Copy(w, body); err != nil {
		return s, fmt.Errorf("%s: %w", h.Name, err)
	}
	s.sha256, s.data = hex.EncodeToString(hash.Sum(nil)), keep.Bytes()
	return s, nil
}

// scan walks a release tarball, checking each entry's type, name and size
// and the stream's integrity (gzip checksum, nothing after the archive but
// zero padding), and calls fn for each directory and regular file.
func scan(r io.Reader, fn func(h *tar.Header, body io.Reader) error) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("not a gzip stream: %w", err)
	}
	tr := tar.NewReader(gz)
	var total int64
	for n := 0; ; n++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("tar: %w", err)
		}
		if n >= maxEntries {
			return fmt.Errorf("more than %d entries", maxEntries)
		}
		if err := checkEntry(h); err != nil {
			return err
		}
		if total += h.Size; total > MaxReleaseSize {
			return fmt.Errorf("files larger than %d bytes in all", int64(MaxReleaseSize))
		}
		if err := fn(h, tr); err != nil {
			return err
		}
	}
	// The rest of the stream is the archive's zero padding; reading it to
	// the end also checks the gzip CRC and length.
	var buf [4096]byte
	for {
		n, err := gz.Read(buf[:])
		if bytes.ContainsFunc(buf[:n], func(r rune) bool { return r != 0 }) {
			return errors.New("data after the end of the archive")
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
	}
}

// checkEntry allows directories and regular files at valid paths, with
// permission bits only.
func checkEntry(h *tar.Header) error {
	if h.Mode&^0o777 != 0 {
		return fmt.Errorf("entry %q: mode %o has more than permission bits", h.Name, h.Mode)
	}
	switch h.Typeflag {
	case tar.TypeDir:
		if !strings.HasSuffix(h.Name, "/") || !manifest.ValidPath(strings.TrimSuffix(h.Name, "/")) {
			return fmt.Errorf("directory %q: not a valid path", h.Name)
		}
	case tar.TypeReg:
		if !manifest.ValidPath(h.Name) && h.Name != manifest.Path && h.Name != manifest.SumsPath {
			return fmt.Errorf("file %q: not a valid path", h.Name)
		}
		if h.Size < 0 {
			return fmt.Errorf("file %q: size %d", h.Name, h.Size)
		}
	default:
		return fmt.Errorf("entry %q: type %q is neither a regular file nor a directory", h.Name, h.Typeflag)
	}
	return nil
}

// agree checks that the manifest, SHA256SUMS, the files and the
// directories tell the same story.
func agree(files map[string]scanned, dirs map[string]bool) (Verified, error) {
	mf, ok := files[manifest.Path]
	if !ok {
		return Verified{}, fmt.Errorf("no %s", manifest.Path)
	}
	sf, ok := files[manifest.SumsPath]
	if !ok {
		return Verified{}, fmt.Errorf("no %s", manifest.SumsPath)
	}
	m, err := manifest.Parse(mf.data)
	if err != nil {
		return Verified{}, err
	}
	sums, err := manifest.ParseSums(sf.data)
	if err != nil {
		return Verified{}, err
	}
	if len(files) != len(m.Files)+2 {
		return Verified{}, fmt.Errorf("%d files, and the manifest lists %d", len(files)-2, len(m.Files))
	}
	parents := map[string]bool{}
	for _, f := range m.Files {
		got, ok := files[f.Path]
		switch {
		case !ok:
			return Verified{}, fmt.Errorf("%s: in the manifest, not in the tarball", f.Path)
		case got.size != f.Size || got.sha256 != f.SHA256:
			return Verified{}, fmt.Errorf("%s: checksum mismatch: the manifest says %d bytes with sha256 %s, the tarball holds %d bytes with sha256 %s",
				f.Path, f.Size, f.SHA256, got.size, got.sha256)
		case got.mode != f.Mode:
			return Verified{}, fmt.Errorf("%s: mode %s, the manifest says %s", f.Path, got.mode, f.Mode)
		}
		for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
			parents[d] = true
		}
	}
	for d := range dirs {
		if !parents[d] {
			return Verified{}, fmt.Errorf("directory %s holds no file of the manifest", d)
		}
	}
	if len(sums) != len(files)-1 {
		return Verified{}, fmt.Errorf("%s lists %d files, the tarball holds %d", manifest.SumsPath, len(sums), len(files)-1)
	}
	for _, s := range sums {
		got, ok := files[s.Path]
		if !ok || got.sha256 != s.SHA256 {
			return Verified{}, fmt.Errorf("%s: checksum mismatch with %s", s.Path, manifest.SumsPath)
		}
	}
	return Verified{Manifest: m, ManifestBytes: mf.data, Sums: sf.data}, nil
}
