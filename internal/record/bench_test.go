package record

import (
	"fmt"
	"testing"

	"github.com/fifogo/fifo/internal/crdt"
)

// benchVM returns a VM record as the store's write load creates them
// (cmd/fifobench: about 610 bytes encoded), the i-th of a run.
func benchVM(tb testing.TB, i int) *Record {
	tb.Helper()
	st := Stamp{Actor: "bench", TS: crdt.Timestamp{Wall: 1_764_000_000_000_000_000 + int64(i), Node: "bench"}}
	r, err := NewVM(st, VM{
		UUID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), Alias: fmt.Sprintf("web-%d", i),
		Owner: "4f1c2f3e-org", State: "running", VMType: "zone", Dataset: "base64-22.4",
		Package: "small", Hypervisor: "hv-1", CreatedAt: 1764000000, CreatedBy: "admin",
		Config:   map[string]any{"ram": int64(1024), "quota": int64(20), "hostname": fmt.Sprintf("web%d", i)},
		Metadata: map[string]any{"role": "web"},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func benchVMBytes(tb testing.TB, i int) []byte {
	tb.Helper()
	b, err := Marshal(benchVM(tb, i))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkMergeBytesNew is the store's most common write: a new record.
func BenchmarkMergeBytesNew(b *testing.B) {
	delta := benchVMBytes(b, 7)
	b.SetBytes(int64(len(delta)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MergeBytes(nil, delta); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeBytesUpdate merges the delta of a state change, made by
// another actor, into a stored VM record.
func BenchmarkMergeBytesUpdate(b *testing.B) {
	r := benchVM(b, 7)
	old, err := Marshal(r)
	if err != nil {
		b.Fatal(err)
	}
	st := Stamp{Actor: "vnode-7", TS: crdt.Timestamp{Wall: 1_764_000_001_000_000_000, Node: "vnode-7"}}
	d, err := r.Clone().SetField(st, "state", "stopped")
	if err != nil {
		b.Fatal(err)
	}
	delta, err := Marshal(d)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(old) + len(delta)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MergeBytes(old, delta); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeBytesSame merges a stored record into itself (a retried
// write or a replica that holds nothing new).
func BenchmarkMergeBytesSame(b *testing.B) {
	old := benchVMBytes(b, 7)
	b.SetBytes(int64(2 * len(old)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MergeBytes(old, old); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalVM decodes a stored VM record.
func BenchmarkUnmarshalVM(b *testing.B) {
	data := benchVMBytes(b, 7)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalVM encodes a VM record.
func BenchmarkMarshalVM(b *testing.B) {
	r := benchVM(b, 7)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(r); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchVMSize(t *testing.T) {
	t.Logf("bench VM record: %d bytes", len(benchVMBytes(t, 7)))
}
