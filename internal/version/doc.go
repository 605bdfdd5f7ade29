// Package version reports what build of FiFo is running.
//
// The build stamps three package variables through the linker:
//
//	go build -ldflags "\
//	  -X github.com/fifogo/fifo/internal/version.Version=1.2.3 \
//	  -X github.com/fifogo/fifo/internal/version.Commit=abc123 \
//	  -X github.com/fifogo/fifo/internal/version.Date=2026-11-25"
//
// They are the one documented exception to the project's rule against mutable
// package state: nothing in the program assigns them, only the linker does.
// An unstamped build (go test, go run) reports Version "dev", Commit
// "unknown" and Date "unknown". The workplace builds with -buildvcs=false, so
// runtime/debug.ReadBuildInfo carries no VCS revision to fall back on.
//
// Get returns the stamped values together with the Go toolchain version as an
// Info. Info.String renders it as a one-line banner for `fifo version` and the
// start-up log; the fifo_build_info metric takes its labels from the same Info.
package version
