package pack

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/releases/manifest"
)

func TestBuildIsReproducible(t *testing.T) {
	a, b := build(t, fakeFifo()), build(t, fakeFifo())
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same inputs differ")
	}
	// The inputs' order does not matter either.
	opts := fakeFifo()
	slices.Reverse(opts.Files)
	if !bytes.Equal(a, build(t, opts)) {
		t.Fatal("input order changed the tarball")
	}
	// Nor does a different machine's idea of "now": nothing reads a clock.
	// What does change the bytes is the input.
	other := fakeFifo()
	other.Files[0].Source = FromBytes([]byte("#!other fifo\n"))
	if bytes.Equal(a, build(t, other)) {
		t.Fatal("different inputs gave the same tarball")
	}
}

func TestTarballLayout(t *testing.T) {
	gz, entries := readTarball(t, build(t, fakeFifo()))
	if gz.Name != "" || !gz.ModTime.IsZero() || gz.Comment != "" {
		t.Errorf("gzip header carries name %q time %v comment %q", gz.Name, gz.ModTime, gz.Comment)
	}
	var names []string
	mtime := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, e := range entries {
		h := e.hdr
		names = append(names, h.Name)
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || !h.ModTime.Equal(mtime) {
			t.Errorf("%s: uid %d gid %d %q/%q mtime %v", h.Name, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime)
		}
		wantMode := int64(0o644)
		if strings.HasSuffix(h.Name, "/") || strings.HasPrefix(h.Name, "bin/") {
			wantMode = 0o755
		}
		if h.Mode != wantMode {
			t.Errorf("%s: mode %o, want %o", h.Name, h.Mode, wantMode)
		}
	}
	want := []string{"SHA256SUMS", "bin/", "bin/chunter", "bin/fifo", "etc/", "etc/fifo.toml", "manifest.json",
		"smf/", "smf/fifo.xml", "systemd/", "systemd/fifo.service"}
	if !slices.Equal(names, want) {
		t.Fatalf("entries %v, want %v", names, want)
	}
}

func TestManifestContents(t *testing.T) {
	_, entries := readTarball(t, build(t, fakeFifo()))
	files := map[string][]byte{}
	for _, e := range entries {
		files[e.hdr.Name] = e.data
	}
	m, err := manifest.Parse(files[manifest.Path])
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "fifo" || m.Version != "1.2.3" || m.Commit != "c0ffee" || m.Date != "2026-11-25T10:00:00Z" ||
		m.GoVersion != "go1.26.8" || m.OS != "linux" || m.Arch != "amd64" || m.UpgradeFrom != "1.0.0" ||
		m.Schemas["vm"] != 2 || !slices.Equal(m.Apps["all-in-one"], []string{"store", "snarl"}) {
		t.Fatalf("manifest %+v", m)
	}
	if string(files["etc/fifo.toml"]) != config.Example() {
		t.Error("etc/fifo.toml is not config.Example()")
	}
	// Every file but the manifest and SHA256SUMS is in the manifest, with
	// its size, mode and hash; SHA256SUMS covers the manifest too.
	sums, err := manifest.ParseSums(files[manifest.SumsPath])
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 5 || len(sums) != 6 {
		t.Fatalf("%d manifest files, %d sums", len(m.Files), len(sums))
	}
	for _, s := range sums {
		if got := sha256.Sum256(files[s.Path]); hex.EncodeToString(got[:]) != s.SHA256 {
			t.Errorf("SHA256SUMS: %s does not match", s.Path)
		}
	}
	for _, f := range m.Files {
		sum := sha256.Sum256(files[f.Path])
		if f.Size != int64(len(files[f.Path])) || f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("manifest: %s does not match", f.Path)
		}
	}
}

func TestChunterTarball(t *testing.T) {
	_, entries := readTarball(t, build(t, Chunter(testMeta(), Platform{OS: "illumos", Arch: "amd64"}, FromBytes([]byte("agent")))))
	var names []string
	var m manifest.Manifest
	for _, e := range entries {
		names = append(names, e.hdr.Name)
		if e.hdr.Name == manifest.Path {
			var err error
			if m, err = manifest.Parse(e.data); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := []string{"SHA256SUMS", "bin/", "bin/chunter", "manifest.json", "smf/", "smf/chunter.xml"}
	if !slices.Equal(names, want) || m.Name != "chunter" || m.OS != "illumos" || len(m.Schemas) != 0 {
		t.Fatalf("entries %v, manifest %+v", names, m)
	}
}

// changing is a source whose bytes differ on each open.
func changing() Source {
	n := 0
	return func() (io.ReadCloser, error) {
		n++
		return io.NopCloser(strings.NewReader(strings.Repeat("x", n))), nil
	}
}

func TestBuildRefusesBadInputs(t *testing.T) {
	cases := map[string]func(o *Options){
		"bad path":        func(o *Options) { o.Files[0].Path = "../bin/fifo" },
		"listed twice":    func(o *Options) { o.Files[1].Path = o.Files[0].Path },
		"reserved name":   func(o *Options) { o.Files[0].Path = "manifest.json" },
		"group writable":  func(o *Options) { o.Files[0].Mode = 0o775 },
		"no source":       func(o *Options) { o.Files[0].Source = nil },
		"bad version":     func(o *Options) { o.Manifest.Version = "1.2/3" },
		"bad floor":       func(o *Options) { o.Manifest.UpgradeFrom = "latest" },
		"no platform":     func(o *Options) { o.Manifest.OS = "" },
		"changed midway":  func(o *Options) { o.Files[0].Source = changing() },
		"file under file": func(o *Options) { o.Files = append(o.Files, Input{"bin/fifo/x", 0o644, FromBytes(nil)}) },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			opts := fakeFifo()
			mutate(&opts)
			_, err := Build(io.Discard, opts)
			if !errors.Is(err, ErrInput) {
				t.Fatalf("Build: %v, want ErrInput", err)
			}
		})
	}
}

func TestSourceErrorsAreReported(t *testing.T) {
	opts := fakeFifo()
	opts.Files[0].Source = FromFile("/nonexistent/fifo")
	if _, err := Build(io.Discard, opts); err == nil || !strings.Contains(err.Error(), "/nonexistent/fifo") {
		t.Fatalf("Build: %v", err)
	}
}

func TestModTimeWithoutRFC3339Date(t *testing.T) {
	opts := fakeFifo()
	opts.Manifest.Date = "unknown"
	_, entries := readTarball(t, build(t, opts))
	if !entries[0].hdr.ModTime.Equal(time.Unix(0, 0)) {
		t.Fatalf("mtime %v, want the epoch", entries[0].hdr.ModTime)
	}
}
