package record

import (
	"errors"
	"slices"
	"testing"

	"github.com/fifogo/fifo/internal/crdt"
)

func TestMutatorErrors(t *testing.T) {
	must := musts(t)
	vm := must(NewVM(stamp("a", 1), VM{UUID: "v1"}))
	st := stamp("a", 2)
	tests := []struct {
		name string
		run  func() (*Record, error)
		want error
	}{
		{"unknown field", func() (*Record, error) { return vm.SetField(st, "nope", 1) }, ErrUnknownField},
		{"register op on a set", func() (*Record, error) { return vm.SetField(st, "logs", 1) }, ErrKind},
		{"set op on a register", func() (*Record, error) { return vm.AddToSet(st, "state", "x") }, ErrKind},
		{"counter op on a map", func() (*Record, error) { return vm.Inc(st, "metadata", "k", 1) }, ErrKind},
		{"empty map path", func() (*Record, error) { return vm.SetMapEntry(st, "metadata", nil, 1) }, ErrInvalid},
		{"unencodable value", func() (*Record, error) { return vm.SetField(st, "alias", make(chan int)) }, ErrInvalid},
		{"entity mutator on another type", func() (*Record, error) { return ClaimIP(vm, st, 1) }, ErrType},
		{"remove unknown field", func() (*Record, error) { return vm.RemoveField("nope") }, ErrUnknownField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.run(); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := UserFromRecord(vm); !errors.Is(err, ErrType) {
		t.Fatalf("projecting a vm as a user: %v", err)
	}
}

func TestGenericRecordsAcceptAnyField(t *testing.T) {
	r := New("widget")
	if r.Schema != 1 {
		t.Fatalf("schema %d", r.Schema)
	}
	if _, err := r.SetField(stamp("a", 1), "anything", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := r.AddToSet(stamp("a", 1), "tags", "x"); err != nil {
		t.Fatal(err)
	}
}

func TestMapEntries(t *testing.T) {
	must := musts(t)
	r := must(NewVM(stamp("a", 1), VM{UUID: "v1"}))
	must(r.SetMapEntry(stamp("a", 2), "metadata", []string{"cerberus"}, map[string]any{"color": "red", "size": map[string]any{"w": int64(1)}}))
	must(r.SetMapEntry(stamp("a", 3), "metadata", []string{"cerberus", "size", "h"}, int64(2)))
	vm, _ := VMFromRecord(r)
	want := map[string]any{"cerberus": map[string]any{"color": "red", "size": map[string]any{"w": int64(1), "h": int64(2)}}}
	if !equalAny(vm.Metadata, want) {
		t.Fatalf("metadata %v, want %v", vm.Metadata, want)
	}
	d := must(r.RemoveMapEntry("metadata", []string{"cerberus", "size"}))
	if d.Fields.Len() != 0 {
		t.Fatal("a remove delta carries entries")
	}
	vm, _ = VMFromRecord(r)
	if !equalAny(vm.Metadata, map[string]any{"cerberus": map[string]any{"color": "red"}}) {
		t.Fatalf("after remove: %v", vm.Metadata)
	}
	empty := must(r.RemoveMapEntry("metadata", []string{"nope", "x"}))
	if empty.Fields.Len() != 0 || !r.Fields.Has("metadata") {
		t.Fatal("removing a missing path changed something")
	}
	must(r.RemoveMapEntry("metadata", []string{"cerberus"}))
	if r.Fields.Has("metadata") {
		t.Fatal("an emptied map field is still present")
	}
}

func equalAny(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok {
			return false
		}
		am, aok := av.(map[string]any)
		bm, bok := bv.(map[string]any)
		if aok != bok || (aok && !equalAny(am, bm)) || (!aok && av != bv) {
			return false
		}
	}
	return true
}

func TestCounters(t *testing.T) {
	must := musts(t)
	org := must(NewOrg(stamp("a", 1), Org{UUID: "o1"}))
	must(org.Inc(stamp("a", 2), "resources", "vms", 3))
	must(org.Dec(stamp("b", 3), "resources", "vms", 1))
	o, _ := OrgFromRecord(org)
	if o.Resources["vms"] != 2 {
		t.Fatalf("vms = %d, want 2", o.Resources["vms"])
	}
	// Removing the counter and counting again starts from zero.
	must(org.RemoveMapEntry("resources", []string{"vms"}))
	must(org.Inc(stamp("a", 4), "resources", "vms", 1))
	o, _ = OrgFromRecord(org)
	if o.Resources["vms"] != 1 {
		t.Fatalf("after reset: vms = %d, want 1", o.Resources["vms"])
	}
}

func TestIPClaims(t *testing.T) {
	must := musts(t)
	r := must(NewIPRange(stamp("a", 1), IPRange{UUID: "r1"}, 10, 12))
	d := must(ClaimIP(r, stamp("a", 2), 11))
	ipr, _ := IPRangeFromRecord(r)
	if !slices.Equal(ipr.Free, []uint32{10, 12}) || !slices.Equal(ipr.Used, []uint32{11}) {
		t.Fatalf("after claim: free %v used %v", ipr.Free, ipr.Used)
	}
	if _, err := ClaimIP(r, stamp("a", 3), 11); !errors.Is(err, ErrInvalid) {
		t.Fatalf("second claim: %v", err)
	}
	// The claim delta moves the address on another replica too.
	other := must(NewIPRange(stamp("a", 1), IPRange{UUID: "r1"}, 10, 12))
	other.Fields.Merge(d.Fields)
	if o, _ := IPRangeFromRecord(other); !slices.Equal(o.Used, []uint32{11}) || slices.Contains(o.Free, 11) {
		t.Fatalf("delta applied: free %v used %v", o.Free, o.Used)
	}
	must(ReleaseIP(r, stamp("a", 4), 11))
	if ipr, _ = IPRangeFromRecord(r); len(ipr.Free) != 3 || len(ipr.Used) != 0 {
		t.Fatalf("after release: free %v used %v", ipr.Free, ipr.Used)
	}
	if _, err := NewIPRange(stamp("a", 1), IPRange{}, 5, 4); !errors.Is(err, ErrInvalid) {
		t.Fatalf("reversed range: %v", err)
	}
	if _, err := NewIPRange(stamp("a", 1), IPRange{}, 0, MaxIPRangeSize); !errors.Is(err, ErrInvalid) {
		t.Fatalf("oversized range: %v", err)
	}
}

func TestEntityMutators(t *testing.T) {
	must := musts(t)
	vm := must(NewVM(stamp("a", 1), VM{UUID: "v1"}))
	must(SetVMCreating(vm, stamp("a", 5e9), "fetching_dataset"))
	must(AddVMLog(vm, stamp("a", 6e9), "fetching"))
	v, _ := VMFromRecord(vm)
	if v.Creating != (Creating{Phase: "fetching_dataset", Secs: 5}) || v.Logs[0] != (LogEntry{Date: 6e6, Log: "fetching"}) {
		t.Fatalf("vm %+v", v)
	}
	must(SetVMCreating(vm, stamp("a", 7e9), ""))
	if v, _ = VMFromRecord(vm); !v.Creating.IsZero() {
		t.Fatalf("creating %+v after finishing", v.Creating)
	}

	role := must(NewRole(stamp("a", 1), Role{UUID: "r1"}))
	must(Grant(role, stamp("a", 2), []string{"vms", "_", "get"}))
	must(Grant(role, stamp("a", 3), []string{"..."}))
	must(Revoke(role, []string{"..."}))
	if r, _ := RoleFromRecord(role); len(r.Permissions) != 1 || r.Permissions[0][1] != "_" {
		t.Fatalf("permissions %v", r.Permissions)
	}

	org := must(NewOrg(stamp("a", 1), Org{UUID: "o1"}))
	must(AddOrgTrigger(org, stamp("a", 2), "t1", Trigger{Event: "vm_create", Action: "user_grant", Target: "u1", Permission: []string{"vms", "$uuid$"}}))
	o, _ := OrgFromRecord(org)
	tr := o.Triggers["t1"].(map[string]any)
	if tr["trigger"] != "vm_create" || len(tr["permission"].([]any)) != 2 {
		t.Fatalf("trigger %v", tr)
	}

	acc := must(NewAccounting(stamp("a", 1), Accounting{Org: "o1"}))
	must(AddAccounting(acc, stamp("a", 2), AccountingEntry{Timestamp: 2, Action: "create", Resource: "v1"}))
	if a, _ := AccountingFromRecord(acc); len(a.Entries) != 1 || a.Entries[0].Resource != "v1" {
		t.Fatalf("accounting %+v", a)
	}
}

func TestProjectionRejectsWrongTypes(t *testing.T) {
	r := New(BucketVM)
	r.Fields.SetLWW("a", "created_at", crdt.Timestamp{Wall: 1}, []byte{0x63, 'a', 'b', 'c'}) // a string
	if _, err := VMFromRecord(r); !errors.Is(err, ErrFieldType) {
		t.Fatalf("got %v, want ErrFieldType", err)
	}
}
