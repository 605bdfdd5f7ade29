package storage

import (
	"bytes"
	"errors"
	"fmt"
	iofs "io/fs"
	"log/slog"
	"sync"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// pebbleFormat pins Pebble's on-disk format. It is named, not
// pebble.FormatNewest, so that upgrading the Pebble module never ratchets
// the format of existing stores behind our back: a node rolled back to the
// previous release must still open its store. Raise it deliberately.
const pebbleFormat = pebble.FormatValueSeparation

// DB is one node's store: a Pebble database laid out by ring partition
// (see the package documentation). It is safe for concurrent use.
type DB struct {
	pdb          *pebble.DB
	dir          string
	partitions   int
	log          *slog.Logger
	onQuarantine func(QuarantineEntry)
	filter       *keyFilter

	// mu guards closed; active counts operations in flight so Close can
	// wait for them before closing Pebble (which panics on use after close).
	mu     sync.RWMutex
	closed bool
	active sync.WaitGroup
}

// Open opens the store in dir, creating it if dir is missing or empty.
//
// A new store records FormatVersion and opts.Partitions in its meta key.
// An existing store must have been created with the same partition count
// (else ErrPartitionMismatch) and a format this build reads (else
// ErrUnsupportedVersion). A directory holding anything other than a store
// fails with ErrNotStore; a store whose meta data or Pebble files are
// damaged fails with ErrCorrupt where Pebble or the meta decoder can tell.
func Open(dir string, opts Options) (*DB, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", dir, err)
	}
	opts = opts.withDefaults()
	if err := checkStoreDir(opts.fs, dir); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", dir, err)
	}

	popts, release := pebbleOptions(opts)
	defer release()
	pdb, err := pebble.Open(dir, popts)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", dir, markCorruption(err))
	}
	db := &DB{
		pdb:          pdb,
		dir:          dir,
		partitions:   opts.Partitions,
		log:          opts.Logger,
		onQuarantine: opts.OnQuarantine,
	}
	if err := db.loadMeta(); err != nil {
		_ = pdb.Close()
		return nil, fmt.Errorf("storage: open %s: %w", dir, err)
	}
	db.filter = newKeyFilter(db.partitions)
	go db.fillKeyFilter(opts.beforeFill)
	db.log.Info("store opened", "dir", dir, "partitions", db.partitions)
	return db, nil
}

// pebbleOptions maps Options (with defaults applied) to Pebble's. The
// returned release drops the caller's reference to the block cache; call it
// once pebble.Open has returned (the DB holds its own reference).
func pebbleOptions(opts Options) (*pebble.Options, func()) {
	cache := pebble.NewCache(opts.CacheSize)
	plog := opts.Logger.With("component", "pebble")
	po := &pebble.Options{
		Cache:              cache,
		MemTableSize:       opts.MemTableSize,
		FS:                 opts.fs,
		WALDir:             opts.WALDir,
		FormatMajorVersion: pebbleFormat,
		Logger:             pebbleLogger{plog},
		EventListener:      eventListener(plog),
	}
	// Bloom filters on every level: a vnode reads each record before it
	// merges a write into it, and most writes of new records miss. Without
	// filters a miss searches every L0 table and level.
	for i := range po.Levels {
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	return po, cache.Unref
}

// checkStoreDir refuses a directory that has entries but no Pebble
// database: it is someone else's data, and Pebble would happily create a
// database among it.
func checkStoreDir(fs vfs.FS, dir string) error {
	names, err := fs.List(dir)
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			return nil // a new store; Pebble creates the directory
		}
		return fmt.Errorf("list directory: %w", err)
	}
	if len(names) == 0 {
		return nil
	}
	desc, err := pebble.Peek(dir, fs)
	if err != nil {
		return fmt.Errorf("inspect directory: %w", markCorruption(err))
	}
	if !desc.Exists {
		return fmt.Errorf("%w: directory has %d entries and no pebble database", ErrNotStore, len(names))
	}
	return nil
}

// markCorruption adds ErrCorrupt to the chain of a Pebble corruption error.
func markCorruption(err error) error {
	if pebble.IsCorruptionError(err) {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}

// loadMeta checks the meta key of an existing store, or writes it (synced)
// into a new, empty one.
func (db *DB) loadMeta() error {
	v, closer, err := db.pdb.Get(metaKey)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		return db.initMeta()
	case err != nil:
		return fmt.Errorf("read meta: %w", markCorruption(err))
	}
	m, err := decodeMeta(v)
	_ = closer.Close()
	if err != nil {
		return fmt.Errorf("read meta: %w", err)
	}
	if m.partitions != db.partitions {
		return fmt.Errorf("%w: store has %d partitions, options ask for %d",
			ErrPartitionMismatch, m.partitions, db.partitions)
	}
	return nil
}

// initMeta writes the meta key into a database that has no key at all. A
// database with keys but no meta key belongs to someone else.
func (db *DB) initMeta() error {
	it, err := db.pdb.NewIter(nil)
	if err != nil {
		return fmt.Errorf("check empty: %w", err)
	}
	hasKeys := it.First()
	if err := it.Close(); err != nil {
		return fmt.Errorf("check empty: %w", markCorruption(err))
	}
	if hasKeys {
		return fmt.Errorf("%w: pebble database has keys but no meta key", ErrNotStore)
	}
	m := meta{version: FormatVersion, partitions: db.partitions}
	if err := db.pdb.Set(metaKey, encodeMeta(m), pebble.Sync); err != nil {
		return fmt.Errorf("write meta: %w", err)
	}
	return nil
}

