package storage

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"pgregory.net/rapid"
)

// inPebble reads record (bucket, id) of partition p from Pebble itself,
// past the key filter: the ground truth the filter must agree with.
func inPebble(t interface{ Fatalf(string, ...any) }, db *DB, p int, bucket, id string) ([]byte, bool) {
	v, closer, err := db.pdb.Get(appendKey(nil, spaceRecord, uint16(p), bucket, id))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false
	}
	if err != nil {
		t.Fatalf("pebble get: %v", err)
	}
	defer closer.Close()
	return bytes.Clone(v), true
}

// waitFilled waits until the background fill of db's key filter ended
// and checks that it filled every partition.
func waitFilled(t testing.TB, db *DB) {
	t.Helper()
	<-db.filter.filled
	for p := range db.filter.parts {
		fp := &db.filter.parts[p]
		fp.mu.RLock()
		filled := fp.filled
		fp.mu.RUnlock()
		if !filled {
			t.Fatalf("partition %d of the key filter not filled", p)
		}
	}
}

// filterSize is the number of hashes the filter holds, all partitions.
func filterSize(db *DB) int {
	n := 0
	for p := range db.partitions {
		n += db.filter.size(p)
	}
	return n
}

// The key filter never disagrees with the database: under random puts,
// deletes, quarantines, partition drops, discarded batches, synced and
// unsynced commits, reopens and crashes, every record Pebble holds passes
// the filter, and Lookup and Get answer what Pebble holds (and, short of
// a crash, what a plain map of the committed writes holds).
func TestKeyFilterNeverDisagreesWithDB(t *testing.T) {
	const partitions = 3
	rapid.Check(t, func(rt *rapid.T) {
		fs := vfs.NewCrashableMem()
		opts := Options{Partitions: partitions, fs: fs}
		db, err := Open("/store", opts)
		if err != nil {
			rt.Fatal(err)
		}
		defer func() { _ = db.Close() }()
		type rec struct {
			p      int
			bucket string
			id     string
		}
		var universe []rec
		for _, bucket := range []string{"vm", "vms"} {
			for i := range 8 {
				id := fmt.Sprintf("id%d", i)
				universe = append(universe, rec{db.PartitionOf(bucket, id), bucket, id})
			}
		}
		model := map[rec][]byte{}  // committed state
		staged := map[rec][]byte{} // the open batch's writes over model (nil: deleted)
		b := db.NewBatch()
		pick := rapid.SampledFrom(universe)
		reopen := func(crash bool) {
			if crash {
				opts.fs = fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
			}
			if err := db.Close(); err != nil {
				rt.Fatal(err)
			}
			if db, err = Open("/store", opts); err != nil {
				rt.Fatal(err)
			}
			fs = opts.fs.(*vfs.MemFS)
			b = db.NewBatch()
			clear(staged)
			if crash { // what survived is Pebble's business: start from it
				clear(model)
				for _, r := range universe {
					if v, ok := inPebble(rt, db, r.p, r.bucket, r.id); ok {
						model[r] = v
					}
				}
			}
		}
		rt.Repeat(map[string]func(*rapid.T){
			"put": func(rt *rapid.T) {
				r := pick.Draw(rt, "rec")
				v := []byte(rapid.StringMatching(`[a-z]{0,6}`).Draw(rt, "value"))
				if err := b.Put(r.p, r.bucket, r.id, v); err != nil {
					rt.Fatal(err)
				}
				staged[r] = v
			},
			"delete": func(rt *rapid.T) {
				r := pick.Draw(rt, "rec")
				if err := b.Delete(r.p, r.bucket, r.id); err != nil {
					rt.Fatal(err)
				}
				staged[r] = nil
			},
			"quarantine": func(rt *rapid.T) {
				r := pick.Draw(rt, "rec")
				if err := b.Quarantine(r.p, r.bucket, r.id, []byte("raw"), "bad", time.Unix(1, 0)); err != nil {
					rt.Fatal(err)
				}
				staged[r] = nil
			},
			"drop partition": func(rt *rapid.T) {
				p := rapid.IntRange(0, partitions-1).Draw(rt, "p")
				if err := b.DeletePartition(p); err != nil {
					rt.Fatal(err)
				}
				for _, r := range universe {
					if r.p == p {
						staged[r] = nil
					}
				}
			},
			"discard": func(rt *rapid.T) {
				b.Reset()
				clear(staged)
			},
			"commit": func(rt *rapid.T) {
				if err := db.Commit(b, rapid.Bool().Draw(rt, "sync")); err != nil {
					rt.Fatal(err)
				}
				for r, v := range staged {
					if v == nil {
						delete(model, r)
					} else {
						model[r] = v
					}
				}
				clear(staged)
			},
			// Reopening is the slow step: one draw in four does it.
			"reopen": func(rt *rapid.T) {
				switch rapid.IntRange(0, 7).Draw(rt, "how") {
				case 0:
					reopen(false)
				case 1:
					reopen(true)
				}
			},
			"": func(rt *rapid.T) {
				for _, r := range universe {
					pv, inDB := inPebble(rt, db, r.p, r.bucket, r.id)
					if inDB && !db.filter.mayExist(appendKey(nil, spaceRecord, uint16(r.p), r.bucket, r.id)) {
						rt.Fatalf("%v is in the database but not in the key filter", r)
					}
					want, inModel := model[r]
					if inDB != inModel || !bytes.Equal(pv, want) {
						rt.Fatalf("%v: pebble has %q (%v), the model %q (%v)", r, pv, inDB, want, inModel)
					}
					v, found, err := db.Lookup(r.p, r.bucket, r.id)
					if err != nil || found != inDB || !bytes.Equal(v, pv) {
						rt.Fatalf("Lookup %v = %q, %v, %v; pebble has %q (%v)", r, v, found, err, pv, inDB)
					}
					g, err := db.Get(r.p, r.bucket, r.id)
					if inDB != (err == nil) || !bytes.Equal(g, pv) || (!inDB && !errors.Is(err, ErrNotFound)) {
						rt.Fatalf("Get %v = %q, %v; pebble has %q (%v)", r, g, err, pv, inDB)
					}
				}
			},
		})
	})
}

