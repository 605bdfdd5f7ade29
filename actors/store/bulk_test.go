package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/actors/store/recbatch"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/supervisors"
)

// startService starts a store node and returns its Service.
func startService(t *testing.T, n *runtime.Node) *Service {
	t.Helper()
	db, err := storage.Open(t.TempDir(), storage.Options{Partitions: 8})
	if err != nil {
		t.Fatal(err)
	}
	svc := NewService(db, setCodec{}, NewMetrics(prometheus.NewRegistry()))
	if err := supervisors.StartApp(ctx(t), n, svc.App("test")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.Stop()
		db.Close()
	})
	return svc
}

// recorder is a write hook that keeps what it saw.
type recorder struct {
	mu     sync.Mutex
	writes []string
}

func (r *recorder) hook(w Write) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, fmt.Sprintf("%d %s/%s=%s", w.Partition, w.Bucket, w.ID, w.Value))
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.writes...)
}

// TestWriteHooksSeeEveryWrite: a hook sees each applied write with the
// merged value, a delete as a nil value and a merge of records, in order;
// removed, it sees nothing more; a refused write is not seen.
func TestWriteHooksSeeEveryWrite(t *testing.T) {
	svc := startService(t, runtimetest.StartNode(t))
	l, c := svc.Local(), ctx(t)
	var r recorder
	remove := svc.AddWriteHook(r.hook)
	p := svc.PartitionOf("vm", "a")
	mustApply := func(delta string) {
		if _, err := l.Apply(c, "vm", "a", []byte(delta)); err != nil {
			t.Fatal(err)
		}
	}
	mustApply("x")
	mustApply("y")
	if _, err := l.Apply(c, "vm", "a", []byte("!bad")); !errors.Is(err, ErrBadValue) {
		t.Fatalf("bad delta: %v", err)
	}
	if err := l.Delete(c, "vm", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.MergeRecords(c, p, []recbatch.Record{{Bucket: "vm", ID: "a", Value: []byte("z")}}, nil); err != nil {
		t.Fatal(err)
	}
	remove()
	mustApply("w")
	want := []string{
		fmt.Sprintf("%d vm/a=x", p), fmt.Sprintf("%d vm/a=x,y", p), fmt.Sprintf("%d vm/a=", p), fmt.Sprintf("%d vm/a=z", p),
	}
	if got := r.seen(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("hook saw %q, want %q", got, want)
	}
}

// keysOf returns n record keys that fall in partition p.
func keysOf(svc *Service, p, n int) []string {
	var ids []string
	for i := 0; len(ids) < n; i++ {
		if id := fmt.Sprintf("r%d", i); svc.PartitionOf("vm", id) == p {
			ids = append(ids, id)
		}
	}
	return ids
}

// TestMergeRecordsThenDrop: MergeRecords merges full states (a second
// merge of the same states changes nothing) and refuses keys of another
// partition before writing anything; DropIfUnchanged removes the records
// whose values are still those given and keeps a record written since.
func TestMergeRecordsThenDrop(t *testing.T) {
	svc := startService(t, runtimetest.StartNode(t))
	l, c := svc.Local(), ctx(t)
	p := 3
	ids := keysOf(svc, p, 3)
	if _, err := l.Apply(c, "vm", ids[0], []byte("a")); err != nil {
		t.Fatal(err)
	}
	recs := []recbatch.Record{{Bucket: "vm", ID: ids[0], Value: []byte("b")}, {Bucket: "vm", ID: ids[1], Value: []byte("c")}}
	for range 2 {
		res, err := svc.MergeRecords(c, p, recs, []recbatch.Name{{Bucket: "user", Name: "n", ID: "1"}}[:0])
		if err != nil || res.Merged != 2 {
			t.Fatalf("merge: %+v, %v", res, err)
		}
	}
	if v, err := l.Get(c, "vm", ids[0]); err != nil || string(v) != "a,b" {
		t.Fatalf("merged %q, %v; want a,b", v, err)
	}
	other := keysOf(svc, p+1, 1)[0]
	if _, err := svc.MergeRecords(c, p, []recbatch.Record{{Bucket: "vm", ID: ids[2], Value: []byte("x")}, {Bucket: "vm", ID: other, Value: []byte("x")}}, nil); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("merge of a key of another partition: %v", err)
	}
	if _, ok, _ := svc.Lookup(p, "vm", ids[2]); ok {
		t.Fatal("a refused merge wrote a record")
	}

	// Sent: ids[0]=a,b and ids[1]=c; then ids[1] changes.
	sent := []recbatch.Record{{Bucket: "vm", ID: ids[0], Value: []byte("a,b")}, {Bucket: "vm", ID: ids[1], Value: []byte("c")}}
	if _, err := l.Apply(c, "vm", ids[1], []byte("d")); err != nil {
		t.Fatal(err)
	}
	n, err := svc.DropIfUnchanged(p, sent, nil)
	if err != nil || n != 1 {
		t.Fatalf("dropped %d, %v; want 1", n, err)
	}
	if _, err := l.Get(c, "vm", ids[0]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("dropped record: %v", err)
	}
	if v, err := l.Get(c, "vm", ids[1]); err != nil || string(v) != "c,d" {
		t.Fatalf("record written after it was sent: %q, %v", v, err)
	}
}

// TestBulkAcrossNodes: another node merges records into this node's store
// and fetches them back through the bulk actor; unknown keys are left out
// of a fetch; a corrupt batch is refused.
func TestBulkAcrossNodes(t *testing.T) {
	a, b := runtimetest.StartNode(t), runtimetest.StartNode(t)
	svc := startService(t, b)
	p := 5
	ids := keysOf(svc, p, 2)
	recs, _ := recbatch.MarshalRecords([]recbatch.Record{{Bucket: "vm", ID: ids[0], Value: []byte("v1")}})
	to := runtime.ProcessID{Name: BulkName, Node: b.Name()}
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := a.Call(c, to, MergeRecordsReq{Partition: int64(p), Records: recs})
	if err != nil || v.(MergeRecordsResp).Merged != 1 {
		t.Fatalf("merge: %v, %v", v, err)
	}
	keys, _ := recbatch.MarshalKeys([]recbatch.Key{{Bucket: "vm", ID: ids[0]}, {Bucket: "vm", ID: ids[1]}})
	v, err = a.Call(c, to, FetchRecordsReq{Partition: int64(p), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	got, err := recbatch.UnmarshalRecords(v.(FetchRecordsResp).Records)
	if err != nil || len(got) != 1 || got[0].ID != ids[0] || string(got[0].Value) != "v1" {
		t.Fatalf("fetch: %+v, %v", got, err)
	}
	if _, err := a.Call(c, to, MergeRecordsReq{Partition: int64(p), Records: []byte{0xff}}); err == nil {
		t.Fatal("a corrupt batch was merged")
	}
}
