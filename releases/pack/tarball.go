package pack

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// tarball writes a reproducible tar.gz: fixed owner, modes and time, and a
// gzip header without name or time.
type tarball struct {
	gz    *gzip.Writer
	tw    *tar.Writer
	mtime time.Time
}

func newTarball(w io.Writer, mtime time.Time) *tarball {
	gz, _ := gzip.NewWriterLevel(w, gzip.DefaultCompression) // the level is valid
	return &tarball{gz: gz, tw: tar.NewWriter(gz), mtime: mtime}
}

func (t *tarball) header(name string, typ byte, mode fs.FileMode, size int64) *tar.Header {
	return &tar.Header{
		Typeflag: typ,
		Name:     name,
		Mode:     int64(mode),
		Size:     size,
		ModTime:  t.mtime,
		Format:   tar.FormatUSTAR,
	}
}

// dir writes a directory entry; name ends in a slash.
func (t *tarball) dir(name string) error {
	return t.tw.WriteHeader(t.header(name, tar.TypeDir, 0o755, 0))
}

// file writes a regular file whose bytes must have the given size and
// SHA-256, or the source changed since it was hashed.
func (t *tarball) file(name string, mode fs.FileMode, size int64, src Source, sum string) error {
	if err := t.tw.WriteHeader(t.header(name, tar.TypeReg, mode, size)); err != nil {
		return err
	}
	r, err := src()
	if err != nil {
		return err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(t.tw, h), io.LimitReader(r, size))
	if err != nil {
		return err
	}
	more, err := io.Copy(io.Discard, io.LimitReader(r, 1))
	if err != nil {
		return err
	}
	if n != size || more != 0 || hex.EncodeToString(h.Sum(nil)) != sum {
		return fmt.Errorf("%w: changed while it was packed", ErrInput)
	}
	return nil
}

func (t *tarball) close() error {
	if err := t.tw.Close(); err != nil {
		return err
	}
	return t.gz.Close()
}

// modTime is every entry's modification time: the build date when it is
// RFC 3339, else the Unix epoch.
func modTime(date string) time.Time {
	if d, err := time.Parse(time.RFC3339, date); err == nil {
		return d.UTC().Truncate(time.Second)
	}
	return time.Unix(0, 0).UTC()
}
