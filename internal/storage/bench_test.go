package storage

import (
	"bytes"
	"fmt"
	"testing"
)

// benchValue is the ~1 KiB value the benchmarks write.
var benchValue = bytes.Repeat([]byte("v"), 1024)

// reportResult attaches a bench-kit result to b as custom metrics.
func reportResult(b *testing.B, r Result) {
	b.ReportMetric(r.RecordsPerSec, "records/s")
	b.ReportMetric(float64(r.P50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(r.P99.Microseconds()), "p99-µs")
}

// BenchmarkSyncedWrites compares single-record synced commits, raw Pebble
// vs the engine, at several concurrencies (b.N records per run).
func BenchmarkSyncedWrites(b *testing.B) {
	for _, c := range []int{1, 16, 64} {
		for _, side := range []struct {
			name string
			fn   func(string, int, int, []byte) (Result, error)
		}{{"raw", RawPebbleSyncedWrites}, {"engine", EngineSyncedWrites}} {
			b.Run(fmt.Sprintf("%s/c=%d", side.name, c), func(b *testing.B) {
				r, err := side.fn(b.TempDir(), c, max(b.N, c), benchValue)
				if err != nil {
					b.Fatal(err)
				}
				reportResult(b, r)
			})
		}
	}
}

// BenchmarkBatchedWrites compares synced 100-record commits (one vnode turn).
func BenchmarkBatchedWrites(b *testing.B) {
	for _, c := range []int{1, 16} {
		b.Run(fmt.Sprintf("raw/c=%d", c), func(b *testing.B) {
			r, err := RawPebbleBatchedWrites(b.TempDir(), c, max(b.N, 100*c), 100, benchValue)
			if err != nil {
				b.Fatal(err)
			}
			reportResult(b, r)
		})
		b.Run(fmt.Sprintf("engine/c=%d", c), func(b *testing.B) {
			r, err := EngineBatchedWrites(b.TempDir(), c, max(b.N, 100*c), 100, benchValue)
			if err != nil {
				b.Fatal(err)
			}
			reportResult(b, r)
		})
	}
}

// BenchmarkReads compares random gets, raw Pebble vs the engine.
func BenchmarkReads(b *testing.B) {
	for _, c := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("raw/c=%d", c), func(b *testing.B) {
			r, err := RawPebbleReads(b.TempDir(), c, max(b.N, 1000), benchValue)
			if err != nil {
				b.Fatal(err)
			}
			reportResult(b, r)
		})
		b.Run(fmt.Sprintf("engine/c=%d", c), func(b *testing.B) {
			r, err := EngineReads(b.TempDir(), c, max(b.N, 1000), benchValue)
			if err != nil {
				b.Fatal(err)
			}
			reportResult(b, r)
		})
	}
}

// BenchmarkScan decides the scan value contract: handing the callback
// Pebble's slice ("alias", what Scan does) vs a fresh copy per record.
func BenchmarkScan(b *testing.B) {
	db := openTest(b, Options{Partitions: 1})
	batch := db.NewBatch()
	for i := range 10000 {
		if err := batch.Put(0, "vm", fmt.Sprintf("id-%06d", i), benchValue); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Commit(batch, false); err != nil {
		b.Fatal(err)
	}
	if err := db.pdb.Flush(); err != nil {
		b.Fatal(err)
	}
	var sink int
	b.Run("alias", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := db.Scan(0, "vm", func(id string, v []byte) error { sink += len(v); return nil }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/record")
	})
	b.Run("copy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := db.Scan(0, "vm", func(id string, v []byte) error {
				c := bytes.Clone(v)
				sink += len(c)
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/record")
	})
	_ = sink
}

// BenchmarkPartitionOf measures the routing hash.
func BenchmarkPartitionOf(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n += PartitionOf("vm", "b1e6f2a4-3c1d-4c55-9d7e-0b8f6a2e1c11", 64)
	}
	_ = n
}

// BenchmarkBatchPut measures the CPU cost of adding one record to a batch.
func BenchmarkBatchPut(b *testing.B) {
	db := openTest(b, Options{})
	batch := db.NewBatch()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := batch.Put(7, "vm", "b1e6f2a4-3c1d-4c55-9d7e-0b8f6a2e1c11", benchValue); err != nil {
			b.Fatal(err)
		}
		if i++; i%1000 == 0 {
			batch.Reset()
		}
	}
}

// BenchmarkGetWarm isolates the engine's per-read overhead (key validation,
// open-check, value copy) on a small, fully cached data set.
func BenchmarkGetWarm(b *testing.B) {
	db := openTest(b, Options{})
	keys := benchKeys(1000)
	if err := loadForReads(db.pdb, keys, benchValue); err != nil {
		b.Fatal(err)
	}
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		var k []byte
		i := 0
		for b.Loop() {
			key := keys[i%len(keys)]
			i++
			k = appendKey(k[:0], spaceRecord, uint16(key.p), benchBucket, key.id)
			_, closer, err := db.pdb.Get(k)
			if err != nil {
				b.Fatal(err)
			}
			closer.Close()
		}
	})
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			key := keys[i%len(keys)]
			i++
			if _, err := db.Get(key.p, benchBucket, key.id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("engine-view", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		n := 0
		for b.Loop() {
			key := keys[i%len(keys)]
			i++
			if err := db.View(key.p, benchBucket, key.id, func(v []byte) error { n += len(v); return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("engine-parallel", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				key := keys[i%len(keys)]
				i++
				if _, err := db.Get(key.p, benchBucket, key.id); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("raw-parallel", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			var k []byte
			i := 0
			for pb.Next() {
				key := keys[i%len(keys)]
				i++
				k = appendKey(k[:0], spaceRecord, uint16(key.p), benchBucket, key.id)
				_, closer, err := db.pdb.Get(k)
				if err != nil {
					b.Error(err)
					return
				}
				closer.Close()
			}
		})
	})
}
