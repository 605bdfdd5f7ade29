package record

import (
	"bytes"
	"testing"

	"github.com/fifogo/fifo/internal/crdt"
)

// bumpedUser returns a registry as a build stamped with
// testSchemaBump=user has it: "v2" of this code.
func bumpedUser(t *testing.T) *Registry {
	t.Helper()
	es, err := entitiesFor(BucketUser)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewRegistry(es...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// marker returns the BumpField register of r, if any.
func marker(r *Record) (uint32, bool) {
	v, ok := r.Fields.GetKind(BumpField, crdt.KindLWW)
	if !ok {
		return 0, false
	}
	var n uint32
	if err := decodeValue(v.LWW.Value, &n); err != nil {
		return 0, false
	}
	return n, true
}

func TestSchemaBumpRaisesOneType(t *testing.T) {
	v2 := bumpedUser(t)
	before, after := Builtin().Versions(), v2.Versions()
	for typ, v := range before {
		want := v
		if typ == BucketUser {
			want = v + 1
		}
		if after[typ] != want {
			t.Errorf("%s: schema %d in the bumped build, want %d", typ, after[typ], want)
		}
	}
	if _, err := entitiesFor("no-such-type"); err == nil {
		t.Fatal("a bump of an unknown type was accepted")
	}
	if testSchemaBump != "" {
		t.Fatalf("the test binary is stamped with a schema bump of %q", testSchemaBump)
	}
	// The bumped build creates users at its version with the marker; other
	// types are created as before.
	u, err := v2.create(stamp("n2", 1), BucketUser, User{UUID: "u1", Name: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := marker(u); u.Schema != after[BucketUser] || !ok || m != after[BucketUser] {
		t.Fatalf("bumped user: schema %d, marker %d %v", u.Schema, m, ok)
	}
	p, err := v2.create(stamp("n2", 1), BucketPackage, Package{UUID: "p1", Name: "small"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := marker(p); ok || p.Schema != before[BucketPackage] {
		t.Fatalf("package in the bumped build: schema %d, marker %v", p.Schema, ok)
	}
	// A v1 record loaded by v2 is upgraded (the step changes nothing else).
	old, err := NewUser(stamp("n1", 1), User{UUID: "u0", Name: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	up, err := v2.Load(mustMarshal(t, old))
	if err != nil || up.Schema != after[BucketUser] || !up.Fields.Equal(old.Fields) {
		t.Fatalf("v2 loading a v1 user: schema %d, %v", up.Schema, err)
	}
}

// Version 1 of the code (the built-in registry here) reads, changes and
// merges the records version 2 (bumped) wrote without losing anything: the
// fields it knows read as they were written, the field it does not know
// and the higher schema version survive every rewrite, in both merge paths
// (Merge on records and the store's MergeBytes).
func TestPreviousVersionKeepsBumpedRecords(t *testing.T) {
	v1, v2 := Builtin(), bumpedUser(t)
	must := musts(t)
	v2rec, err := v2.create(stamp("n2", 10), BucketUser, User{UUID: "u1", Name: "ann",
		Metadata: map[string]any{"public": map[string]any{"a": int64(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	stored := mustMarshal(t, v2rec)
	bumpedVersion := v2rec.Schema

	// Read: v1 projects the fields it knows; nothing is downgraded.
	r, err := v1.Load(stored)
	if err != nil {
		t.Fatal(err)
	}
	u, err := UserFromRecord(r)
	if err != nil || u.UUID != "u1" || u.Name != "ann" || u.Metadata["public"].(map[string]any)["a"] != int64(1) {
		t.Fatalf("v1 reads %+v, %v", u, err)
	}
	if r.Schema != bumpedVersion || !bytes.Equal(mustMarshal(t, r), stored) {
		t.Fatal("v1 changed a v2 record by loading it")
	}

	// Write: v1 changes a field on the v2 record it read; the delta merged
	// into the stored bytes keeps the unknown field and the version.
	d := must(r.SetMapEntry(stamp("n1", 20), "metadata", []string{"public", "b"}, int64(2)))
	merged, err := v1.MergeBytes(stored, mustMarshal(t, d))
	if err != nil {
		t.Fatal(err)
	}
	// And a delta from a record v1 built itself (schema 1), as a write
	// racing with v2's creation would be.
	fresh := must(NewUser(stamp("n1", 5), User{UUID: "u1"}))
	d1 := must(fresh.SetField(stamp("n1", 30), "active_org", "org1"))
	if d1.Schema >= bumpedVersion {
		t.Fatalf("v1 delta at schema %d", d1.Schema)
	}
	merged, err = v1.MergeBytes(merged, mustMarshal(t, d1))
	if err != nil {
		t.Fatal(err)
	}
	check := func(how string, got *Record) {
		t.Helper()
		if m, ok := marker(got); !ok || m != bumpedVersion {
			t.Fatalf("%s: the field v1 does not know is gone (%d %v)", how, m, ok)
		}
		if got.Schema != bumpedVersion {
			t.Fatalf("%s: schema %d, want %d (never downgraded)", how, got.Schema, bumpedVersion)
		}
		u, err := UserFromRecord(got)
		pub, _ := u.Metadata["public"].(map[string]any)
		if err != nil || u.Name != "ann" || u.ActiveOrg != "org1" || pub["a"] != int64(1) || pub["b"] != int64(2) {
			t.Fatalf("%s: %+v, %v", how, u, err)
		}
		// v2 reads v1's rewrite as its own record.
		back, err := v2.Load(mustMarshal(t, got))
		if err != nil || back.Schema != bumpedVersion || !back.Fields.Equal(got.Fields) {
			t.Fatalf("%s: v2 reading it back: %v", how, err)
		}
	}
	check("MergeBytes", must(v1.Load(merged)))

	// The same through Merge on records, in either order.
	viaMerge := must(v1.Merge(must(v1.Merge(must(v1.Load(stored)), d)), d1))
	check("Merge", viaMerge)
	other := must(v1.Merge(d1, must(v1.Merge(d, must(v1.Load(stored))))))
	if !other.Equal(viaMerge) {
		t.Fatal("v1 merges of v2 records depend on the order")
	}
	if !bytes.Equal(mustMarshal(t, viaMerge), merged) {
		t.Fatal("Merge and MergeBytes disagree on v2 records")
	}
}
