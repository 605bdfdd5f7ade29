package pack

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"testing"
)

// entry is one tarball entry as read back.
type entry struct {
	hdr  *tar.Header
	data []byte
}

// readTarball reads every entry of a tar.gz, failing the test on any error.
func readTarball(t *testing.T, b []byte) (*gzip.Reader, []entry) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out []entry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return gz, out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{h, data})
	}
}

// testMeta is a build's stamp for tests.
func testMeta() Meta {
	return Meta{
		Version: "1.2.3", Commit: "c0ffee", Date: "2026-11-25T10:00:00Z", GoVersion: "go1.26.8",
		UpgradeFrom: "1.0.0",
		Apps:        map[string][]string{"all-in-one": {"store", "snarl"}},
		Schemas:     map[string]uint32{"vm": 2, "user": 1},
	}
}

// fakeFifo packs two small fake binaries.
func fakeFifo() Options {
	return Fifo(testMeta(), Platform{OS: "linux", Arch: "amd64"},
		FromBytes([]byte("#!fake fifo\n")), FromBytes([]byte("#!fake chunter\n")))
}

func build(t *testing.T, opts Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := Build(&b, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