// Open builds the filter from the records on disk: a reopened store finds
// every record it holds (with an empty filter every Get would miss), and
// the hashes of deleted records, kept until then, are gone.
func TestKeyFilterRebuiltOnOpen(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{Partitions: 4})
	must(t, err)
	b := db.NewBatch()
	for i := range 100 {
		id := fmt.Sprintf("r%03d", i)
		must(t, b.Put(db.PartitionOf("vm", id), "vm", id, []byte(id)))
	}
	mustCommit(t, db, b)
	for i := 0; i < 100; i += 2 {
		id := fmt.Sprintf("r%03d", i)
		must(t, b.Delete(db.PartitionOf("vm", id), "vm", id))
	}
	mustCommit(t, db, b)
	if n := filterSize(db); n != 100 {
		t.Fatalf("filter holds %d hashes before reopen, want 100 (deletes keep theirs)", n)
	}
	must(t, db.Close())

	db, err = Open(dir, Options{Partitions: 4})
	must(t, err)
	defer db.Close()
	waitFilled(t, db)
	if n := filterSize(db); n != 50 {
		t.Fatalf("filter holds %d hashes after reopen, want the 50 records left", n)
	}
	for i := range 100 {
		id := fmt.Sprintf("r%03d", i)
		v, err := db.Get(db.PartitionOf("vm", id), "vm", id)
		switch {
		case i%2 == 1 && (err != nil || string(v) != id):
			t.Fatalf("record %s after reopen: %q, %v", id, v, err)
		case i%2 == 0 && !errors.Is(err, ErrNotFound):
			t.Fatalf("deleted record %s after reopen: %q, %v", id, v, err)
		}
	}
}

// Records written before Open, and while the filter fills (here held
// before partition 3: 0 to 2 filled, the others not), are all found
// during the fill and after it.
func TestKeyFilterFillsInBackground(t *testing.T) {
	dir := t.TempDir()
	const partitions = 8
	id := func(i int) string { return fmt.Sprintf("r%04d", i) }
	put := func(db *DB, from, to int) {
		b := db.NewBatch()
		for i := from; i < to; i++ {
			must(t, b.Put(db.PartitionOf("vm", id(i)), "vm", id(i), []byte(id(i))))
			must(t, db.Commit(b, false))
		}
	}
	check := func(db *DB, n int) {
		t.Helper()
		for i := range n {
			if v, found, err := db.Lookup(db.PartitionOf("vm", id(i)), "vm", id(i)); err != nil || !found || string(v) != id(i) {
				t.Fatalf("Lookup %s = %q, %v, %v", id(i), v, found, err)
			}
		}
	}
	db, err := Open(dir, Options{Partitions: partitions})
	must(t, err)
	put(db, 0, 400)
	must(t, db.Close())

	held, release := make(chan struct{}), make(chan struct{})
	db, err = Open(dir, Options{Partitions: partitions, beforeFill: func(p int) {
		if p == 3 {
			close(held)
			<-release
		}
	}})
	must(t, err)
	defer db.Close()
	unhold := sync.OnceFunc(func() { close(release) })
	defer unhold() // before Close, which waits for the fill
	<-held
	put(db, 400, 800) // into filled partitions and unfilled ones
	check(db, 800)
	unhold()
	waitFilled(t, db)
	check(db, 800)
	if n := filterSize(db); n != 800 {
		t.Fatalf("filter holds %d hashes, want 800", n)
	}
}

