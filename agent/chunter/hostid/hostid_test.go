package hostid

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
)

func TestCreatedOnceAndStable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "chunter")
	calls := 0
	gen := func() (string, error) { calls++; return New(nil) }
	id, err := LoadOrCreate(dir, gen)
	if err != nil || !driver.ValidUUID(id) {
		t.Fatalf("id %q err %v", id, err)
	}
	st, err := os.Stat(filepath.Join(dir, File))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v err %v", st.Mode(), err)
	}
	again, err := LoadOrCreate(dir, gen)
	if err != nil || again != id || calls != 1 {
		t.Fatalf("second load %q (first %q), gen called %d times, err %v", again, id, calls, err)
	}
}

func TestConcurrentStartersAgree(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := LoadOrCreate(dir, func() (string, error) { return New(nil) })
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("starters disagree: %v", ids)
		}
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreate(dir, func() (string, error) { return "not-a-uuid", nil }); err == nil {
		t.Fatal("accepted a bad generated id")
	}
	boom := errors.New("boom")
	if _, err := LoadOrCreate(dir, func() (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("generator error lost: %v", err)
	}
	os.WriteFile(filepath.Join(dir, File), []byte("garbage\n"), 0o600)
	if _, err := LoadOrCreate(dir, func() (string, error) { return New(nil) }); err == nil || !strings.Contains(err.Error(), "not a uuid") {
		t.Fatalf("accepted a bad file: %v", err)
	}
	// An upper-case hardware uuid is kept in canonical lower case.
	dir2 := t.TempDir()
	id, err := LoadOrCreate(dir2, func() (string, error) { return "6B3A2C1E-0D4F-4A5B-8C7D-9E0F1A2B3C4D", nil })
	if err != nil || id != "6b3a2c1e-0d4f-4a5b-8c7d-9e0f1a2b3c4d" {
		t.Fatalf("id %q err %v", id, err)
	}
}

func TestNew(t *testing.T) {
	id, err := New(bytes.NewReader(bytes.Repeat([]byte{0xff}, 16)))
	if err != nil || id != "ffffffff-ffff-4fff-bfff-ffffffffffff" || !driver.ValidUUID(id) {
		t.Fatalf("%q %v", id, err)
	}
	if _, err := New(bytes.NewReader(nil)); err == nil {
		t.Fatal("short reader accepted")
	}
}
