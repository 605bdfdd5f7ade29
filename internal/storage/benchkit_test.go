package storage

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
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
// 64 with 1 KiB values: the median over FIFO_STORAGE_BENCH_ROUNDS rounds
// (default 3) of throughput and p99, the order of the sides alternating
// between rounds to spread drift. It is a measurement, not a test: it runs
// only with FIFO_STORAGE_BENCH=1 (go test -run BenchKitReport -v).
func TestBenchKitReport(t *testing.T) {
	if os.Getenv("FIFO_STORAGE_BENCH") != "1" {
		t.Skip("set FIFO_STORAGE_BENCH=1 to measure")
	}
	rounds := 3
	if n, err := strconv.Atoi(os.Getenv("FIFO_STORAGE_BENCH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	value := bytes.Repeat([]byte("v"), 1024)
	dir := t.TempDir()
	type run func(c int) (Result, error)
	singles := map[int]int{1: 5000, 16: 30000, 64: 50000}
	const batched, reads = 200000, 50000 // 50k x 1 KiB fits the 64 MiB cache
	groups := []struct {
		name  string
		sides []string
		runs  []run
	}{
		{"synced single-record writes", []string{"raw", "engine"}, []run{
			func(c int) (Result, error) { return RawPebbleSyncedWrites(dir, c, singles[c], value) },
			func(c int) (Result, error) { return EngineSyncedWrites(dir, c, singles[c], value) },
		}},
		{"synced 100-record batches", []string{"raw", "engine"}, []run{
			func(c int) (Result, error) { return RawPebbleBatchedWrites(dir, c, batched, 100, value) },
			func(c int) (Result, error) { return EngineBatchedWrites(dir, c, batched, 100, value) },
		}},
		{"random reads (50k warm)", []string{"raw", "engine Get", "engine View"}, []run{
			func(c int) (Result, error) { return RawPebbleReads(dir, c, reads, value) },
			func(c int) (Result, error) { return EngineReads(dir, c, reads, value) },
			func(c int) (Result, error) { return EngineViewReads(dir, c, reads, value) },
		}},
	}
	median := func(xs []float64) float64 {
		xs = slices.Clone(xs)
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	var report strings.Builder
	for _, g := range groups {
		for _, c := range []int{1, 16, 64} {
			tput := make([][]float64, len(g.runs))
			p99 := make([][]float64, len(g.runs))
			for round := range rounds {
				for i := range g.runs {
					if round%2 == 1 {
						i = len(g.runs) - 1 - i
					}
					r, err := g.runs[i](c)
					if err != nil {
						t.Fatal(err)
					}
					tput[i] = append(tput[i], r.RecordsPerSec)
					p99[i] = append(p99[i], float64(r.P99))
				}
			}
			fmt.Fprintf(&report, "%s, c=%d (median of %d):\n", g.name, c, rounds)
			for i, side := range g.sides {
				fmt.Fprintf(&report, "  %-12s %8.0f rec/s  p99 %10v", side, median(tput[i]),
					time.Duration(median(p99[i])).Round(time.Microsecond))
				if i > 0 {
					fmt.Fprintf(&report, "   vs raw: throughput x%.2f, p99 x%.2f",
						median(tput[i])/median(tput[0]), median(p99[i])/median(p99[0]))
				}
				report.WriteString("\n")
			}
		}
	}
	t.Log("\n" + report.String())
}
