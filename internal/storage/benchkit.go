package storage

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// The bench kit measures the engine against raw Pebble in the same run, so
// a benchmark program (make bench) can print ratios rather than absolute
// figures that depend on the machine. Every function opens a fresh
// database in a new temporary directory under dir, uses the default
// Options for both sides (same cache, memtable and format), removes the
// directory afterwards, and uses the same keys: bucket "vm", UUID-like ids,
// partition PartitionOf(bucket, id, DefaultPartitions), laid out as the
// store lays out records. Work is split evenly over `concurrency`
// goroutines. These are plain functions, not testing.B benchmarks.

// benchBucket is the bucket every bench key lives in.
const benchBucket = "vm"

// Result is one measurement.
type Result struct {
	// Name says what was measured, e.g. "engine synced writes".
	Name string
	// Concurrency is the number of goroutines that did the work.
	Concurrency int
	// Records is the number of records written or read.
	Records int
	// Ops is the number of timed operations (commits or gets); the
	// latencies below are per operation.
	Ops int
	// Elapsed is the wall time of the measured phase.
	Elapsed time.Duration
	// RecordsPerSec is Records / Elapsed.
	RecordsPerSec float64
	// P50, P99 and Max are latencies per operation.
	P50, P99, Max time.Duration
}

// String renders r on one line.
func (r Result) String() string {
	return fmt.Sprintf("%-30s c=%-3d %8.0f rec/s  p50 %9v  p99 %9v  max %9v  (%d records, %d ops, %v)",
		r.Name, r.Concurrency, r.RecordsPerSec, r.P50, r.P99, r.Max, r.Records, r.Ops, r.Elapsed.Round(time.Millisecond))
}

// benchKey is one precomputed record address.
type benchKey struct {
	p  int
	id string
}

// benchKeys returns n UUID-like ids with their partitions.
func benchKeys(n int) []benchKey {
	keys := make([]benchKey, n)
	for i := range keys {
		id := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(i*2654435761), i>>16&0xffff, i&0xfff, i>>4&0xfff, i)
		keys[i] = benchKey{p: PartitionOf(benchBucket, id, DefaultPartitions), id: id}
	}
	return keys
}

// checkBenchArgs validates the common arguments.
func checkBenchArgs(concurrency, records, batchSize int) error {
	if concurrency < 1 || records < 1 || batchSize < 1 {
		return fmt.Errorf("storage: bench: concurrency %d, records %d and batch size %d must be positive",
			concurrency, records, batchSize)
	}
	return nil
}

// withTempDir runs fn in a fresh directory under dir and removes it after.
func withTempDir(dir string, fn func(d string) (Result, error)) (Result, error) {
	d, err := os.MkdirTemp(dir, "storage-bench-*")
	if err != nil {
		return Result{}, fmt.Errorf("storage: bench: %w", err)
	}
	r, err := fn(d)
	if rerr := os.RemoveAll(d); rerr != nil && err == nil {
		err = fmt.Errorf("storage: bench: %w", rerr)
	}
	return r, err
}

// openRawPebble opens a bare Pebble database configured as Open would.
func openRawPebble(dir string) (*pebble.DB, error) {
	popts, release := pebbleOptions(Options{}.withDefaults())
	defer release()
	return pebble.Open(dir, popts)
}

