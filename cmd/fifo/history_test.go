package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestHistoryKeepsNoPasswords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hist")
	h := openHistory(path)
	for _, l := range []string{"status", "users add bob pw", "USERS  passwd bob pw2", "users list", "users list", "procs 5"} {
		h.Add(l)
	}
	if h.Len() != 3 || h.At(0) != "procs 5" || h.At(2) != "status" {
		t.Fatalf("history %v", h.lines)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "pw") {
		t.Fatalf("a password reached the file: %q", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("history mode %v", st.Mode())
	}
	// A later session starts from the file; lines written by hand with
	// a password are dropped on load.
	os.WriteFile(path, append(b, "users add x y\n"...), 0o600)
	h2 := openHistory(path)
	if !slices.Equal(h2.lines, []string{"status", "users list", "procs 5"}) {
		t.Fatalf("reloaded %v", h2.lines)
	}
	// No file: in memory only.
	h3 := openHistory("")
	h3.Add("status")
	if h3.Len() != 1 {
		t.Fatal("in-memory history")
	}
}

func TestPasswordFromStdin(t *testing.T) {
	got, err := passwordFromStdin([]string{"users", "add", "bob", "-"}, strings.NewReader("s3 cret\r\nignored\n"))
	if err != nil || !slices.Equal(got, []string{"users", "add", "bob", "s3 cret"}) {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := passwordFromStdin([]string{"users", "passwd", "bob", "-"}, strings.NewReader("")); err == nil {
		t.Fatal("empty stdin accepted")
	}
	other := []string{"users", "grant", "bob", "-"}
	if got, _ := passwordFromStdin(other, strings.NewReader("x\n")); !slices.Equal(got, other) {
		t.Fatalf("grant changed: %q", got)
	}
}

func TestComplete(t *testing.T) {
	if l, p, ok := complete("sta", 3, '\t'); !ok || l != "status " || p != 7 {
		t.Fatalf("complete sta = %q %d %v", l, p, ok)
	}
	if _, _, ok := complete("s", 1, '\t'); ok { // status, store
		t.Fatal("ambiguous prefix completed")
	}
	if _, _, ok := complete("users li", 8, '\t'); ok {
		t.Fatal("second word completed")
	}
	if _, _, ok := complete("sta", 3, 'x'); ok {
		t.Fatal("completed without Tab")
	}
}
