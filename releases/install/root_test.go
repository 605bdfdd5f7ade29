package install

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fifogo/fifo/releases/manifest"
	"github.com/fifogo/fifo/releases/pack"
)

func mustUnpack(t *testing.T, r *Root, path string) Unpacked {
	t.Helper()
	u, err := r.Unpack(path)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUnpackLaysOutTheRelease(t *testing.T) {
	r := newRoot(t)
	u := mustUnpack(t, r, release(t, "1.0.0", "0.0.0"))
	if u.Already || u.Manifest.Version != "1.0.0" || u.Dir != filepath.Join(r.Dir(), "1.0.0") {
		t.Fatalf("Unpack = %+v", u)
	}
	for p, mode := range map[string]os.FileMode{"bin/fifo": 0o755, "bin/chunter": 0o755, "etc/fifo.toml": 0o644,
		"smf/fifo.xml": 0o644, "systemd/fifo.service": 0o644, "manifest.json": 0o644, "SHA256SUMS": 0o644} {
		st, err := os.Stat(filepath.Join(u.Dir, p))
		if err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: %v %v", p, st, err)
		}
	}
	for p, mode := range map[string]os.FileMode{u.Dir: 0o755, filepath.Join(u.Dir, "bin"): 0o755, filepath.Join(r.Dir(), RecordName): 0o644} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: %v %v, want mode %o", p, st, err, mode)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(u.Dir, "bin/fifo")); string(data) != "fifo 1.0.0\n" {
		t.Fatalf("bin/fifo holds %q", data)
	}
	if _, err := checkDir(u.Dir); err != nil {
		t.Fatalf("the unpacked folder does not check: %v", err)
	}
	s, _ := r.State()
	if summary(s) != "cur= perm= prev= [1.0.0]" {
		t.Fatalf("state %s", summary(s))
	}
	if link, _ := r.Link(); link != "" {
		t.Fatalf("unpack made a current link to %q", link)
	}
	// Nothing else: no staging folder or temporary file is left.
	names, _ := os.ReadDir(r.Dir())
	var got []string
	for _, n := range names {
		got = append(got, n.Name())
	}
	if strings.Join(got, " ") != "1.0.0 RELEASES RELEASES.lock" {
		t.Fatalf("root holds %v", got)
	}
	// The same tarball again changes nothing.
	before := snapshot(t, r.Dir())
	if u := mustUnpack(t, r, release(t, "1.0.0", "0.0.0")); !u.Already {
		t.Fatal("second unpack of the same release did something")
	}
	sameSnapshot(t, before, snapshot(t, r.Dir()))
}

