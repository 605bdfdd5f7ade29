package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2"
)

func TestPutGetDelete(t *testing.T) {
	db := openTest(t, Options{Partitions: 8})
	p := db.PartitionOf("vm", "a")

	if _, err := db.Get(p, "vm", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Put: %v, want ErrNotFound", err)
	}
	b := db.NewBatch()
	must(t, b.Put(p, "vm", "a", []byte("one")))
	must(t, b.Put(p, "vm", "b", []byte("two")))
	must(t, b.Put(p, "vm", "a", []byte("three"))) // last write in a batch wins
	if b.Len() != 3 {
		t.Fatalf("Len = %d, want 3", b.Len())
	}
	if b.Size() == 0 {
		t.Fatal("Size = 0 for a non-empty batch")
	}
	// Not visible before commit.
	if _, err := db.Get(p, "vm", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Commit: %v, want ErrNotFound", err)
	}
	mustCommit(t, db, b)
	if b.Len() != 0 {
		t.Fatalf("Len after Commit = %d, want 0 (reset)", b.Len())
	}

	v, err := db.Get(p, "vm", "a")
	if err != nil || string(v) != "three" {
		t.Fatalf("Get = %q, %v; want three", v, err)
	}
	v[0] = 'X' // a copy: must not change the store
	if v2, _ := db.Get(p, "vm", "a"); string(v2) != "three" {
		t.Fatalf("Get returned an alias: store now has %q", v2)
	}
	// Same id in another partition or bucket is another record.
	if _, err := db.Get((p+1)%8, "vm", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get in another partition: %v, want ErrNotFound", err)
	}
	if _, err := db.Get(p, "vms", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get in another bucket: %v, want ErrNotFound", err)
	}

	// The reused batch deletes.
	must(t, b.Delete(p, "vm", "a"))
	must(t, b.Delete(p, "vm", "never-there"))
	mustCommit(t, db, b)
	if _, err := db.Get(p, "vm", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	if v, err := db.Get(p, "vm", "b"); err != nil || string(v) != "two" {
		t.Fatalf("Get b = %q, %v", v, err)
	}
}

func TestEmptyValue(t *testing.T) {
	db := openTest(t, Options{Partitions: 1})
	b := db.NewBatch()
	must(t, b.Put(0, "vm", "empty", nil))
	mustCommit(t, db, b)
	v, err := db.Get(0, "vm", "empty")
	if err != nil || len(v) != 0 {
		t.Fatalf("Get empty value = %q, %v", v, err)
	}
}

func TestResetDiscards(t *testing.T) {
	db := openTest(t, Options{Partitions: 1})
	b := db.NewBatch()
	must(t, b.Put(0, "vm", "a", []byte("x")))
	b.Reset()
	if b.Len() != 0 {
		t.Fatalf("Len after Reset = %d", b.Len())
	}
	mustCommit(t, db, b)
	if _, err := db.Get(0, "vm", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("reset write was committed: %v", err)
	}
}

func TestIndex(t *testing.T) {
	db := openTest(t, Options{Partitions: 16})
	p := db.PartitionOfName("users", "admin")
	if _, err := db.GetIndex(p, "users", "admin"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetIndex before put: %v", err)
	}
	b := db.NewBatch()
	must(t, b.PutIndex(p, "users", "admin", "uuid-1"))
	mustCommit(t, db, b)
	if id, err := db.GetIndex(p, "users", "admin"); err != nil || id != "uuid-1" {
		t.Fatalf("GetIndex = %q, %v", id, err)
	}
	// The index and the records are separate keyspaces.
	if _, err := db.Get(p, "users", "admin"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("index entry visible as a record: %v", err)
	}
	must(t, b.DeleteIndex(p, "users", "admin"))
	mustCommit(t, db, b)
	if _, err := db.GetIndex(p, "users", "admin"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetIndex after delete: %v", err)
	}
	if err := b.PutIndex(p, "users", "root", "bad\x00id"); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("PutIndex with a 0x00 id: %v, want ErrInvalidKey", err)
	}
}

