package storage

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// SyncWAL makes every commit that returned before it was called durable:
// it syncs the write-ahead log up to its end. It is the second half of
// group commit across writers: each commits with Commit(b, false) (applied
// and visible at once, in order) and then waits on SyncWAL before
// acknowledging; concurrent SyncWAL calls share one fsync in Pebble's
// commit pipeline. A failure means nothing about earlier commits is known
// to be durable.
func (db *DB) SyncWAL() error {
	if !db.enter() {
		return fmt.Errorf("storage: sync: %w", ErrClosed)
	}
	defer db.exit()
	// An empty log-data record written with Sync forces the WAL (which is
	// sequential, and synced on rotation) to be synced past every earlier
	// commit.
	if err := db.pdb.LogData(nil, pebble.Sync); err != nil {
		return fmt.Errorf("storage: sync: %w", markCorruption(err))
	}
	return nil
}

// Flush writes the memtables out to sstables and waits for it: for tools
// and benchmarks that want reads to come from tables, and before copying a
// store's files. Normal operation never needs it.
func (db *DB) Flush() error {
	if !db.enter() {
		return fmt.Errorf("storage: flush: %w", ErrClosed)
	}
	defer db.exit()
	if err := db.pdb.Flush(); err != nil {
		return fmt.Errorf("storage: flush: %w", markCorruption(err))
	}
	return nil
}
