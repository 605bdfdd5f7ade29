package upgrade

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// CheckBinary runs the binary: one that reports another version, or
// does not run, is ErrInvalid.
func TestCheckBinary(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := script("good", `echo "chunter fifo 2.0.0 (commit x, built y, go1.26)"`)
	if err := CheckBinary(context.Background(), good, "2.0.0"); err != nil {
		t.Fatal(err)
	}
	if err := CheckBinary(context.Background(), good, "3.0.0"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("other version: %v", err)
	}
	fails := script("fails", "exit 3")
	if err := CheckBinary(context.Background(), fails, "2.0.0"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("failing binary: %v", err)
	}
	junk := filepath.Join(dir, "junk")
	if err := os.WriteFile(junk, []byte{0x7f, 'E', 'L', 'F', 0, 1, 2}, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := CheckBinary(context.Background(), junk, "2.0.0"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("not an executable: %v", err)
	}
}
