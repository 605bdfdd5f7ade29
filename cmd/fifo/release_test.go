package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/fifogo/fifo/releases/install"
	"github.com/fifogo/fifo/releases/manifest"
	"github.com/fifogo/fifo/releases/pack"
)

// fakeRelease packs a fifo release with small fake binaries, as the
// packer would, and returns its path.
func fakeRelease(t *testing.T, dir, version, floor string, p pack.Platform) string {
	t.Helper()
	meta := pack.Meta{Version: version, Commit: "c0ffee", Date: "2026-11-25T10:00:00Z", GoVersion: runtime.Version(),
		UpgradeFrom: floor, Apps: map[string][]string{"all-in-one": {"store"}}, Schemas: map[string]uint32{"vm": 2}}
	res, err := pack.WriteFile(dir, pack.Fifo(meta, p, pack.FromBytes([]byte("fifo "+version)), pack.FromBytes([]byte("chunter "+version))))
	if err != nil {
		t.Fatal(err)
	}
	return res.Path
}

// The release commands of the built binary, end to end: build a tarball
// from the binary itself, unpack, install (and run the installed binary),
// refusals that change nothing, permanent, rollback, list, a running node
// told to restart, two unpacks at once, and usage errors.
func TestReleaseCommandsEndToEnd(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "releases")
	dist := filepath.Join(base, "dist")
	env := append(os.Environ(), "FIFO_HTTP_ADDR=127.0.0.1:0") // no node to ask, unless a case sets one
	rel := func(args ...string) (string, string, int) {
		t.Helper()
		return runFifo(t, env, append([]string{"release"}, args...)...)
	}
	ok := func(args ...string) string {
		t.Helper()
		out, errOut, code := rel(args...)
		if code != 0 {
			t.Fatalf("fifo release %v: exit %d\n%s%s", args, code, out, errOut)
		}
		return out
	}
	refused := func(want string, args ...string) {
		t.Helper()
		before := treeOf(t, root)
		out, errOut, code := rel(args...)
		if code != 1 || !strings.Contains(errOut, want) {
			t.Fatalf("fifo release %v: exit %d, want 1 with %q\n%s%s", args, code, want, out, errOut)
		}
		if after := treeOf(t, root); after != before {
			t.Fatalf("fifo release %v changed the root:\n%s\n---\n%s", args, before, after)
		}
	}
	here := pack.Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}

	// Build from binaries stamped like this one; a small program that
	// prints its stamp stands in for both, so that packing stays quick.
	small := filepath.Join(base, "small")
	build := exec.Command("go", "build", "-trimpath", "-ldflags",
		"-X github.com/fifogo/fifo/internal/version.Version=9.8.7-test -X github.com/fifogo/fifo/internal/version.Commit=c0ffee",
		"-o", small, "../../releases/pack/testdata/stamped")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build a stamped binary: %v\n%s", err, msg)
	}
	out := ok("build", "--out", dist, "--fifo", small, "--chunter", small)
	tarball := filepath.Join(dist, fmt.Sprintf("fifo-9.8.7-test-%s-%s.tar.gz", here.OS, here.Arch))
	if !strings.Contains(out, tarball) {
		t.Fatalf("build printed %q", out)
	}
	v, err := install.Verify(mustOpenFile(t, tarball))
	if err != nil {
		t.Fatal(err)
	}
	if m := v.Manifest; m.Version != "9.8.7-test" || m.Commit != "c0ffee" || m.UpgradeFrom != "0.0.0" || m.Schemas["vm"] == 0 ||
		len(m.Apps["all-in-one"]) == 0 || m.OS != here.OS {
		t.Fatalf("manifest %+v", m)
	}
	for _, bad := range []string{"/bin/sh", binPath + "-missing"} {
		if _, errOut, code := rel("build", "--out", dist, "--fifo", small, "--chunter", bad); code != 1 || !strings.Contains(errOut, bad) {
			t.Fatalf("build with chunter %s: exit %d %s", bad, code, errOut)
		}
	}
	// Binaries of another build are refused: the test binary's own
	// build is stamped, the small program unstamped here.
	other := filepath.Join(base, "unstamped")
	if msg, err := exec.Command("go", "build", "-o", other, "../../releases/pack/testdata/stamped").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	if _, errOut, code := rel("build", "--out", dist, "--fifo", small, "--chunter", other); code != 1 || !strings.Contains(errOut, "is version dev") {
		t.Fatalf("build with an unstamped chunter: exit %d %s", code, errOut)
	}

	if out := ok("list", "--root", root); !strings.Contains(out, "no releases in "+root) {
		t.Fatalf("list: %q", out)
	}
	ok("unpack", "--root", root, tarball)
	out = ok("install", "--root", root, "9.8.7-test")
	if !strings.Contains(out, "current release: none -> 9.8.7-test") || !strings.Contains(out, "next (re)starts") {
		t.Fatalf("install: %q", out)
	}
	// The installed binary runs from current/.
	vout, err := exec.Command(filepath.Join(root, "current", "bin", "fifo"), "version").Output()
	if err != nil || !strings.Contains(string(vout), "9.8.7-test") {
		t.Fatalf("current/bin/fifo version: %q %v", vout, err)
	}

	// Refusals, each with nothing changed.
	fakes := filepath.Join(base, "fakes")
	arch := pack.Platform{OS: here.OS, Arch: "arm64"}
	if here.Arch == "arm64" {
		arch.Arch = "amd64"
	}
	refused("is built for "+arch.OS+"/"+arch.Arch, "unpack", "--root", root, fakeRelease(t, fakes, "9.9.0", "0.0.0", arch))
	refused("upgrades only from 10.0.0 or later, and this node runs 9.8.7-test", "unpack", "--root", root,
		fakeRelease(t, fakes, "10.1.0", "10.0.0", here))
	corrupt := fakeRelease(t, fakes, "9.9.1", "0.0.0", here)
	data, _ := os.ReadFile(corrupt)
	data[len(data)/2] ^= 0xff
	os.WriteFile(corrupt, data, 0o644)
	refused("corrupt", "unpack", "--root", root, corrupt)
	refused("not unpacked", "install", "--root", root, "9.9.9")

	// Upgrade, make permanent, roll back.
	ok("unpack", "--root", root, fakeRelease(t, fakes, "10.0.0", "9.0.0", here))
	ok("install", "--root", root, "10.0.0")
	if out := ok("list", "--root", root); !strings.Contains(out, "9.8.7-test") ||
		!regexpLine(out, "10.0.0", "installed current") || !regexpLine(out, "9.8.7-test", "installed permanent previous") {
		t.Fatalf("list:\n%s", out)
	}
	ok("permanent", "--root", root, "10.0.0")
	out = ok("rollback", "--root", root)
	if !strings.Contains(out, "current release: 10.0.0 -> 9.8.7-test") {
		t.Fatalf("rollback: %q", out)
	}
	if link, _ := os.Readlink(filepath.Join(root, "current")); link != "9.8.7-test" {
		t.Fatalf("current -> %q", link)
	}
	if out := ok("list", "--root", root); !regexpLine(out, "9.8.7-test", "installed current permanent") {
		t.Fatalf("list after rollback:\n%s", out)
	}

	// A node that answers on the configured address but not on a control
	// socket (not a fifo node of this version) is told to restart.
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.Write([]byte("ok"))
			return
		}
		http.NotFound(w, r)
	}))
	defer node.Close()
	addr := strings.TrimPrefix(node.URL, "http://")
	out, _, code := runFifo(t, with(env, "FIFO_HTTP_ADDR="+addr), "release", "install", "--root", root, "10.0.0")
	if code != 0 || !strings.Contains(out, "a node answers at "+addr) || !strings.Contains(out, "not on its control socket") ||
		!strings.Contains(out, "restart it to run 10.0.0") {
		t.Fatalf("install with a running node: exit %d %q", code, out)
	}

	// Two unpacks at once, in two processes: both are recorded.
	a, b := fakeRelease(t, fakes, "10.2.0", "0.0.0", here), fakeRelease(t, fakes, "10.3.0", "0.0.0", here)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, p := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(binPath, "release", "unpack", "--root", root, p)
			cmd.Env = env
			var e bytes.Buffer
			cmd.Stderr = &e
			if err := cmd.Run(); err != nil {
				codes[i] = 1
				t.Errorf("concurrent unpack %s: %v %s", p, err, e.String())
			}
		}()
	}
	wg.Wait()
	if out := ok("list", "--root", root); !strings.Contains(out, "10.2.0") || !strings.Contains(out, "10.3.0") {
		t.Fatalf("after concurrent unpacks:\n%s", out)
	}

	// The default root is "releases" beside the configuration's data dir.
	data2 := filepath.Join(base, "node", "data")
	if _, _, code := runFifo(t, with(env, "FIFO_DATA_DIR="+data2), "release", "unpack", a); code != 0 {
		t.Fatalf("unpack into the default root: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(base, "node", "releases", "10.2.0", manifest.Path)); err != nil {
		t.Fatalf("default root: %v", err)
	}

	// Usage errors exit 2.
	for _, args := range [][]string{{"install"}, {"unpack", "a", "b"}, {"rollback", "x"}, {"list", "--bogus"}} {
		if _, _, code := rel(args...); code != 2 {
			t.Errorf("fifo release %v: exit %d, want 2", args, code)
		}
	}
}

// regexpLine reports whether out has a line with version followed by
// exactly the marks given.
func regexpLine(out, version, marks string) bool {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && f[0] == version && strings.Join(f[1:], " ") == marks {
			return true
		}
	}
	return false
}

// treeOf describes every entry under dir (name, mode, link target, size).
func treeOf(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		target, _ := os.Readlink(p)
		data := ""
		if info.Mode().IsRegular() && info.Size() < 4096 {
			raw, _ := os.ReadFile(p)
			data = string(raw)
		}
		fmt.Fprintf(&b, "%s %v %s %d %q\n", p, info.Mode(), target, info.Size(), data)
		return nil
	})
	return b.String()
}

func mustOpenFile(t *testing.T, p string) *os.File {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
