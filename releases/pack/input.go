package pack

import (
	"bytes"
	"io"
	"io/fs"
	"os"
)

// Source opens the bytes of one file to pack. Build opens it twice.
type Source func() (io.ReadCloser, error)

// FromFile reads the file at path.
func FromFile(path string) Source {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// FromBytes reads b.
func FromBytes(b []byte) Source {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// Input is one file of a release.
type Input struct {
	// Path is where the file goes in the release (manifest.ValidPath).
	Path string
	// Mode is its permission bits: 0755 for executables, 0644 otherwise.
	Mode fs.FileMode
	// Source gives its bytes.
	Source Source
}
