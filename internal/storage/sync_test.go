package storage

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Unsynced commits followed by SyncWAL survive a crash that keeps no
// unsynced data; unsynced commits after the last SyncWAL do not (so the
// crash model bites).
func TestSyncWALMakesEarlierCommitsDurable(t *testing.T) {
	fs := vfs.NewCrashableMem()
	const dir = "/store"
	opts := Options{Partitions: 4, fs: fs}
	db, err := Open(dir, opts)
	must(t, err)
	var synced []string
	for i := range 200 {
		id := fmt.Sprintf("s%d", i)
		b := db.NewBatch()
		must(t, b.Put(db.PartitionOf("vm", id), "vm", id, crashValue(id)))
		must(t, db.Commit(b, false))
		synced = append(synced, id)
	}
	must(t, db.SyncWAL())
	for i := range 20 {
		id := fmt.Sprintf("u%d", i)
		b := db.NewBatch()
		must(t, b.Put(db.PartitionOf("vm", id), "vm", id, crashValue(id)))
		must(t, db.Commit(b, false))
	}
	crashed := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
	must(t, db.Close())
	opts.fs = crashed
	db, err = Open(dir, opts)
	must(t, err)
	defer db.Close()
	for _, id := range synced {
		v, err := db.Get(db.PartitionOf("vm", id), "vm", id)
		if err != nil || !bytes.Equal(v, crashValue(id)) {
			t.Fatalf("write %s committed before SyncWAL lost: %v", id, err)
		}
	}
	if _, err := db.Get(db.PartitionOf("vm", "u0"), "vm", "u0"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("write after the last sync survived (%v): the crash model is not biting", err)
	}
}

func TestSyncWALClosed(t *testing.T) {
	db, err := Open(t.TempDir(), Options{})
	must(t, err)
	must(t, db.Close())
	if err := db.SyncWAL(); !errors.Is(err, ErrClosed) {
		t.Fatalf("SyncWAL after close: %v", err)
	}
}

func TestFlushKeepsData(t *testing.T) {
	db, err := Open(t.TempDir(), Options{})
	must(t, err)
	defer db.Close()
	b := db.NewBatch()
	must(t, b.Put(db.PartitionOf("vm", "a"), "vm", "a", []byte("v")))
	must(t, db.Commit(b, true))
	before, err := db.Stats()
	must(t, err)
	must(t, db.Flush())
	after, err := db.Stats()
	must(t, err)
	if after.Flushes <= before.Flushes {
		t.Fatalf("flushes %d -> %d: nothing flushed", before.Flushes, after.Flushes)
	}
	if v, err := db.Get(db.PartitionOf("vm", "a"), "vm", "a"); err != nil || string(v) != "v" {
		t.Fatalf("after flush: %q %v", v, err)
	}
}
