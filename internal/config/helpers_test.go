package config

import (
	"os"
	"path/filepath"
	"testing"
)

// envMap turns a map into the lookup function Load takes.
func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// writeFile writes doc to a file in a fresh temp dir and returns its path.
func writeFile(t testing.TB, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fifo.toml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