func TestInvalidKeys(t *testing.T) {
	db := openTest(t, Options{Partitions: 4})
	b := db.NewBatch()
	cases := []struct {
		name  string
		p     int
		b, id string
	}{
		{"partition negative", -1, "vm", "a"},
		{"partition too big", 4, "vm", "a"},
		{"empty bucket", 0, "", "a"},
		{"0x00 bucket", 0, "v\x00m", "a"},
		{"long bucket", 0, strings.Repeat("b", MaxBucketLen+1), "a"},
		{"empty id", 0, "vm", ""},
		{"0x00 id", 0, "vm", "a\x00b"},
		{"long id", 0, "vm", strings.Repeat("i", MaxIDLen+1)},
	}
	for _, c := range cases {
		checks := map[string]error{
			"Put":               b.Put(c.p, c.b, c.id, []byte("v")),
			"Delete":            b.Delete(c.p, c.b, c.id),
			"PutIndex":          b.PutIndex(c.p, c.b, c.id, "x"),
			"DeleteIndex":       b.DeleteIndex(c.p, c.b, c.id),
			"Quarantine":        b.Quarantine(c.p, c.b, c.id, nil, "r", testTime),
			"DeleteQuarantined": b.DeleteQuarantined(c.p, c.b, c.id),
		}
		_, checks["Get"] = db.Get(c.p, c.b, c.id)
		_, checks["GetIndex"] = db.GetIndex(c.p, c.b, c.id)
		_, _, checks["GetQuarantined"] = db.GetQuarantined(c.p, c.b, c.id)
		for op, err := range checks {
			if !errors.Is(err, ErrInvalidKey) {
				t.Errorf("%s: %s error = %v, want ErrInvalidKey", c.name, op, err)
			}
		}
	}
	if b.Len() != 0 {
		t.Fatalf("invalid writes entered the batch: Len = %d", b.Len())
	}
	if err := b.DeletePartition(4); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("DeletePartition(4): %v", err)
	}
	if err := db.Scan(0, "", func(string, []byte) error { return nil }); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Scan empty bucket: %v", err)
	}
	if err := db.ScanPartition(9, func(string, string, []byte) error { return nil }); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("ScanPartition(9): %v", err)
	}
	if _, err := db.PartitionStats(-1); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("PartitionStats(-1): %v", err)
	}
}

// A failed write leaves the rest of the turn's batch intact.
func TestInvalidWriteKeepsBatch(t *testing.T) {
	db := openTest(t, Options{Partitions: 1})
	b := db.NewBatch()
	must(t, b.Put(0, "vm", "good", []byte("1")))
	if err := b.Put(0, "vm", "", []byte("2")); err == nil {
		t.Fatal("Put with empty id succeeded")
	}
	mustCommit(t, db, b)
	if v, err := db.Get(0, "vm", "good"); err != nil || string(v) != "1" {
		t.Fatalf("good write lost: %q, %v", v, err)
	}
}

func TestReopenPersists(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{Partitions: 32})
	must(t, err)
	b := db.NewBatch()
	for _, id := range []string{"a", "b", "c"} {
		must(t, b.Put(db.PartitionOf("vm", id), "vm", id, []byte("v-"+id)))
	}
	must(t, b.PutIndex(db.PartitionOfName("users", "root"), "users", "root", "u1"))
	mustCommit(t, db, b)
	must(t, db.Close())

	db, err = Open(dir, Options{Partitions: 32})
	must(t, err)
	defer db.Close()
	for _, id := range []string{"a", "b", "c"} {
		v, err := db.Get(db.PartitionOf("vm", id), "vm", id)
		if err != nil || string(v) != "v-"+id {
			t.Errorf("after reopen Get %s = %q, %v", id, v, err)
		}
	}
	if id, err := db.GetIndex(db.PartitionOfName("users", "root"), "users", "root"); err != nil || id != "u1" {
		t.Errorf("after reopen GetIndex = %q, %v", id, err)
	}
}

