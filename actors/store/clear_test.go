package store

import (
	"fmt"
	"slices"
	"testing"

	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// TestClearTellsHooks: Clear removes every record and a write hook sees
// the removal (a nil value) of each, so anti-entropy's trees forget them.
func TestClearTellsHooks(t *testing.T) {
	svc := startService(t, runtimetest.StartNode(t))
	l, c := svc.Local(), ctx(t)
	var want []string
	for i := range 20 {
		id := fmt.Sprintf("r%02d", i)
		if _, err := l.Apply(c, "vm", id, []byte("x")); err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprintf("%d vm/%s=", svc.PartitionOf("vm", id), id))
	}
	var r recorder
	defer svc.AddWriteHook(r.hook)()
	if err := svc.Clear(); err != nil {
		t.Fatal(err)
	}
	got := r.seen()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("hook saw %q, want the removal of every record %q", got, want)
	}
	for i := range 20 {
		if v, ok, err := svc.Lookup(svc.PartitionOf("vm", fmt.Sprintf("r%02d", i)), "vm", fmt.Sprintf("r%02d", i)); err != nil || ok {
			t.Fatalf("record %d after Clear: %q %v %v", i, v, ok, err)
		}
	}
}