// runWorkers splits ops 0..n-1 over `concurrency` goroutines (worker g gets
// every op with index ≡ g), times each op and returns the result.
// newWorker builds a worker's op function; an op function's error stops
// the run.
func runWorkers(name string, concurrency, n, records int,
	newWorker func(g int) func(op int) error) (Result, error) {
	lat := make([][]time.Duration, concurrency)
	errs := make([]error, concurrency)
	ops := make([]func(int) error, concurrency)
	for g := range concurrency {
		ops[g] = newWorker(g)
		lat[g] = make([]time.Duration, 0, n/concurrency+1)
	}
	var wg sync.WaitGroup
	start := time.Now()
	for g := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for op := g; op < n; op += concurrency {
				t0 := time.Now()
				if err := ops[g](op); err != nil {
					errs[g] = err
					return
				}
				lat[g] = append(lat[g], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return Result{}, fmt.Errorf("storage: bench %s: %w", name, err)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(q float64) time.Duration { return all[min(len(all)-1, int(q*float64(len(all))))] }
	return Result{
		Name:          name,
		Concurrency:   concurrency,
		Records:       records,
		Ops:           len(all),
		Elapsed:       elapsed,
		RecordsPerSec: float64(records) / elapsed.Seconds(),
		P50:           pct(0.50),
		P99:           pct(0.99),
		Max:           all[len(all)-1],
	}, nil
}

// RawPebbleSyncedWrites is the baseline for EngineSyncedWrites: each
// goroutine commits synced single-record Pebble batches, keys encoded as
// the store encodes records.
func RawPebbleSyncedWrites(dir string, concurrency, records int, value []byte) (Result, error) {
	return RawPebbleBatchedWrites(dir, concurrency, records, 1, value)
}

// EngineSyncedWrites measures the same load as RawPebbleSyncedWrites through
// the engine: Batch.Put of one record, then Commit(b, true).
func EngineSyncedWrites(dir string, concurrency, records int, value []byte) (Result, error) {
	return EngineBatchedWrites(dir, concurrency, records, 1, value)
}

// RawPebbleBatchedWrites commits synced Pebble batches of batchSize
// records (the last one may be smaller); latencies are per commit.
func RawPebbleBatchedWrites(dir string, concurrency, records, batchSize int, value []byte) (Result, error) {
	if err := checkBenchArgs(concurrency, records, batchSize); err != nil {
		return Result{}, err
	}
	keys := benchKeys(records)
	name := fmt.Sprintf("raw pebble synced writes b=%d", batchSize)
	return withTempDir(dir, func(d string) (Result, error) {
		pdb, err := openRawPebble(d)
		if err != nil {
			return Result{}, fmt.Errorf("storage: bench %s: %w", name, err)
		}
		defer pdb.Close()
		return runWorkers(name, concurrency, (records+batchSize-1)/batchSize, records, func(int) func(int) error {
			b := pdb.NewBatch()
			var k []byte
			return func(op int) error {
				for _, key := range keys[op*batchSize : min(records, (op+1)*batchSize)] {
					k = appendKey(k[:0], spaceRecord, uint16(key.p), benchBucket, key.id)
					if err := b.Set(k, value, nil); err != nil {
						return err
					}
				}
				err := pdb.Apply(b, pebble.Sync)
				b.Reset()
				return err
			}
		})
	})
}

// EngineBatchedWrites commits synced engine batches of batchSize records
// (the last one may be smaller), as a vnode commits one actor turn;
// latencies are per commit.
func EngineBatchedWrites(dir string, concurrency, records, batchSize int, value []byte) (Result, error) {
	if err := checkBenchArgs(concurrency, records, batchSize); err != nil {
		return Result{}, err
	}
	keys := benchKeys(records)
	name := fmt.Sprintf("engine synced writes b=%d", batchSize)
	return withTempDir(dir, func(d string) (Result, error) {
		db, err := Open(d, Options{})
		if err != nil {
			return Result{}, fmt.Errorf("storage: bench %s: %w", name, err)
		}
		defer db.Close()
		return runWorkers(name, concurrency, (records+batchSize-1)/batchSize, records, func(int) func(int) error {
			b := db.NewBatch()
			return func(op int) error {
				for _, key := range keys[op*batchSize : min(records, (op+1)*batchSize)] {
					if err := b.Put(key.p, benchBucket, key.id, value); err != nil {
						return err
					}
				}
				return db.Commit(b, true)
			}
		})
	})
}

// loadForReads writes the records in unsynced batches, then flushes the
// memtable so reads go through sstables and the block cache, as they do in
// a long-running node.
func loadForReads(pdb *pebble.DB, keys []benchKey, value []byte) error {
	b := pdb.NewBatch()
	var k []byte
	for i, key := range keys {
		k = appendKey(k[:0], spaceRecord, uint16(key.p), benchBucket, key.id)
		if err := b.Set(k, value, nil); err != nil {
			return err
		}
		if (i+1)%1000 == 0 || i == len(keys)-1 {
			if err := pdb.Apply(b, pebble.NoSync); err != nil {
				return err
			}
			b.Reset()
		}
	}
	return pdb.Flush()
}

// loadEngineForReads is loadForReads through the engine's batches (as
// every engine write must go, for the key filter).
func loadEngineForReads(db *DB, keys []benchKey, value []byte) error {
	b := db.NewBatch()
	for i, key := range keys {
		if err := b.Put(key.p, benchBucket, key.id, value); err != nil {
			return err
		}
		if (i+1)%1000 == 0 || i == len(keys)-1 {
			if err := db.Commit(b, false); err != nil {
				return err
			}
		}
	}
	return db.Flush()
}

// readOrder returns worker g's random record order (a fixed seed per
// worker, so runs are repeatable).
func readOrder(g int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g), 0x5eed))
}

