package record

import (
	"bytes"
	"slices"
	"testing"
)

func mustMarshal(t *testing.T, r *Record) []byte {
	t.Helper()
	b, err := Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// musts returns a checker that fails t on error and passes the record on.
func musts(t *testing.T) func(*Record, error) *Record {
	return func(r *Record, err error) *Record {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

func TestMergeConcurrentEdits(t *testing.T) {
	must := musts(t)
	base := must(NewVM(stamp("n0", 100), VM{UUID: "v1", Alias: "web", State: "running", Groupings: []string{"g1"}}))
	a, b := base.Clone(), base.Clone()
	var deltasA, deltasB []*Record

	// Replica a: stops the VM, renames it, leaves grouping g1, logs.
	deltasA = append(deltasA,
		must(a.SetField(stamp("a", 200), "state", "stopped")),
		must(a.SetField(stamp("a", 210), "alias", "web-a")),
		must(a.RemoveFromSet("groupings", "g1")),
		must(AddVMLog(a, stamp("a", 220), "stopped by a")),
	)
	// Replica b, concurrently: renames it later, re-adds g1, logs.
	deltasB = append(deltasB,
		must(b.SetField(stamp("b", 300), "alias", "web-b")),
		must(b.AddToSet(stamp("b", 310), "groupings", "g1")),
		must(AddVMLog(b, stamp("b", 320), "renamed by b")),
		must(b.SetMapEntry(stamp("b", 330), "metadata", []string{"owner", "team"}, "ops")),
	)

	ab, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	ba, err := Merge(b, a)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustMarshal(t, ab), mustMarshal(t, ba)) {
		t.Fatal("merge order changes the bytes")
	}
	vm, err := VMFromRecord(ab)
	if err != nil {
		t.Fatal(err)
	}
	if vm.State != "stopped" || vm.Alias != "web-b" {
		t.Errorf("state %q alias %q, want stopped, web-b", vm.State, vm.Alias)
	}
	if !slices.Equal(vm.Groupings, []string{"g1"}) {
		t.Errorf("groupings %q: the concurrent re-add should win", vm.Groupings)
	}
	if len(vm.Logs) != 2 {
		t.Errorf("logs %v, want both lines", vm.Logs)
	}
	if vm.Metadata["owner"].(map[string]any)["team"] != "ops" {
		t.Errorf("metadata %v", vm.Metadata)
	}

	// Shipping only the deltas gives the same bytes as merging states.
	viaDeltas := mustMarshal(t, base)
	for _, d := range slices.Concat(deltasB, deltasA) {
		if viaDeltas, err = MergeBytes(viaDeltas, mustMarshal(t, d)); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(viaDeltas, mustMarshal(t, ab)) {
		t.Fatal("merging the deltas differs from merging the states")
	}
}

func TestMergeBytesFromNothing(t *testing.T) {
	must := musts(t)
	r := must(NewUser(stamp("a", 1), User{UUID: "u1", Name: "alice"}))
	got, err := MergeBytes(nil, mustMarshal(t, r))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, mustMarshal(t, r)) {
		t.Fatal("MergeBytes(nil, r) differs from r")
	}
}

func TestMergeRejectsMixedTypes(t *testing.T) {
	must := musts(t)
	u := must(NewUser(stamp("a", 1), User{UUID: "u1"}))
	r := must(NewRole(stamp("a", 1), Role{UUID: "r1"}))
	if _, err := Merge(u, r); !errorsIs(err, ErrType) {
		t.Fatalf("Merge: %v, want ErrType", err)
	}
	if _, err := MergeBytes(mustMarshal(t, u), mustMarshal(t, r)); !errorsIs(err, ErrType) {
		t.Fatalf("MergeBytes: %v, want ErrType", err)
	}
}

func TestUnknownFieldsArePreserved(t *testing.T) {
	must := musts(t)
	// A newer node wrote fields this code does not know, of every kind.
	newer := New("vm")
	newer.Fields.SetLWW("n2", "future_flag", stamp("n2", 5).TS, []byte{0xf5})
	newer.Fields.UpdateMap("future_map", nil2map("n2"))
	must(newer.SetField(stamp("n2", 6), "uuid", "v1"))
	old := must(NewVM(stamp("n1", 7), VM{UUID: "v1", State: "running"}))

	merged, err := MergeBytes(mustMarshal(t, old), mustMarshal(t, newer))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Load(merged)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"future_flag", "future_map", "uuid", "state"} {
		if !r.Fields.Has(k) {
			t.Errorf("field %q lost", k)
		}
	}
	if vm, err := VMFromRecord(r); err != nil || vm.State != "running" {
		t.Fatalf("projection: %+v, %v", vm, err)
	}
	// A mutation through the typed API leaves the unknown fields as they are.
	before := r.Clone()
	must(r.SetField(stamp("n1", 9), "state", "stopped"))
	for _, k := range []string{"future_flag", "future_map"} {
		x, _ := before.Fields.Get(k)
		y, _ := r.Fields.Get(k)
		if x.Kind() != y.Kind() {
			t.Errorf("field %q changed", k)
		}
	}
	// And the newer node, merging back, keeps everything too.
	back, err := MergeBytes(mustMarshal(t, newer), mustMarshal(t, r))
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := Load(back)
	if !rb.Fields.Has("future_map") || !rb.Fields.Has("state") {
		t.Fatal("merging back lost fields")
	}
}
