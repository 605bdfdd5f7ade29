package storage

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// The crash test runs the test binary a second time as a child process
// (selected by crashChildEnv) that commits synced batches in a loop and
// prints one "ack <worker> <batch>" line after each Commit returns. The
// parent reads acks until it has crashAcks of them, SIGKILLs the child,
// reopens the store and checks every acknowledged write.
const (
	crashChildEnv    = "FIFO_STORAGE_CRASH_CHILD_DIR"
	crashWorkers     = 4
	crashAcks        = 400
	crashPartitions  = 8
	crashKeysPerTurn = 4
	crashDeleteLag   = 5 // batch j deletes key 1 of batch j-crashDeleteLag
)

// crashID names key k of batch j of worker w.
func crashID(w, j, k int) string { return fmt.Sprintf("w%d-b%06d-k%d", w, j, k) }

// crashName is the unique name batch j of worker w indexes.
func crashName(w, j int) string { return fmt.Sprintf("w%d-b%06d", w, j) }

// crashValue is the value written under id: ~1 KiB derived from the id.
func crashValue(id string) []byte {
	return bytes.Repeat([]byte(id+";"), 1024/(len(id)+1))
}

// TestCrashChild is the child side; it only runs when the parent asks.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestCrashDurability")
	}
	db, err := Open(dir, Options{Partitions: crashPartitions})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(2)
	}
	var outMu sync.Mutex
	var wg sync.WaitGroup
	for w := range crashWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := db.NewBatch()
			for j := 0; ; j++ {
				for k := range crashKeysPerTurn {
					id := crashID(w, j, k)
					if err := b.Put(db.PartitionOf("crash", id), "crash", id, crashValue(id)); err != nil {
						panic(err)
					}
				}
				name := crashName(w, j)
				if err := b.PutIndex(db.PartitionOfName("crash", name), "crash", name, crashID(w, j, 0)); err != nil {
					panic(err)
				}
				if j >= crashDeleteLag {
					id := crashID(w, j-crashDeleteLag, 1)
					if err := b.Delete(db.PartitionOf("crash", id), "crash", id); err != nil {
						panic(err)
					}
				}
				if err := db.Commit(b, true); err != nil {
					panic(err)
				}
				outMu.Lock()
				fmt.Fprintf(os.Stdout, "ack %d %d\n", w, j)
				outMu.Unlock()
			}
		}()
	}
	wg.Wait() // never returns: the parent kills the process
}

func TestCrashDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	acked := make(map[[2]int]bool)
	sc := bufio.NewScanner(stdout)
	for len(acked) < crashAcks && sc.Scan() {
		var w, j int
		if n, err := fmt.Sscanf(sc.Text(), "ack %d %d", &w, &j); n != 2 || err != nil {
			continue // test framework chatter
		}
		acked[[2]int{w, j}] = true
	}
	if len(acked) < crashAcks {
		t.Fatalf("child stopped after %d acks: %v\nstderr:\n%s", len(acked), sc.Err(), stderr.String())
	}
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	killed = true
	err = cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die of SIGKILL: %v\nstderr:\n%s", err, stderr.String())
	}

	db, err := Open(dir, Options{Partitions: crashPartitions})
	must(t, err)
	defer db.Close()
	get := func(id string) ([]byte, error) { return db.Get(db.PartitionOf("crash", id), "crash", id) }

	// Acks of one worker are in batch order, but the child may have
	// committed (and even printed) more batches after the parent stopped
	// reading. committed[w] is the last batch of worker w in the store:
	// batches are atomic and a worker's commits sequential, so batches
	// 0..committed[w] are whole and none after it exists.
	last := make(map[int]int) // highest acked batch per worker
	for wj := range acked {
		last[wj[0]] = max(last[wj[0]], wj[1])
	}
	committed := make(map[int]int)
	for w := range crashWorkers {
		j := last[w]
		for {
			if _, err := get(crashID(w, j+1, 0)); err != nil {
				break
			}
			j++
		}
		committed[w] = j
		for gap := 2; gap < 10; gap++ {
			if _, err := get(crashID(w, j+gap, 0)); err == nil {
				t.Errorf("worker %d: batch %d exists but batch %d does not", w, j+gap, j+1)
			}
		}
	}
	checked := 0
	for w := range crashWorkers {
		if last[w]+1 < crashAcks/crashWorkers/4 {
			t.Logf("worker %d acked only %d batches", w, last[w]+1)
		}
		for j := 0; j <= committed[w]; j++ {
			if j <= last[w] && !acked[[2]int{w, j}] {
				t.Fatalf("worker %d: batch %d acked but not batch %d", w, last[w], j)
			}
			for k := range crashKeysPerTurn {
				id := crashID(w, j, k)
				v, err := get(id)
				if k == 1 && j+crashDeleteLag <= committed[w] {
					if !errors.Is(err, ErrNotFound) {
						t.Errorf("%s: deleted by committed batch %d, Get = %v", id, j+crashDeleteLag, err)
					}
					continue
				}
				switch {
				case err != nil:
					t.Errorf("worker %d batch %d (acked %v): %s lost: %v", w, j, j <= last[w], id, err)
				case !bytes.Equal(v, crashValue(id)):
					t.Errorf("%s has a wrong value of %d bytes", id, len(v))
				default:
					checked++
				}
			}
			name := crashName(w, j)
			if id, err := db.GetIndex(db.PartitionOfName("crash", name), "crash", name); err != nil || id != crashID(w, j, 0) {
				t.Errorf("index %s = %q, %v", name, id, err)
			}
		}
	}
	t.Logf("killed after %d acks read; %d keys verified; batches committed past the last ack read: %v",
		len(acked), checked, func() (d []int) {
			for w := range crashWorkers {
				d = append(d, committed[w]-last[w])
			}
			return d
		}())
}

// On a crashable in-memory file system, a crash keeps exactly the synced
// data: every write of a synced Commit survives, writes committed with
// sync = false after the last sync do not.
func TestCrashCloneKeepsSyncedWrites(t *testing.T) {
	fs := vfs.NewCrashableMem()
	const dir = "/store"
	opts := Options{Partitions: 4, fs: fs}
	db, err := Open(dir, opts)
	must(t, err)
	var synced []string
	for round := range 3 {
		b := db.NewBatch()
		for i := range 50 {
			id := fmt.Sprintf("r%d-s%d", round, i)
			must(t, b.Put(db.PartitionOf("vm", id), "vm", id, crashValue(id)))
			synced = append(synced, id)
		}
		mustCommit(t, db, b)
		for i := range 10 {
			id := fmt.Sprintf("r%d-u%d", round, i)
			must(t, b.Put(db.PartitionOf("vm", id), "vm", id, crashValue(id)))
			must(t, db.Commit(b, false))
		}
		// Visible before the crash.
		if _, err := db.Get(db.PartitionOf("vm", fmt.Sprintf("r%d-u0", round)), "vm", fmt.Sprintf("r%d-u0", round)); err != nil {
			t.Fatalf("unsynced write not visible: %v", err)
		}

		crashed := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
		must(t, db.Close())
		fs = crashed
		opts.fs = fs
		db, err = Open(dir, opts)
		must(t, err)
		for _, id := range synced {
			v, err := db.Get(db.PartitionOf("vm", id), "vm", id)
			if err != nil || !bytes.Equal(v, crashValue(id)) {
				t.Fatalf("round %d: synced write %s lost in the crash: %v", round, id, err)
			}
		}
		for i := range 10 {
			id := fmt.Sprintf("r%d-u%d", round, i)
			if _, err := db.Get(db.PartitionOf("vm", id), "vm", id); !errors.Is(err, ErrNotFound) {
				t.Fatalf("round %d: unsynced write %s survived a crash that keeps no unsynced data (%v): the crash model is not biting", round, id, err)
			}
		}
	}
	must(t, db.Close())
}