func TestPartitionMismatch(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{}) // default 64
	must(t, err)
	must(t, db.Close())
	_, err = Open(dir, Options{Partitions: 128})
	if !errors.Is(err, ErrPartitionMismatch) {
		t.Fatalf("reopen with 128 partitions: %v, want ErrPartitionMismatch", err)
	}
	for _, s := range []string{"64", "128", dir} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	db, err = Open(dir, Options{Partitions: 64})
	must(t, err)
	if db.Partitions() != 64 {
		t.Fatalf("Partitions = %d", db.Partitions())
	}
	must(t, db.Close())
}

func TestClosed(t *testing.T) {
	db, err := Open(t.TempDir(), Options{Partitions: 2})
	must(t, err)
	b := db.NewBatch()
	must(t, db.Close())
	if err := db.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
	must(t, b.Put(0, "vm", "a", []byte("x"))) // filling a batch needs no DB
	checks := map[string]error{
		"Commit":             db.Commit(b, true),
		"Scan":               db.Scan(0, "vm", func(string, []byte) error { return nil }),
		"ScanIndex":          db.ScanIndex(0, "vm", func(string, string) error { return nil }),
		"ScanPartition":      db.ScanPartition(0, func(string, string, []byte) error { return nil }),
		"ScanPartitionIdx":   db.ScanPartitionIndex(0, func(string, string, string) error { return nil }),
		"QuarantinedCount":   func() error { _, err := db.QuarantinedCount(); return err }(),
		"Quarantined":        func() error { _, err := db.Quarantined(); return err }(),
		"Stats":              func() error { _, err := db.Stats(); return err }(),
		"PartitionStats":     func() error { _, err := db.PartitionStats(0); return err }(),
		"Get":                func() error { _, err := db.Get(0, "vm", "a"); return err }(),
		"GetIndex":           func() error { _, err := db.GetIndex(0, "vm", "a"); return err }(),
		"GetQuarantined":     func() error { _, _, err := db.GetQuarantined(0, "vm", "a"); return err }(),
		"Commit empty batch": db.Commit(db.NewBatch(), true),
	}
	for op, err := range checks {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", op, err)
		}
	}
}

// Close waits for a scan in progress; operations racing with Close either
// succeed or fail with ErrClosed, never panic (Pebble panics on use after
// close).
func TestCloseWaitsForOperations(t *testing.T) {
	db, err := Open(t.TempDir(), Options{Partitions: 1})
	must(t, err)
	b := db.NewBatch()
	for _, id := range []string{"a", "b"} {
		must(t, b.Put(0, "vm", id, []byte(id)))
	}
	mustCommit(t, db, b)

	inScan := make(chan struct{})
	release := make(chan struct{})
	scanErr := make(chan error, 1)
	go func() {
		first := true
		scanErr <- db.Scan(0, "vm", func(string, []byte) error {
			if first {
				first = false
				close(inScan)
				<-release
			}
			return nil
		})
	}()
	<-inScan
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	// Close cannot finish while the scan holds the DB; new operations fail.
	for {
		_, err := db.Get(0, "vm", "a")
		if errors.Is(err, ErrClosed) {
			break
		}
		must(t, err)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v while a scan was running", err)
	default:
	}
	close(release)
	if err := <-scanErr; err != nil {
		t.Fatalf("scan: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestConcurrentCommitsAndClose(t *testing.T) {
	db, err := Open(t.TempDir(), Options{Partitions: 4})
	must(t, err)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := db.NewBatch()
			for i := 0; ; i++ {
				if err := b.Put(w, "vm", string(rune('a'+i%26)), []byte("x")); err != nil {
					t.Error(err)
					return
				}
				if err := db.Commit(b, i%2 == 0); err != nil {
					if !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
					return
				}
				if _, err := db.Get(w, "vm", "a"); err != nil && !errors.Is(err, ErrClosed) {
					t.Error(err)
					return
				}
				if i == 50 && w == 0 {
					must(t, db.Close())
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestForeignBatch(t *testing.T) {
	a := openTest(t, Options{Partitions: 1})
	b := openTest(t, Options{Partitions: 1})
	batch := a.NewBatch()
	must(t, batch.Put(0, "vm", "x", nil))
	if err := b.Commit(batch, true); !errors.Is(err, ErrForeignBatch) {
		t.Fatalf("commit to another DB: %v", err)
	}
	mustCommit(t, a, batch) // still usable on its own DB
}

func TestOpenNotAStore(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o600))
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrNotStore) {
		t.Fatalf("Open of a directory with a text file: %v, want ErrNotStore", err)
	}
	// Nothing was created in it.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("Open wrote into a foreign directory: %d entries", len(ents))
	}
}

func TestOpenForeignPebble(t *testing.T) {
	dir := t.TempDir()
	pdb, err := pebble.Open(dir, &pebble.Options{Logger: quietPebble})
	must(t, err)
	must(t, pdb.Set([]byte("some-other-app"), []byte("data"), pebble.Sync))
	must(t, pdb.Close())
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrNotStore) {
		t.Fatalf("Open of a foreign Pebble database: %v, want ErrNotStore", err)
	}
}

