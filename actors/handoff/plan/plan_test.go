package plan

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/fifogo/fifo/actors/store/recbatch"
	"github.com/fifogo/fifo/internal/ring"
)

// TestTasksOfAJoin: when c joins a ring of a and b, the owners of the
// partitions planned to c get a Transfer each (with the plan's epoch and
// c as receiver), c gets none and repatriates nothing it is receiving;
// once the transfers complete, with n=1, a node holding data of a
// partition it no longer owns repatriates it to the owner.
func TestTasksOfAJoin(t *testing.T) {
	r, err := ring.New("c", 8, "a")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Join("b"); err != nil {
		t.Fatal(err)
	}
	settle(t, r)
	if err := r.Join("c"); err != nil {
		t.Fatal(err)
	}
	r.Rebalance(1) // makes c valid
	r.Rebalance(1) // plans transfers to c
	hs := r.Handoffs()
	if len(hs) == 0 {
		t.Fatal("no transfer planned to c")
	}
	all := func(int) bool { return true }
	for _, self := range []string{"a", "b"} {
		var want []Task
		for _, h := range hs {
			if h.From == self {
				want = append(want, Task{Kind: Transfer, Partition: h.Partition, Epoch: h.Epoch, To: "c"})
			}
		}
		var got []Task
		for _, task := range Tasks(r, self, 1, func(int) bool { return false }) {
			got = append(got, task)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: tasks %v, want %v", self, got, want)
		}
	}
	for _, task := range Tasks(r, "c", 1, all) {
		if slices.ContainsFunc(hs, func(h ring.Handoff) bool { return h.Partition == task.Partition }) {
			t.Fatalf("c would repatriate partition %d, which is coming to it", task.Partition)
		}
	}
	for _, h := range hs {
		if err := r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
			t.Fatal(err)
		}
	}
	tasks := Tasks(r, "a", 1, all)
	if len(tasks) == 0 {
		t.Fatal("a repatriates nothing")
	}
	for _, task := range tasks {
		if task.Kind != Repatriate || r.Owner(task.Partition) == "a" || task.To != r.Owner(task.Partition) {
			t.Fatalf("task %+v; owner %s", task, r.Owner(task.Partition))
		}
	}
	if got := Tasks(r, "a", 1, func(int) bool { return false }); len(got) != 0 {
		t.Fatalf("tasks without data: %v", got)
	}
	if got := Tasks(r, "a", 3, all); len(got) != 0 {
		t.Fatalf("with n=3 every node replicates everything: %v", got)
	}
}

func settle(t *testing.T, r *ring.Ring) {
	t.Helper()
	for range 10 {
		r.Rebalance(1)
		for _, h := range r.Handoffs() {
			if err := r.CompleteHandoff(h.Partition, h.Epoch); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestWatch: only watched partitions record; Take returns sorted keys
// once; the limit turns into an overflow; concurrent notes are safe.
func TestWatch(t *testing.T) {
	w := NewWatch(100)
	w.Note(1, "vm", "x")
	w.Start(1)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				w.Note(1, "vm", fmt.Sprintf("%d-%02d", g, i))
				w.Note(2, "vm", "other")
			}
		}()
	}
	wg.Wait()
	keys, over := w.Take(1)
	if over || len(keys) != 80 || !slices.IsSortedFunc(keys, func(a, b recbatch.Key) int {
		if a.ID < b.ID {
			return -1
		}
		return 1
	}) {
		t.Fatalf("%d keys, overflow %v", len(keys), over)
	}
	if keys, _ := w.Take(1); len(keys) != 0 {
		t.Fatalf("second take: %v", keys)
	}
	for i := range 101 {
		w.Note(1, "vm", fmt.Sprint(i))
	}
	if _, over := w.Take(1); !over {
		t.Fatal("no overflow past the limit")
	}
	w.Stop(1)
	w.Note(1, "vm", "late")
	if keys, _ := w.Take(1); keys != nil {
		t.Fatal("stopped watch recorded")
	}
}
