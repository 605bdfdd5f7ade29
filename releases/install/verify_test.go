package install

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/fifogo/fifo/releases/manifest"
)

func TestVerifyAcceptsPackedTarball(t *testing.T) {
	v, err := Verify(bytes.NewReader(tgz(t, options("1.2.3", "0.0.0"))))
	if err != nil {
		t.Fatal(err)
	}
	if v.Manifest.Version != "1.2.3" || len(v.Manifest.Files) != 5 || len(v.ManifestBytes) == 0 || len(v.Sums) == 0 {
		t.Fatalf("Verify = %+v", v.Manifest)
	}
}

// uncompressed returns the release bytes a tar.gz carries, or nil.
func uncompressed(b []byte) []byte {
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	out, err := io.ReadAll(gz)
	if err != nil {
		return nil
	}
	return out
}

// Flipping a byte of the tarball either makes Verify refuse it, or leaves
// the release's bytes as they were (gzip header fields such as its time
// and OS, or padding bits after the last deflate block). Every byte of the
// gzip header and trailer is tried, and every third byte in between.
func TestVerifyCatchesFlippedBytes(t *testing.T) {
	orig := tgz(t, options("1.2.3", "0.0.0"))
	want := uncompressed(orig)
	refused, tried := 0, 0
	for i := 0; i < len(orig); i++ {
		if i >= 32 && i < len(orig)-32 && i%3 != 0 {
			continue
		}
		tried++
		b := bytes.Clone(orig)
		b[i] ^= 0x01
		_, err := Verify(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d: %v does not wrap ErrCorrupt", i, err)
			}
			refused++
			continue
		}
		if !bytes.Equal(uncompressed(b), want) {
			t.Fatalf("byte %d flipped: Verify accepted different contents", i)
		}
	}
	if refused < tried-16 {
		t.Fatalf("only %d of %d flips refused", refused, tried)
	}
}

// tamper rewrites a packed tarball's entries.
func tamper(t *testing.T, fn func(es []tarEntry) []tarEntry) []byte {
	t.Helper()
	return repack(t, fn(entries(t, tgz(t, options("1.2.3", "0.0.0")))))
}

func find(es []tarEntry, name string) int {
	for i, e := range es {
		if e.hdr.Name == name {
			return i
		}
	}
	panic("no entry " + name)
}

func TestVerifyRefusesTampering(t *testing.T) {
	good := tgz(t, options("1.2.3", "0.0.0"))
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"binary changed", tamper(t, func(es []tarEntry) []tarEntry {
			i := find(es, "bin/fifo")
			es[i].data = []byte("evil 1.2.3\n")
			return es
		}), "bin/fifo: checksum mismatch"},
		{"binary and manifest changed, SHA256SUMS not", tamper(t, func(es []tarEntry) []tarEntry {
			i, j := find(es, "bin/fifo"), find(es, manifest.Path)
			es[i].data = []byte("evil 1.2.3\n")
			m, _ := manifest.Parse(es[j].data)
			for k := range m.Files {
				if m.Files[k].Path == "bin/fifo" {
					m.Files[k].SHA256 = sha256Hex(es[i].data)
					m.Files[k].Size = int64(len(es[i].data))
				}
			}
			es[j].data = m.Marshal()
			return es
		}), "checksum mismatch with SHA256SUMS"},
		{"file added", tamper(t, func(es []tarEntry) []tarEntry {
			return append(es, tarEntry{tar.Header{Name: "bin/extra", Typeflag: tar.TypeReg, Mode: 0o755}, []byte("x")})
		}), "the manifest lists 5"},
		{"file dropped", tamper(t, func(es []tarEntry) []tarEntry {
			i := find(es, "bin/chunter")
			return append(es[:i], es[i+1:]...)
		}), "the manifest lists 5"},
		{"no manifest", tamper(t, func(es []tarEntry) []tarEntry {
			i := find(es, manifest.Path)
			return append(es[:i], es[i+1:]...)
		}), "no manifest.json"},
		{"no checksums", tamper(t, func(es []tarEntry) []tarEntry {
			i := find(es, manifest.SumsPath)
			return append(es[:i], es[i+1:]...)
		}), "no SHA256SUMS"},
		{"symlink", tamper(t, func(es []tarEntry) []tarEntry {
			return append(es, tarEntry{tar.Header{Name: "bin/sh", Typeflag: tar.TypeSymlink, Linkname: "/bin/sh"}, nil})
		}), "neither a regular file nor a directory"},
		{"escaping path", tamper(t, func(es []tarEntry) []tarEntry {
			es[find(es, "bin/fifo")].hdr.Name = "../../bin/fifo"
			return es
		}), "not a valid path"},
		{"setuid", tamper(t, func(es []tarEntry) []tarEntry {
			es[find(es, "bin/fifo")].hdr.Mode = 0o4755
			return es
		}), "more than permission bits"},
		{"mode changed", tamper(t, func(es []tarEntry) []tarEntry {
			es[find(es, "bin/fifo")].hdr.Mode = 0o644
			return es
		}), "mode 0644"},
		{"listed twice", tamper(t, func(es []tarEntry) []tarEntry {
			return append(es, es[find(es, "bin/fifo")])
		}), "appears twice"},
		{"stray directory", tamper(t, func(es []tarEntry) []tarEntry {
			return append(es, tarEntry{tar.Header{Name: "var/", Typeflag: tar.TypeDir, Mode: 0o755}, nil})
		}), "holds no file"},
		{"garbage after the gzip stream", append(bytes.Clone(good), "junk"...), "gzip"},
		{"data after the archive", func() []byte {
			var b bytes.Buffer
			gz := gzip.NewWriter(&b)
			gz.Write(uncompressed(good))
			gz.Write([]byte("appended"))
			gz.Close()
			return b.Bytes()
		}(), "data after the end"},
		{"truncated", good[:len(good)/2], "unexpected EOF"},
		{"not gzip", []byte("PK\x03\x04 a zip file"), "not a gzip stream"},
		{"empty", nil, "not a gzip stream"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Verify(bytes.NewReader(c.data))
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Verify: %v, want ErrCorrupt mentioning %q", err, c.want)
			}
		})
	}
}
