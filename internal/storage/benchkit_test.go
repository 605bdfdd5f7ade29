package storage

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The bench kit runs end to end on tiny loads and cleans up after itself.
func TestBenchKit(t *testing.T) {
	dir := t.TempDir()
	value := []byte("0123456789")
	runs := []struct {
		name string
		run  func() (Result, error)
		ops  int
	}{
		{"raw writes", func() (Result, error) { return RawPebbleSyncedWrites(dir, 3, 20, value) }, 20},
		{"engine writes", func() (Result, error) { return EngineSyncedWrites(dir, 3, 20, value) }, 20},
		{"raw batched", func() (Result, error) { return RawPebbleBatchedWrites(dir, 2, 25, 10, value) }, 3},
		{"engine batched", func() (Result, error) { return EngineBatchedWrites(dir, 2, 25, 10, value) }, 3},
		{"raw reads", func() (Result, error) { return RawPebbleReads(dir, 4, 50, value) }, 50},
		{"engine reads", func() (Result, error) { return EngineReads(dir, 4, 50, value) }, 50},
		{"engine views", func() (Result, error) { return EngineViewReads(dir, 4, 50, value) }, 50},
	}
	for _, r := range runs {
		res, err := r.run()
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if res.Ops != r.ops || res.RecordsPerSec <= 0 || res.P50 > res.P99 || res.P99 > res.Max || res.Max <= 0 {
			t.Errorf("%s: implausible result %+v", r.name, res)
		}
		if !strings.Contains(res.String(), "rec/s") {
			t.Errorf("%s: String() = %q", r.name, res.String())
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("bench kit left %d entries behind", len(ents))
	}
	if _, err := EngineSyncedWrites(dir, 0, 10, value); err == nil {
		t.Error("concurrency 0 accepted")
	}
}

// The engine's batched writes land where the store's reads find them.
func TestBenchKeysAreStoreKeys(t *testing.T) {
	db := openTest(t, Options{})
	keys := benchKeys(10)
	b := db.NewBatch()
	for _, k := range keys {
		must(t, b.Put(k.p, benchBucket, k.id, []byte("v")))
		if k.p != db.PartitionOf(benchBucket, k.id) {
			t.Fatalf("bench key %q routed to %d", k.id, k.p)
		}
	}
	mustCommit(t, db, b)
	if err := validateID("id", keys[9].id); err != nil {
		t.Fatal(err)
	}
}

// TestBenchKitReport prints engine-vs-raw figures at concurrency 1, 16 and
// 64 with 1 KiB values, each pair run twice in alternating order. It is a
// measurement, not a test: it runs only with FIFO_STORAGE_BENCH=1
// (go test -run BenchKitReport -v ./internal/storage).
func TestBenchKitReport(t *testing.T) {
	if os.Getenv("FIFO_STORAGE_BENCH") != "1" {
		t.Skip("set FIFO_STORAGE_BENCH=1 to measure")
	}
	value := bytes.Repeat([]byte("v"), 1024)
	dir := t.TempDir()
	type run func(c int) (Result, error)
	singles := map[int]int{1: 10000, 16: 40000, 64: 60000}
	const batched, reads = 200000, 50000 // 50k x 1 KiB fits the 64 MiB cache
	pairs := []struct {
		name string
		raw  run
		engs []run
	}{
		{"synced single-record writes",
			func(c int) (Result, error) { return RawPebbleSyncedWrites(dir, c, singles[c], value) },
			[]run{func(c int) (Result, error) { return EngineSyncedWrites(dir, c, singles[c], value) }}},
		{"synced 100-record batches",
			func(c int) (Result, error) { return RawPebbleBatchedWrites(dir, c, batched, 100, value) },
			[]run{func(c int) (Result, error) { return EngineBatchedWrites(dir, c, batched, 100, value) }}},
		{"random reads",
			func(c int) (Result, error) { return RawPebbleReads(dir, c, reads, value) },
			[]run{
				func(c int) (Result, error) { return EngineReads(dir, c, reads, value) },
				func(c int) (Result, error) { return EngineViewReads(dir, c, reads, value) },
			}},
	}
	for _, p := range pairs {
		for _, c := range []int{1, 16, 64} {
			for round := range 2 {
				var raw Result
				var engs []Result
				do := func(r run) Result {
					res, err := r(c)
					if err != nil {
						t.Fatal(err)
					}
					return res
				}
				if round == 0 {
					raw = do(p.raw)
				}
				for _, e := range p.engs {
					engs = append(engs, do(e))
				}
				if round == 1 { // alternate the order to spread drift
					raw = do(p.raw)
				}
				msg := fmt.Sprintf("%s c=%d round %d\n  %v", p.name, c, round, raw)
				for _, e := range engs {
					msg += fmt.Sprintf("\n  %v\n    engine/raw: throughput %.2f, p99 %.2f",
						e, e.RecordsPerSec/raw.RecordsPerSec, float64(e.P99)/float64(raw.P99))
				}
				t.Log(msg)
			}
		}
	}
}
