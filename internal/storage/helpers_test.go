package storage

import (
	"log/slog"
	"testing"
)

// quietPebble silences Pebble's own logging in tests that open Pebble
// directly.
var quietPebble = pebbleLogger{slog.New(slog.DiscardHandler)}

// openTest opens a store in a fresh temporary directory and closes it when
// the test ends (unless the test closed it already).
func openTest(t testing.TB, opts Options) *DB {
	t.Helper()
	db, err := Open(t.TempDir(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// mustCommit commits b synced or fails the test.
func mustCommit(t testing.TB, db *DB, b *Batch) {
	t.Helper()
	if err := db.Commit(b, true); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

// must fails the test on a non-nil error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