// Closing a store whose filter is still filling stops the fill.
func TestCloseStopsKeyFilterFill(t *testing.T) {
	dir := t.TempDir()
	held, release := make(chan struct{}), make(chan struct{})
	db, err := Open(dir, Options{Partitions: 4, beforeFill: func(p int) {
		if p == 1 {
			close(held)
			<-release
		}
	}})
	must(t, err)
	<-held
	closed := make(chan error)
	go func() { closed <- db.Close() }()
	for db.openErr() == nil { // Close has begun
		runtime.Gosched()
	}
	close(release) // the fill's next scan finds the store closed
	must(t, <-closed)
	<-db.filter.filled
	for p := 1; p < 4; p++ {
		if db.filter.parts[p].filled {
			t.Fatalf("partition %d filled after Close", p)
		}
	}
}

// Keys that no Get can ask for (too short to hold a partition, or of a
// partition out of range) do not stop Open.
func TestKeyFilterSkipsStrayKeys(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{Partitions: 2})
	must(t, err)
	must(t, db.pdb.Set([]byte{byte(spaceRecord), 0}, []byte("x"), pebble.Sync))
	must(t, db.pdb.Set(appendKey(nil, spaceRecord, 7, "vm", "a"), []byte("x"), pebble.Sync))
	b := db.NewBatch()
	must(t, b.Put(1, "vm", "b", []byte("y")))
	mustCommit(t, db, b)
	must(t, db.Close())
	db, err = Open(dir, Options{Partitions: 2})
	must(t, err)
	defer db.Close()
	if v, err := db.Get(1, "vm", "b"); err != nil || string(v) != "y" {
		t.Fatalf("get after reopen: %q, %v", v, err)
	}
}

// A record is in the filter before anyone can read it: readers that find
// a record by scanning always find it by key too, while writers add
// records concurrently (run with -race).
func TestKeyFilterConcurrentReaders(t *testing.T) {
	db := openTest(t, Options{Partitions: 2})
	const writers, each = 2, 300
	var done atomic.Bool
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := db.NewBatch()
			for i := range each {
				id := fmt.Sprintf("w%d-%04d", w, i)
				if err := b.Put(i%2, "vm", id, []byte(id)); err != nil {
					t.Error(err)
					return
				}
				if err := db.Commit(b, false); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var readers sync.WaitGroup
	var checked atomic.Int64
	for r := range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for !done.Load() {
				err := db.Scan(r, "vm", func(id string, _ []byte) error {
					checked.Add(1)
					if _, found, err := db.Lookup(r, "vm", id); err != nil || !found {
						return fmt.Errorf("scan found %s, Lookup did not: %v", id, err)
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	done.Store(true)
	readers.Wait()
	if checked.Load() == 0 {
		t.Fatal("the readers checked nothing")
	}
}

func TestLookup(t *testing.T) {
	db := openTest(t, Options{Partitions: 2})
	waitFilled(t, db)
	b := db.NewBatch()
	must(t, b.Put(1, "vm", "a", []byte("value")))
	mustCommit(t, db, b)
	v, found, err := db.Lookup(1, "vm", "a")
	if err != nil || !found || string(v) != "value" {
		t.Fatalf("Lookup of a record = %q, %v, %v", v, found, err)
	}
	v[0] = 'X' // a copy
	if v, _, _ := db.Lookup(1, "vm", "a"); string(v) != "value" {
		t.Fatalf("Lookup handed out Pebble's memory: %q", v)
	}
	for _, k := range [][2]string{{"vm", "b"}, {"vms", "a"}} { // filter miss, a miss past the filter
		if v, found, err := db.Lookup(1, k[0], k[1]); err != nil || found || v != nil {
			t.Fatalf("Lookup %q = %q, %v, %v; want a miss", k, v, found, err)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _, _, _ = db.Lookup(1, "vm", "missing") }); n != 0 {
		t.Fatalf("a miss allocates %v times", n)
	}
	if _, _, err := db.Lookup(1, "vm", ""); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("Lookup of an empty id: %v", err)
	}
	if _, _, err := db.Lookup(2, "vm", "a"); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("Lookup out of range: %v", err)
	}
	must(t, db.Close())
	for _, id := range []string{"a", "missing"} {
		if _, _, err := db.Lookup(1, "vm", id); !errors.Is(err, ErrClosed) {
			t.Fatalf("Lookup %q after Close: %v", id, err)
		}
	}
}
