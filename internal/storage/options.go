package storage

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Defaults and limits applied by Options.
const (
	// DefaultPartitions is the ring size used when Options.Partitions is 0.
	// It matches riak_core's default ring_size and DESIGN.md §6.
	DefaultPartitions = 64
	// MaxPartitions is the largest partition count a store supports.
	MaxPartitions = 4096
	// DefaultCacheSize is the block cache size used when Options.CacheSize is 0.
	DefaultCacheSize = 64 << 20
	// DefaultMemTableSize is the memtable size used when Options.MemTableSize is 0.
	DefaultMemTableSize = 16 << 20
	// minMemTableSize and maxMemTableSize bound Options.MemTableSize; Pebble
	// requires memtables smaller than 4 GiB.
	minMemTableSize = 1 << 20
	maxMemTableSize = 1 << 31
)

// Options configure Open. The zero value is valid: 64 partitions, a 64 MiB
// block cache, 16 MiB memtables, on disk, logs discarded, no quarantine hook.
type Options struct {
	// Partitions is the number of ring partitions the key space is laid out
	// in. It is fixed when the store is created: opening an existing store
	// with another count fails with ErrPartitionMismatch.
	// Default DefaultPartitions (64); range 1..MaxPartitions (4096).
	Partitions int

	// Logger receives the engine's own log lines and Pebble's (background
	// errors, write stalls, slow disks). Default: discard.
	Logger *slog.Logger

	// CacheSize is the size of Pebble's block cache in bytes.
	// Default DefaultCacheSize (64 MiB); must not be negative.
	CacheSize int64

	// MemTableSize is the size of one Pebble memtable in bytes; up to two
	// may be held in memory before writes stall.
	// Default DefaultMemTableSize (16 MiB); range 1 MiB..2 GiB.
	MemTableSize uint64

	// WALDir, when set, places the write-ahead log in its own directory
	// (for instance on a separate log device). Default: inside the store's
	// directory. A store must always be reopened with the same WALDir.
	WALDir string

	// OnQuarantine, when set, is called once for every entry of a committed
	// batch that quarantined a record, after the commit is durable (as
	// durable as the commit's sync flag asked for). It runs on the
	// committing goroutine after the commit has released the DB, so it
	// should be quick (bump a metric, log). Default: nil (no call).
	OnQuarantine func(QuarantineEntry)

	// InMemory keeps the whole store in memory: nothing touches the disk
	// and nothing survives Close. For tests of the code built on the store
	// (vnode actors); dir then only names the store. Default: false.
	InMemory bool

	// fs replaces the file system; tests set it to a crashable in-memory
	// file system. Default: the operating system's (vfs.Default).
	fs vfs.FS

	// beforeFill, when set, is called by the key filter's fill before it
	// scans each partition; tests use it to write while the fill runs.
	beforeFill func(p int)
}

// withDefaults returns a copy of o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.Partitions == 0 {
		o.Partitions = DefaultPartitions
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.CacheSize == 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.MemTableSize == 0 {
		o.MemTableSize = DefaultMemTableSize
	}
	if o.fs == nil {
		if o.InMemory {
			o.fs = vfs.NewMem()
		} else {
			o.fs = vfs.Default
		}
	}
	return o
}

// Validate reports every problem of o at once, each wrapping
// ErrInvalidOptions. Zero fields are valid (they take their defaults), so
// Validate can be called before or after defaults are applied.
func (o Options) Validate() error {
	var errs []error
	if o.Partitions < 0 || o.Partitions > MaxPartitions {
		errs = append(errs, fmt.Errorf("%w: partitions %d out of range 1..%d",
			ErrInvalidOptions, o.Partitions, MaxPartitions))
	}
	if o.CacheSize < 0 {
		errs = append(errs, fmt.Errorf("%w: cache size %d is negative", ErrInvalidOptions, o.CacheSize))
	}
	if o.MemTableSize != 0 && (o.MemTableSize < minMemTableSize || o.MemTableSize > maxMemTableSize) {
		errs = append(errs, fmt.Errorf("%w: memtable size %d out of range %d..%d",
			ErrInvalidOptions, o.MemTableSize, minMemTableSize, maxMemTableSize))
	}
	return errors.Join(errs...)
}
