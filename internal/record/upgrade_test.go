package record

import (
	"bytes"
	"errors"
	"testing"

	"github.com/fifogo/fifo/internal/crdt"
)

// schema1VM builds a VM as a schema-1 node wrote it: `creating` a bool.
func schema1VM(t *testing.T, creating bool, wall int64) *Record {
	t.Helper()
	must := musts(t)
	r := New(BucketVM)
	r.Schema = 1
	must(r.SetField(stamp("old", wall), "uuid", "v1"))
	must(r.SetField(stamp("old", wall), "state", "installing_dataset"))
	must(r.SetField(stamp("old", wall), "creating", creating))
	must(AddVMLog(r, stamp("old", wall), "placed"))
	r.Fields.SetLWW("old", "legacy_field", crdt.Timestamp{Wall: wall, Node: "old"}, []byte{0x63, 'o', 'l', 'd'})
	return r
}

func TestLoadUpgradesVMCreating(t *testing.T) {
	const wall = 1_700_000_123_456_789_000
	tests := []struct {
		name     string
		creating bool
		want     Creating
	}{
		{"creating", true, Creating{Phase: "creating", Secs: 1_700_000_123}},
		{"not creating", false, Creating{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := mustMarshal(t, schema1VM(t, tt.creating, wall))
			r, err := Load(old)
			if err != nil {
				t.Fatal(err)
			}
			if r.Schema != 2 {
				t.Fatalf("schema %d, want 2", r.Schema)
			}
			vm, err := VMFromRecord(r)
			if err != nil {
				t.Fatal(err)
			}
			if vm.Creating != tt.want || vm.UUID != "v1" || vm.State != "installing_dataset" || len(vm.Logs) != 1 {
				t.Fatalf("upgraded view %+v", vm)
			}
			if v, ok := r.Fields.GetKind("legacy_field", crdt.KindLWW); !ok || string(v.LWW.Value) != "cold" {
				t.Fatal("unknown field lost or changed by the upgrade")
			}
			// Two nodes upgrading the same bytes get the same bytes.
			again, err := Load(old)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(mustMarshal(t, r), mustMarshal(t, again)) {
				t.Fatal("upgrade is not deterministic")
			}
			// Upgrading is idempotent.
			if err := Builtin().Upgrade(r); err != nil || r.Schema != 2 {
				t.Fatalf("second upgrade: schema %d, %v", r.Schema, err)
			}
		})
	}
}

func TestUpgradeCommutesWithMerge(t *testing.T) {
	must := musts(t)
	a := schema1VM(t, true, 1e18)
	b := a.Clone()
	must(b.SetField(stamp("old2", 2e18), "creating", false)) // concurrent, schema 1
	must(a.SetField(stamp("old", 3e18), "creating", true))   // concurrent with b's write

	mergedThenUpgraded := a.Clone()
	mergedThenUpgraded.mergeFields(b)
	if err := Builtin().Upgrade(mergedThenUpgraded); err != nil {
		t.Fatal(err)
	}
	upgradedThenMerged, err := Merge(a, b) // upgrades both first
	if err != nil {
		t.Fatal(err)
	}
	if !upgradedThenMerged.Equal(mergedThenUpgraded) {
		t.Fatal("upgrade does not commute with merge")
	}
	vm, _ := VMFromRecord(upgradedThenMerged)
	if vm.Creating != (Creating{Phase: "creating", Secs: 3e9}) {
		t.Fatalf("creating %+v, want a's later write", vm.Creating)
	}
}

func TestNewerSchemaLoadsUnchanged(t *testing.T) {
	must := musts(t)
	future := must(NewVM(stamp("n3", 1), VM{UUID: "v1", State: "running"}))
	future.Schema = 3
	// A schema-3 node stores creating in a shape this node cannot read.
	must(future.SetField(stamp("n3", 2), "creating", []any{"phase", int64(3)}))
	data := mustMarshal(t, future)

	r, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if r.Schema != 3 || !bytes.Equal(mustMarshal(t, r), data) {
		t.Fatal("a newer record was changed by loading it")
	}
	mine := must(NewVM(stamp("n2", 3), VM{UUID: "v1", Alias: "web"}))
	merged, err := Merge(mine, r)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Schema != 3 {
		t.Fatalf("merged schema %d, want 3 (never downgrade)", merged.Schema)
	}
	if _, err := VMFromRecord(merged); !errors.Is(err, ErrFieldType) {
		t.Fatalf("projecting an unreadable field: %v, want ErrFieldType", err)
	}
	if v, _ := merged.Fields.GetKind("alias", crdt.KindLWW); v.LWW == nil {
		t.Fatal("merge lost this node's field")
	}
}

func TestCreatingAcceptsSchema1Writers(t *testing.T) {
	// In a mixed cluster an old node may write true into a schema-2 record.
	must := musts(t)
	r := must(NewVM(stamp("new", 1), VM{UUID: "v1"}))
	must(r.SetField(stamp("old", 2), "creating", true))
	vm, err := VMFromRecord(r)
	if err != nil || vm.Creating.Phase != "creating" {
		t.Fatalf("creating %+v, %v", vm.Creating, err)
	}
}

func TestRegistryUpgradeSteps(t *testing.T) {
	type thing struct {
		N string `record:"n,lww"`
	}
	var ran []uint32
	step := func(r *Record) error { ran = append(ran, r.Schema); return nil }
	fail := func(*Record) error { return errors.New("boom") }
	e, err := entity[thing]("thing", 4, step, step, fail)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewRegistry(e)
	if err != nil {
		t.Fatal(err)
	}
	r := &Record{Type: "thing", Schema: 1, Fields: &crdt.ORMap{}}
	err = g.Upgrade(r)
	if !errors.Is(err, ErrUpgrade) || r.Schema != 3 || len(ran) != 2 || ran[0] != 1 || ran[1] != 2 {
		t.Fatalf("err %v, schema %d, ran %v", err, r.Schema, ran)
	}
	if _, err := entity[thing]("thing", 2); err == nil {
		t.Fatal("version 2 without its upgrade step was accepted")
	}
	if _, err := NewRegistry(e, e); err == nil {
		t.Fatal("duplicate entity accepted")
	}
}

func TestEntitySchemaChecks(t *testing.T) {
	type dup struct {
		A string `record:"a,lww"`
		B string `record:"a,lww"`
	}
	type badKind struct {
		A string `record:"a,nope"`
	}
	type badType struct {
		A string `record:"a,set"`
	}
	if _, err := entity[dup]("x", 1); err == nil {
		t.Error("duplicate field accepted")
	}
	if _, err := entity[badKind]("x", 1); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := entity[badType]("x", 1); err == nil {
		t.Error("a set field that is not a slice accepted")
	}
	e, _ := Builtin().Entity(BucketVM)
	if f, ok := e.Field("creating"); !ok || f.Kind != LWW {
		t.Fatalf("vm creating: %+v %v", f, ok)
	}
}