// Refused tarballs change nothing, and the error says why.
func TestUnpackRefuses(t *testing.T) {
	other := func(mutate func(o *pack.Options)) []byte {
		o := options("1.1.0", "0.0.0")
		mutate(&o)
		return tgz(t, o)
	}
	flipped := tgz(t, options("1.1.0", "0.0.0"))
	flipped[len(flipped)/2] ^= 0x40
	cases := []struct {
		name string
		data []byte
		err  error
		want string
	}{
		{"another arch", other(func(o *pack.Options) { o.Manifest.Arch = "arm64" }), ErrPlatform, "built for linux/arm64, and this node is linux/amd64"},
		{"another os", other(func(o *pack.Options) { o.Manifest.OS = "illumos" }), ErrPlatform, "illumos/amd64"},
		{"another product", other(func(o *pack.Options) { o.Manifest.Name = "howl" }), ErrProduct, "is a howl release"},
		{"too new an upgrade base", other(func(o *pack.Options) { o.Manifest.UpgradeFrom = "1.0.1" }), manifest.ErrUpgradeBase, "upgrades only from 1.0.1 or later, and this node runs 1.0.0"},
		{"corrupt", flipped, ErrCorrupt, ""},
		{"tampered", tamper(t, func(es []tarEntry) []tarEntry {
			es[find(es, "bin/fifo")].data = []byte("evil")
			return es
		}), ErrCorrupt, "checksum mismatch"},
		{"same version, other contents", other(func(o *pack.Options) { o.Manifest.Version = "1.0.0" }), ErrExists, "other contents"},
		{"reserved version", other(func(o *pack.Options) { o.Manifest.Version = "current" }), ErrCorrupt, "reserved"},
	}
	r := newRoot(t)
	mustUnpack(t, r, release(t, "1.0.0", "0.0.0"))
	if _, err := r.Install("1.0.0"); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := snapshot(t, r.Dir())
			_, err := r.Unpack(save(t, c.data))
			if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Unpack: %v, want %v mentioning %q", err, c.err, c.want)
			}
			sameSnapshot(t, before, snapshot(t, r.Dir()))
		})
	}
	t.Run("missing file", func(t *testing.T) {
		if _, err := r.Unpack(filepath.Join(t.TempDir(), "nope.tar.gz")); err == nil || !strings.Contains(err.Error(), "nope.tar.gz") {
			t.Fatalf("Unpack: %v", err)
		}
	})
	// A refused tarball on a fresh node does not even create the root.
	fresh := newRoot(t)
	if _, err := fresh.Unpack(save(t, flipped)); !errors.Is(err, ErrCorrupt) {
		t.Fatal(err)
	}
	if _, err := os.Stat(fresh.Dir()); !os.IsNotExist(err) {
		t.Fatalf("refused unpack created the root: %v", err)
	}
}

func TestInstallPermanentRollbackOnDisk(t *testing.T) {
	r := newRoot(t)
	for _, v := range []string{"1.0.0", "1.1.0"} {
		mustUnpack(t, r, release(t, v, "0.0.0"))
	}
	step := func(sw Switch, err error, from, to string) {
		t.Helper()
		if err != nil || sw.From != from || sw.To != to || !sw.Changed {
			t.Fatalf("switch %+v %v, want %s -> %s", sw, err, from, to)
		}
		if link, _ := r.Link(); link != to {
			t.Fatalf("current -> %q, want %q", link, to)
		}
		data, err := os.ReadFile(filepath.Join(r.Dir(), CurrentName, "bin", "fifo"))
		if err != nil || string(data) != "fifo "+to+"\n" {
			t.Fatalf("current/bin/fifo: %q %v", data, err)
		}
	}
	sw, err := r.Install("1.0.0")
	step(sw, err, "", "1.0.0")
	sw, err = r.Install("1.1.0")
	step(sw, err, "1.0.0", "1.1.0")
	if sw, err := r.Install("1.1.0"); err != nil || sw.Changed {
		t.Fatalf("reinstall: %+v %v", sw, err)
	}
	if err := r.MakePermanent("1.1.0"); err != nil {
		t.Fatal(err)
	}
	sw, err = r.Rollback()
	step(sw, err, "1.1.0", "1.0.0")
	s, _ := r.State()
	if summary(s) != "cur=1.0.0 perm=1.0.0 prev= [1.0.0* 1.1.0*]" {
		t.Fatalf("state %s", summary(s))
	}
	before := snapshot(t, r.Dir())
	if _, err := r.Rollback(); !errors.Is(err, ErrNoRollback) {
		t.Fatalf("second rollback: %v", err)
	}
	if _, err := r.Install("2.0.0"); !errors.Is(err, ErrNotUnpacked) {
		t.Fatalf("install of a missing release: %v", err)
	}
	if err := r.MakePermanent("1.1.0"); !errors.Is(err, ErrNotCurrent) {
		t.Fatalf("permanent of a release not current: %v", err)
	}
	sameSnapshot(t, before, snapshot(t, r.Dir()))
}