// Close waits for operations in flight (scans included), then closes the
// store. Every later call fails with ErrClosed, Close included. Close must
// not be called from a scan callback or an OnQuarantine hook.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return fmt.Errorf("storage: close %s: %w", db.dir, ErrClosed)
	}
	db.closed = true
	db.mu.Unlock()
	db.active.Wait()
	<-db.filter.filled // its next scan fails with ErrClosed
	if err := db.pdb.Close(); err != nil {
		return fmt.Errorf("storage: close %s: %w", db.dir, err)
	}
	db.log.Info("store closed", "dir", db.dir)
	return nil
}

// enter registers an operation in flight; it reports false once the DB is
// closed. Each true return must be paired with exit.
func (db *DB) enter() bool {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return false
	}
	db.active.Add(1)
	return true
}

// exit ends an operation registered by enter.
func (db *DB) exit() { db.active.Done() }

// Partitions returns the store's partition count.
func (db *DB) Partitions() int { return db.partitions }

// PartitionOf returns PartitionOf(bucket, id, db.Partitions()).
func (db *DB) PartitionOf(bucket, id string) int {
	return PartitionOf(bucket, id, db.partitions)
}

// PartitionOfName returns PartitionOfName(bucket, name, db.Partitions()).
func (db *DB) PartitionOfName(bucket, name string) int {
	return PartitionOfName(bucket, name, db.partitions)
}

// checkPartition converts p to its key form, or fails with ErrInvalidKey.
func (db *DB) checkPartition(p int) (uint16, error) {
	if p < 0 || p >= db.partitions {
		return 0, fmt.Errorf("%w: partition %d out of range 0..%d", ErrInvalidKey, p, db.partitions-1)
	}
	return uint16(p), nil
}

// makeKey validates the components and appends the key to dst. what names
// the last component in errors ("id" or "name").
func (db *DB) makeKey(dst []byte, space keyspace, p int, bucket, what, id string) ([]byte, error) {
	pp, err := db.checkPartition(p)
	if err != nil {
		return nil, err
	}
	if err := validateBucket(bucket); err != nil {
		return nil, err
	}
	if err := validateID(what, id); err != nil {
		return nil, err
	}
	return appendKey(dst, space, pp, bucket, id), nil
}

// get reads one key's value as a copy.
func (db *DB) get(k []byte) ([]byte, error) {
	var out []byte
	err := db.view(k, func(v []byte) error {
		out = make([]byte, len(v))
		copy(out, v)
		return nil
	})
	return out, err
}

// view calls fn with one key's value, valid only during fn.
func (db *DB) view(k []byte, fn func(v []byte) error) error {
	if !db.enter() {
		return ErrClosed
	}
	defer db.exit()
	if keyspace(k[0]) == spaceRecord && !db.filter.mayExist(k) {
		return ErrNotFound
	}
	v, closer, err := db.pdb.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return markCorruption(err)
	}
	err = fn(v)
	if cerr := closer.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// Get returns a copy of the value of record (bucket, id) in partition p, or
// an error wrapping ErrNotFound, ErrInvalidKey or ErrClosed.
func (db *DB) Get(p int, bucket, id string) ([]byte, error) {
	k, err := db.makeKey(nil, spaceRecord, p, bucket, "id", id)
	if err == nil {
		var v []byte
		if v, err = db.get(k); err == nil {
			return v, nil
		}
	}
	return nil, fmt.Errorf("storage: get %d/%q/%q: %w", p, bucket, id, err)
}

// View calls fn with the value of record (bucket, id) in partition p
// without copying it: the slice is valid only until fn returns. It is Get
// for hot paths that decode the value at once. An error from fn is returned
// wrapped; a missing record is ErrNotFound and fn is not called.
func (db *DB) View(p int, bucket, id string, fn func(value []byte) error) error {
	k, err := db.makeKey(nil, spaceRecord, p, bucket, "id", id)
	if err == nil {
		if err = db.view(k, fn); err == nil {
			return nil
		}
	}
	return fmt.Errorf("storage: view %d/%q/%q: %w", p, bucket, id, err)
}

// Lookup is Get for read-modify-write, whose reads mostly miss (a write
// that creates a record reads it first): a missing record is (nil, false,
// nil) rather than an error, and costs no allocation when the key filter
// rules it out. A record found is returned as a copy, with true; errors
// wrap ErrInvalidKey, ErrClosed or ErrCorrupt.
func (db *DB) Lookup(p int, bucket, id string) ([]byte, bool, error) {
	var buf [128]byte
	k, err := db.makeKey(buf[:0], spaceRecord, p, bucket, "id", id)
	if err == nil {
		if !db.filter.mayExist(k) {
			if err = db.openErr(); err == nil {
				return nil, false, nil
			}
		} else {
			// The key escapes into Pebble: it gets a copy, so that buf
			// stays on the stack.
			var v []byte
			v, err = db.get(bytes.Clone(k))
			switch {
			case err == nil:
				return v, true, nil
			case errors.Is(err, ErrNotFound):
				return nil, false, nil
			}
		}
	}
	return nil, false, fmt.Errorf("storage: lookup %d/%q/%q: %w", p, bucket, id, err)
}

// openErr returns ErrClosed once the DB is closed, else nil.
func (db *DB) openErr() error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	return nil
}

// GetIndex returns the id that the unique name (bucket, name) points to in
// partition p, or an error wrapping ErrNotFound, ErrInvalidKey or ErrClosed.
func (db *DB) GetIndex(p int, bucket, name string) (string, error) {
	k, err := db.makeKey(nil, spaceIndex, p, bucket, "name", name)
	if err == nil {
		var v []byte
		if v, err = db.get(k); err == nil {
			id := string(v)
			if err = validateID("indexed id", id); err == nil {
				return id, nil
			}
			err = fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	return "", fmt.Errorf("storage: get index %d/%q/%q: %w", p, bucket, name, err)
}
