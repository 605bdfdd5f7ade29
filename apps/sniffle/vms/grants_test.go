package vms

import (
	"encoding/json"
	"testing"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/placement"
)

func TestNeedsCreatorGrants(t *testing.T) {
	lit := func(es ...string) []placement.PermElem {
		out := make([]placement.PermElem, len(es))
		for i, e := range es {
			out[i] = placement.PermElem{Literal: e}
		}
		return out
	}
	res := []placement.PermElem{{Attribute: "uuid"}, {Literal: "x"}, {Literal: "get"}}
	for _, c := range []struct {
		name string
		rule placement.Rule
		want bool
	}{
		{"hypervisor permission", placement.Rule{Kind: placement.Must, Condition: placement.Allowed, Permission: lit("hypervisors", "h", "create")}, false},
		{"vm permission", placement.Rule{Kind: placement.Must, Condition: placement.Allowed, Permission: lit("vms", "v", "get")}, true},
		{"channel permission", placement.Rule{Kind: placement.Cant, Condition: placement.Allowed, Permission: lit("channels", "v", "join")}, true},
		{"placeholder first", placement.Rule{Kind: placement.Points, Points: 3, Condition: placement.Allowed, Permission: res}, true},
		{"too short to match", placement.Rule{Kind: placement.Must, Condition: placement.Allowed, Permission: lit("vms", "v")}, false},
		{"rule's own grants", placement.Rule{Kind: placement.Must, Condition: placement.Allowed, Permission: lit("vms", "v", "get"),
			Grants: []perm.Permission{{"..."}}}, false},
		{"not allowed", placement.Rule{Kind: placement.Must, Condition: placement.Element, Attribute: "vms", Value: "v"}, false},
	} {
		if got := needsCreatorGrants([]placement.Rule{c.rule}); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestPlacementSeesCreatorGrants: an allowed requirement on a permission
// only a creator grant gives (the creator's earlier VM) is tested against
// the whole effective set, so the create is placed.
func TestPlacementSeesCreatorGrants(t *testing.T) {
	f := newFixture(t, 2, 4096, 512, 10)
	first := f.create(t, "first")
	req := f.request("second")
	rule, err := json.Marshal(map[string]any{"weight": "must", "condition": "allowed",
		"attribute": []string{"vms", first.UUID, "console"}})
	if err != nil {
		t.Fatal(err)
	}
	req.Config.Requirements = []json.RawMessage{rule}
	id, err := f.Register(f.ctx, f.user, req, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Run(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	vm, err := f.Get(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if vm.State == StateFailed || vm.Hypervisor == "" || vm.Hypervisor == "pooled" {
		t.Fatalf("second VM: state %q on %q (%s)", vm.State, vm.Hypervisor, lastLog(vm))
	}
}