// Install checks the unpacked files again: a damaged binary is not
// switched to.
func TestInstallRefusesDamagedRelease(t *testing.T) {
	r := newRoot(t)
	mustUnpack(t, r, release(t, "1.0.0", "0.0.0"))
	if err := os.WriteFile(filepath.Join(r.ReleaseDir("1.0.0"), "bin", "fifo"), []byte("fifo 1.0.1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, r.Dir())
	if _, err := r.Install("1.0.0"); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "bin/fifo") {
		t.Fatalf("Install: %v", err)
	}
	sameSnapshot(t, before, snapshot(t, r.Dir()))
}

// Commands on a root that does not exist say why and create nothing.
func TestCommandsOnAnEmptyNode(t *testing.T) {
	r := newRoot(t)
	if _, err := r.Install("1.0.0"); !errors.Is(err, ErrNotUnpacked) {
		t.Fatal(err)
	}
	if _, err := r.Rollback(); !errors.Is(err, ErrNoRollback) {
		t.Fatal(err)
	}
	if err := r.MakePermanent("1.0.0"); !errors.Is(err, ErrNotUnpacked) {
		t.Fatal(err)
	}
	if s, err := r.State(); err != nil || len(s.Entries()) != 0 {
		t.Fatal(s, err)
	}
	if _, err := os.Stat(r.Dir()); !os.IsNotExist(err) {
		t.Fatal("a command created the root")
	}
}

// After crashes: a release folder the record does not list is replaced by
// the next unpack of that version, staging folders are removed, and a
// current link that disagrees with the record is repaired.
func TestDebrisOfCrashes(t *testing.T) {
	r := newRoot(t)
	mustUnpack(t, r, release(t, "1.0.0", "0.0.0"))
	if _, err := r.Install("1.0.0"); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(r.Dir(), "1.1.0", "bin"), 0o755)
	os.WriteFile(filepath.Join(r.Dir(), "1.1.0", "bin", "fifo"), []byte("half"), 0o755)
	os.MkdirAll(filepath.Join(r.Dir(), ".unpack-1.1.0-123"), 0o755)
	if err := setLink(r.Dir(), "1.1.0"); err != nil {
		t.Fatal(err)
	}
	mustUnpack(t, r, release(t, "1.1.0", "0.0.0"))
	if _, err := checkDir(r.ReleaseDir("1.1.0")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), ".unpack-1.1.0-123")); !os.IsNotExist(err) {
		t.Fatal("staging debris left")
	}
	if link, _ := r.Link(); link != "1.0.0" {
		t.Fatalf("current -> %q, want the recorded 1.0.0", link)
	}
}

func TestDefaultDir(t *testing.T) {
	for data, want := range map[string]string{
		"/var/lib/fifo/data":  "/var/lib/fifo/releases",
		"/var/lib/fifo/data/": "/var/lib/fifo/releases",
		"./data":              "releases",
		"data":                "releases",
	} {
		if got := DefaultDir(data); got != want {
			t.Errorf("DefaultDir(%q) = %q, want %q", data, got, want)
		}
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New accepted no root")
	}
	r, err := New(Options{Dir: "x"})
	if err != nil || r.opts.Product != "fifo" || r.opts.Platform.OS == "" {
		t.Fatalf("defaults: %+v %v", r, err)
	}
}

// A recorded release whose folder was removed is unpacked again.
func TestUnpackRestoresAMissingFolder(t *testing.T) {
	r := newRoot(t)
	mustUnpack(t, r, release(t, "1.0.0", "0.0.0"))
	if err := os.RemoveAll(r.ReleaseDir("1.0.0")); err != nil {
		t.Fatal(err)
	}
	if u := mustUnpack(t, r, release(t, "1.0.0", "0.0.0")); u.Already {
		t.Fatal("a missing folder counted as already unpacked")
	}
	if _, err := checkDir(r.ReleaseDir("1.0.0")); err != nil {
		t.Fatal(err)
	}
	if s, _ := r.State(); summary(s) != "cur= perm= prev= [1.0.0]" {
		t.Fatalf("state %s", summary(s))
	}
}