// An empty Pebble database (e.g. a crash between Pebble's creation of the
// directory and the meta write) is adopted.
func TestOpenEmptyPebble(t *testing.T) {
	dir := t.TempDir()
	pdb, err := pebble.Open(dir, &pebble.Options{Logger: quietPebble})
	must(t, err)
	must(t, pdb.Close())
	db, err := Open(dir, Options{Partitions: 3})
	must(t, err)
	must(t, db.Close())
	if _, err := Open(dir, Options{Partitions: 4}); !errors.Is(err, ErrPartitionMismatch) {
		t.Fatalf("meta not written on adoption: %v", err)
	}
}

func TestOpenCorruptMeta(t *testing.T) {
	cases := map[string]struct {
		value []byte
		want  error
	}{
		"garbage":     {[]byte("garbage"), ErrCorrupt},
		"newer build": {append([]byte("fifo-store"), 0, 9, 0, 64), ErrUnsupportedVersion},
	}
	for name, c := range cases {
		dir := t.TempDir()
		db, err := Open(dir, Options{})
		must(t, err)
		must(t, db.Close())
		pdb, err := pebble.Open(dir, &pebble.Options{Logger: quietPebble})
		must(t, err)
		must(t, pdb.Set(metaKey, c.value, pebble.Sync))
		must(t, pdb.Close())
		if _, err := Open(dir, Options{}); !errors.Is(err, c.want) {
			t.Errorf("%s: Open = %v, want %v", name, err, c.want)
		}
	}
}

// Damaged Pebble files make Open fail with an error naming the directory,
// not a panic and not an empty store.
func TestOpenCorruptFiles(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	must(t, err)
	b := db.NewBatch()
	must(t, b.Put(0, "vm", "a", bytes.Repeat([]byte("x"), 100)))
	mustCommit(t, db, b)
	must(t, db.Close())
	ents, err := os.ReadDir(dir)
	must(t, err)
	damaged := 0
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "MANIFEST-") {
			must(t, os.WriteFile(filepath.Join(dir, e.Name()), bytes.Repeat([]byte{0xde, 0xad}, 64), 0o600))
			damaged++
		}
	}
	if damaged == 0 {
		t.Fatal("no MANIFEST file found to damage")
	}
	_, err = Open(dir, Options{})
	if err == nil {
		t.Fatal("Open of a store with a damaged MANIFEST succeeded")
	}
	if !strings.Contains(err.Error(), dir) || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open error %q lacks the directory or ErrCorrupt", err)
	}
}

func TestOpenOnFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	must(t, os.WriteFile(f, []byte("x"), 0o600))
	if _, err := Open(f, Options{}); err == nil {
		t.Fatal("Open on a regular file succeeded")
	}
}

