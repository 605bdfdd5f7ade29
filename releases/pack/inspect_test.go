package pack

import (
	"errors"
	"os"
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