// RawPebbleReads is the baseline for EngineReads: `records` records are
// loaded and flushed, then read back `records` times in total at random by
// `concurrency` goroutines with pebble Get (no copy).
func RawPebbleReads(dir string, concurrency, records int, value []byte) (Result, error) {
	return RawPebbleReadsN(dir, concurrency, records, records, value)
}

// RawPebbleReadsN is RawPebbleReads with reads gets in total over the
// records loaded, so a long read load over a small, cached data set can be
// compared with the same load elsewhere.
func RawPebbleReadsN(dir string, concurrency, records, reads int, value []byte) (Result, error) {
	if err := checkBenchArgs(concurrency, records, 1); err != nil {
		return Result{}, err
	}
	if err := checkBenchArgs(concurrency, reads, 1); err != nil {
		return Result{}, err
	}
	keys := benchKeys(records)
	const name = "raw pebble random gets"
	return withTempDir(dir, func(d string) (Result, error) {
		pdb, err := openRawPebble(d)
		if err != nil {
			return Result{}, fmt.Errorf("storage: bench %s: %w", name, err)
		}
		defer pdb.Close()
		if err := loadForReads(pdb, keys, value); err != nil {
			return Result{}, fmt.Errorf("storage: bench %s: load: %w", name, err)
		}
		return runWorkers(name, concurrency, reads, reads, func(g int) func(int) error {
			rnd := readOrder(g)
			var k []byte
			return func(int) error {
				key := keys[rnd.IntN(len(keys))]
				k = appendKey(k[:0], spaceRecord, uint16(key.p), benchBucket, key.id)
				v, closer, err := pdb.Get(k)
				if err != nil {
					return err
				}
				if len(v) != len(value) {
					return fmt.Errorf("read %d bytes, wrote %d", len(v), len(value))
				}
				return closer.Close()
			}
		})
	})
}

// EngineReads measures the same load as RawPebbleReads through DB.Get
// (which validates the key and copies the value).
func EngineReads(dir string, concurrency, records int, value []byte) (Result, error) {
	return engineReads("engine random gets", dir, concurrency, records, value,
		func(db *DB, key benchKey) (int, error) {
			v, err := db.Get(key.p, benchBucket, key.id)
			return len(v), err
		})
}

// EngineViewReads is EngineReads through DB.View (no copy).
func EngineViewReads(dir string, concurrency, records int, value []byte) (Result, error) {
	return engineReads("engine random views", dir, concurrency, records, value,
		func(db *DB, key benchKey) (n int, err error) {
			err = db.View(key.p, benchBucket, key.id, func(v []byte) error { n = len(v); return nil })
			return n, err
		})
}

// engineReads runs the read load with read as the per-record operation.
func engineReads(name, dir string, concurrency, records int, value []byte,
	read func(db *DB, key benchKey) (int, error)) (Result, error) {
	if err := checkBenchArgs(concurrency, records, 1); err != nil {
		return Result{}, err
	}
	keys := benchKeys(records)
	return withTempDir(dir, func(d string) (Result, error) {
		db, err := Open(d, Options{})
		if err != nil {
			return Result{}, fmt.Errorf("storage: bench %s: %w", name, err)
		}
		defer db.Close()
		if err := loadEngineForReads(db, keys, value); err != nil {
			return Result{}, fmt.Errorf("storage: bench %s: load: %w", name, err)
		}
		return runWorkers(name, concurrency, records, records, func(g int) func(int) error {
			rnd := readOrder(g)
			return func(int) error {
				n, err := read(db, keys[rnd.IntN(len(keys))])
				if err != nil {
					return err
				}
				if n != len(value) {
					return fmt.Errorf("read %d bytes, wrote %d", n, len(value))
				}
				return nil
			}
		})
	})
}