func TestStats(t *testing.T) {
	db := openTest(t, Options{Partitions: 4})
	b := db.NewBatch()
	for i := range 100 {
		must(t, b.Put(1, "vm", string(rune('A'+i%50))+string(rune('a'+i/50)), bytes.Repeat([]byte("v"), 1000)))
	}
	must(t, b.PutIndex(1, "users", "root", "u1"))
	must(t, b.Quarantine(1, "vm", "bad", []byte("??"), "r", testTime))
	mustCommit(t, db, b)
	s, err := db.Stats()
	must(t, err)
	if s.Partitions != 4 || s.FormatVersion != FormatVersion {
		t.Errorf("Stats = %+v", s)
	}
	if s.DiskBytes < 100*1000 || s.WALBytes < 100*1000 {
		t.Errorf("Stats reports no disk use after 100 KB of writes: %+v", s)
	}
	if !strings.Contains(s.String(), "partitions 4") {
		t.Errorf("Stats.String() = %q", s.String())
	}
	ps, err := db.PartitionStats(1)
	must(t, err)
	want := PartitionStats{Partition: 1, Records: 100, RecordBytes: 100 * 1000, IndexEntries: 1, Quarantined: 1}
	ps.EstimatedDiskBytes = 0 // memtable data is not estimated
	if ps != want {
		t.Errorf("PartitionStats(1) = %+v, want %+v", ps, want)
	}
	empty, err := db.PartitionStats(2)
	must(t, err)
	if empty != (PartitionStats{Partition: 2}) {
		t.Errorf("PartitionStats(2) = %+v, want empty", empty)
	}
}

func TestOpenTwiceFails(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	must(t, err)
	defer db.Close()
	if db2, err := Open(dir, Options{}); err == nil {
		db2.Close()
		t.Fatal("a second Open of a store in use succeeded")
	}
	b := db.NewBatch()
	must(t, b.Put(0, "vm", "a", []byte("x")))
	mustCommit(t, db, b) // the first handle still works
}

func TestInMemory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mem")
	db, err := Open(dir, Options{InMemory: true, Partitions: 2})
	must(t, err)
	b := db.NewBatch()
	must(t, b.Put(1, "vm", "a", []byte("x")))
	mustCommit(t, db, b)
	if v, err := db.Get(1, "vm", "a"); err != nil || string(v) != "x" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	must(t, db.Close())
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("in-memory store touched the disk: %v", err)
	}
	db, err = Open(dir, Options{InMemory: true, Partitions: 2})
	must(t, err)
	defer db.Close()
	if _, err := db.Get(1, "vm", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("in-memory data survived Close: %v", err)
	}
}

// The hook runs after the commit released the DB, so it may use it.
func TestQuarantineHookMayUseDB(t *testing.T) {
	var db *DB
	var seen int
	db = openTest(t, Options{Partitions: 1, OnQuarantine: func(e QuarantineEntry) {
		n, err := db.QuarantinedCount()
		if err != nil {
			t.Error(err)
		}
		seen = n
	}})
	b := db.NewBatch()
	must(t, b.Quarantine(0, "vm", "a", nil, "r", testTime))
	mustCommit(t, db, b)
	if seen != 1 {
		t.Fatalf("hook saw %d quarantined, want 1 (the committed entry)", seen)
	}
}

func TestView(t *testing.T) {
	db := openTest(t, Options{Partitions: 2})
	b := db.NewBatch()
	must(t, b.Put(1, "vm", "a", []byte("value")))
	mustCommit(t, db, b)
	var got string
	must(t, db.View(1, "vm", "a", func(v []byte) error { got = string(v); return nil }))
	if got != "value" {
		t.Fatalf("View saw %q", got)
	}
	called := false
	if err := db.View(1, "vm", "missing", func([]byte) error { called = true; return nil }); !errors.Is(err, ErrNotFound) || called {
		t.Fatalf("View of a missing record: err %v, fn called %v", err, called)
	}
	boom := errors.New("boom")
	if err := db.View(1, "vm", "a", func([]byte) error { return boom }); !errors.Is(err, boom) || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("View fn error: %v", err)
	}
	if err := db.View(2, "vm", "a", func([]byte) error { return nil }); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("View partition 2: %v", err)
	}
	must(t, db.Close())
	if err := db.View(1, "vm", "a", func([]byte) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("View after Close: %v", err)
	}
}
