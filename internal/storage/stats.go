package storage

import (
	"fmt"
	"strings"
)

// Stats is a snapshot of the store's engine figures, cheap to take (no
// scan). A metrics collector exports it; `fifo attach` prints String().
type Stats struct {
	// Partitions is the store's partition count.
	Partitions int
	// FormatVersion is the on-disk layout version (FormatVersion).
	FormatVersion int
	// DiskBytes approximates the disk space used by the store: tables, WAL,
	// manifest and files awaiting deletion. Pebble only learns the physical
	// size of a WAL file when it rotates, so the file being written is
	// counted by the bytes written to it.
	DiskBytes uint64
	// LiveTableBytes is the size of the live sstables.
	LiveTableBytes uint64
	// WALBytes is the size of the live write-ahead log: the larger of the
	// physical size of its finished files and the bytes logged.
	WALBytes uint64
	// MemTableBytes is the memory held by memtables.
	MemTableBytes uint64
	// BlockCacheBytes, BlockCacheHits and BlockCacheMisses describe the
	// block cache.
	BlockCacheBytes  int64
	BlockCacheHits   int64
	BlockCacheMisses int64
	// Tables is the number of live sstables; ReadAmp the read amplification
	// (sublevels of L0 plus non-empty levels).
	Tables  int64
	ReadAmp int
	// Flushes and Compactions count those background jobs since Open.
	Flushes     int64
	Compactions int64
}

// String renders s on a few human-readable lines.
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "partitions %d, format %d\n", s.Partitions, s.FormatVersion)
	fmt.Fprintf(&b, "disk %d B (tables %d B, wal %d B), memtables %d B\n",
		s.DiskBytes, s.LiveTableBytes, s.WALBytes, s.MemTableBytes)
	fmt.Fprintf(&b, "block cache %d B, %d hits, %d misses\n",
		s.BlockCacheBytes, s.BlockCacheHits, s.BlockCacheMisses)
	fmt.Fprintf(&b, "tables %d, read amp %d, flushes %d, compactions %d\n",
		s.Tables, s.ReadAmp, s.Flushes, s.Compactions)
	return b.String()
}

// Stats returns the engine figures from Pebble's metrics.
func (db *DB) Stats() (Stats, error) {
	if !db.enter() {
		return Stats{}, fmt.Errorf("storage: stats: %w", ErrClosed)
	}
	defer db.exit()
	m := db.pdb.Metrics()
	wal := max(m.WAL.PhysicalSize, m.WAL.Size)
	return Stats{
		Partitions:       db.partitions,
		FormatVersion:    FormatVersion,
		DiskBytes:        m.DiskSpaceUsage() - m.WAL.PhysicalSize + wal,
		LiveTableBytes:   m.Table.Local.LiveSize,
		WALBytes:         wal,
		MemTableBytes:    m.MemTable.Size,
		BlockCacheBytes:  m.BlockCache.Size,
		BlockCacheHits:   m.BlockCache.Hits,
		BlockCacheMisses: m.BlockCache.Misses,
		Tables:           m.Total().TablesCount,
		ReadAmp:          m.ReadAmp(),
		Flushes:          m.Flush.Count,
		Compactions:      m.Compact.Count,
	}, nil
}

// PartitionStats counts what one partition holds.
type PartitionStats struct {
	// Partition is the partition described.
	Partition int
	// Records and RecordBytes count the records and the bytes of their values.
	Records     int
	RecordBytes int64
	// IndexEntries counts the unique names.
	IndexEntries int
	// Quarantined counts the quarantined records.
	Quarantined int
	// EstimatedDiskBytes is Pebble's estimate of the on-disk size of the
	// partition's sstables (memtable contents are not counted).
	EstimatedDiskBytes uint64
}

// PartitionStats scans partition p to count its keys. It costs a full scan
// of the partition: use it for handoff progress and the console, not for a
// metric scraped every few seconds.
func (db *DB) PartitionStats(p int) (PartitionStats, error) {
	pp, err := db.checkPartition(p)
	if err != nil {
		return PartitionStats{}, fmt.Errorf("storage: partition stats %d: %w", p, err)
	}
	ps := PartitionStats{Partition: p}
	count := func(space keyspace, n *int, bytes *int64) error {
		return db.iterate(appendPartitionPrefix(nil, space, pp), func(_, v []byte) error {
			*n++
			if bytes != nil {
				*bytes += int64(len(v))
			}
			return nil
		})
	}
	err = count(spaceRecord, &ps.Records, &ps.RecordBytes)
	if err == nil {
		err = count(spaceIndex, &ps.IndexEntries, nil)
	}
	if err == nil {
		err = count(spaceQuarantine, &ps.Quarantined, nil)
	}
	if err == nil {
		err = db.estimate(pp, &ps.EstimatedDiskBytes)
	}
	if err != nil {
		return PartitionStats{}, fmt.Errorf("storage: partition stats %d: %w", p, err)
	}
	return ps, nil
}

// estimate adds Pebble's disk-usage estimate of partition p's three
// keyspaces to out.
func (db *DB) estimate(p uint16, out *uint64) error {
	if !db.enter() {
		return ErrClosed
	}
	defer db.exit()
	for _, space := range []keyspace{spaceRecord, spaceIndex, spaceQuarantine} {
		start := appendPartitionPrefix(nil, space, p)
		n, err := db.pdb.EstimateDiskUsage(start, prefixEnd(start))
		if err != nil {
			return err
		}
		*out += n
	}
	return nil
}
