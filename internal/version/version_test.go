package version

import (
	"runtime"
	"testing"
)

func TestGetReportsStampedVars(t *testing.T) {
	got := Get()
	want := Info{Version: Version, Commit: Commit, Date: Date, GoVersion: runtime.Version()}
	if got != want {
		t.Fatalf("Get() = %+v, want %+v", got, want)
	}
}

func TestGetUnstamped(t *testing.T) {
	if Version != "dev" {
		t.Skipf("binary stamped with Version=%q", Version)
	}
	got := Get()
	want := Info{Version: "dev", Commit: "unknown", Date: "unknown", GoVersion: runtime.Version()}
	if got != want {
		t.Fatalf("Get() = %+v, want %+v", got, want)
	}
}

func TestInfoString(t *testing.T) {
	i := Info{Version: "1.2.3", Commit: "abc123", Date: "2026-11-25", GoVersion: "go1.26.8"}
	const want = "fifo 1.2.3 (commit abc123, built 2026-11-25, go1.26.8)"
	if got := i.String(); got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
}

func TestStringIsGet(t *testing.T) {
	if got, want := String(), Get().String(); got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
}
