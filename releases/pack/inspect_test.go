package pack

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

func TestInspectReadsPlatform(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Inspect(exe)
	if err != nil {
		t.Fatal(err)
	}
	if b.Platform != (Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}) || b.GoVersion != runtime.Version() {
		t.Fatalf("Inspect(test binary) = %+v", b)
	}
}

// Inspect reads the stamp of binaries built as the Makefile builds them
// (-trimpath, so the build information has no -ldflags), for Linux and,
// cross-built, for illumos.
func TestInspectReadsStamp(t *testing.T) {
	const pkg = "github.com/fifogo/fifo/internal/version."
	ld := "-X " + pkg + "Version=1.2.3-4-gabcdef0 -X " + pkg + "Commit=abcdef0 -X " + pkg + "Date=2026-11-25T10:00:00Z"
	for _, p := range []Platform{{OS: runtime.GOOS, Arch: runtime.GOARCH}, {OS: "illumos", Arch: "amd64"}} {
		out := filepath.Join(t.TempDir(), "stamped")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ld, "-o", out, "./testdata/stamped")
		cmd.Env = append(os.Environ(), "GOOS="+p.OS, "GOARCH="+p.Arch, "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build for %v: %v\n%s", p, err, msg)
		}
		b, err := Inspect(out)
		if err != nil {
			t.Fatal(err)
		}
		want := Binary{Platform: p, GoVersion: runtime.Version(), Version: "1.2.3-4-gabcdef0", Commit: "abcdef0", Date: "2026-11-25T10:00:00Z"}
		if b != want {
			t.Fatalf("Inspect = %+v, want %+v", b, want)
		}
	}
}

func TestInspectRefusesNonGoFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fake")
	os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
	if _, err := Inspect(p); !errors.Is(err, ErrInput) {
		t.Fatalf("Inspect(shell script) = %v", err)
	}
}

func TestStamps(t *testing.T) {
	const prefix = "github.com/fifogo/fifo/internal/version."
	ld := "-s -X github.com/fifogo/fifo/internal/version.Version=1.2.3 -X=github.com/fifogo/fifo/internal/version.Commit=abc " +
		"-X other/pkg.Version=no -X github.com/fifogo/fifo/internal/version.Date=2026-11-25T10:00:00Z -X"
	got := stamps(ld, prefix)
	if got["Version"] != "1.2.3" || got["Commit"] != "abc" || got["Date"] != "2026-11-25T10:00:00Z" || len(got) != 3 {
		t.Fatalf("stamps = %v", got)
	}
}
