package placement

import (
	"testing"

	"github.com/fifogo/fifo/internal/record"
)

// condHV is the hypervisor the condition table reads.
func condHV() record.Hypervisor {
	h := hyp("hv-1")
	h.Resources["free-memory"] = int64(4096)
	h.Resources["ratio"] = 0.5
	h.Resources["big"] = uint64(1 << 40)
	h.Characteristics["tags"] = []any{"a", "b", int64(3), nil, true}
	h.Characteristics["nested"] = []any{[]any{"x"}, map[string]any{"y": 1}}
	h.Characteristics["none"] = nil
	h.Characteristics["empty"] = []any{}
	h.Characteristics["strs"] = []string{"p", "q"}
	h.Characteristics["odd"] = struct{}{}
	h.Sysinfo["SDC Version"] = "7.0"
	h.Sysinfo["Boot Parameters"] = map[string]any{"smartos": "true", "console.speed": "115200"}
	h.Sysinfo["a.b"] = map[string]any{"c": "dotted"}
	h.Services = map[string]any{"svc:/network/ssh:default": "online"}
	return h
}

func TestConditions(t *testing.T) {
	h := condHV()
	cases := []struct {
		c    Condition
		attr string
		v    any
		want bool
	}{
		// Ordering: numbers with numbers, strings with strings.
		{GreaterEq, "resources.free-memory", 4096, true},
		{GreaterEq, "resources.free-memory", 4097, false},
		{Greater, "resources.free-memory", 4095, true},
		{Greater, "resources.free-memory", 4096, false},
		{LessEq, "resources.free-memory", 4096, true},
		{LessEq, "resources.free-memory", 4095, false},
		{Less, "resources.free-memory", 4097, true},
		{Less, "resources.free-memory", 4096, false},
		{Less, "resources.ratio", 0.75, true},
		{Greater, "resources.big", 1e12, true},
		{GreaterEq, "alias", "hv-hv-1", true},
		{Greater, "alias", "hv-hv-1", false},
		{Less, "alias", "hw", true},
		{Greater, "sysinfo.Live Image", "20230101T000000Z", true},
		// Mismatched types never hold and never panic.
		{Greater, "alias", 3, false},
		{LessEq, "alias", 3, false},
		{Greater, "resources.free-memory", "4000", false},
		{Less, "resources.free-memory", "5000", false},
		{GreaterEq, "networks", "admin", false},
		{GreaterEq, "characteristics.ssd", 0, false},
		{GreaterEq, "characteristics.none", 0, false},
		{Greater, "resources.missing", 0, false},
		{Less, "resources.missing", 0, false},
		{GreaterEq, "pools", 0, false},
		{GreaterEq, "path", "a", false},
		{Greater, "characteristics.odd", 0, false},
		// Equality: scalars by value, lists in order.
		{Equal, "resources.free-memory", 4096.0, true},
		{Equal, "resources.free-memory", "4096", false},
		{Equal, "characteristics.ssd", true, true},
		{Equal, "characteristics.ssd", 1, false},
		{Equal, "characteristics.zone", "z1", true},
		{Equal, "characteristics.none", nil, true},
		{Equal, "characteristics.missing", nil, false},
		{Equal, "networks", []any{"admin", "external"}, true},
		{Equal, "networks", []string{"external", "admin"}, false},
		{Equal, "networks", "admin", false},
		{Equal, "characteristics.tags", []any{"a", "b", 3, nil, true}, true},
		{Equal, "characteristics.strs", []any{"p", "q"}, true},
		{Equal, "characteristics.empty", []any{}, true},
		{Equal, "path", []any{"dc1", "r1"}, true},
		{Equal, "pools", []any{"zones"}, false},
		{Equal, "characteristics.nested", []any{"x", 1}, false},
		{Equal, "characteristics.odd", nil, false},
		{NotEqual, "characteristics.zone", "z2", true},
		{NotEqual, "characteristics.zone", "z1", false},
		{NotEqual, "characteristics.missing", "z1", true},
		{NotEqual, "resources.free-memory", "4096", true},
		{Equal, "uuid", "hv-1", true},
		{Equal, "port", 0, true},
		{Equal, "version", "", true},
		// Subset: V ⊆ A.
		{Subset, "networks", []any{"admin"}, true},
		{Subset, "networks", []any{"admin", "external"}, true},
		{Subset, "networks", []any{"admin", "storage"}, false},
		{Subset, "networks", []any{}, true},
		{Subset, "etherstubs", []any{}, true},
		{Subset, "etherstubs", []any{"x"}, false},
		{Subset, "characteristics.missing", []any{}, true},
		{Subset, "characteristics.missing", []any{"a"}, false},
		{Subset, "characteristics.tags", []any{3, "a", nil}, true},
		{Subset, "characteristics.tags", []any{"3"}, false},
		{Subset, "characteristics.zone", []any{"z1"}, false},
		{Subset, "pools", []any{"zones"}, true},
		{Subset, "path", []any{"r1"}, true},
		{Subset, "characteristics.strs", []any{"q"}, true},
		// Superset: A ⊆ V.
		{Superset, "networks", []any{"admin", "external", "storage"}, true},
		{Superset, "networks", []any{"admin"}, false},
		{Superset, "characteristics.missing", []any{}, true},
		{Superset, "characteristics.empty", []any{}, true},
		{Superset, "characteristics.nested", []any{"x"}, false},
		{Superset, "characteristics.gen", []any{3}, false},
		{Superset, "virtualisation", []any{"zone", "kvm", "lx", "docker", "jail", "ipkg", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}, true},
		// Disjoint.
		{Disjoint, "networks", []any{"storage"}, true},
		{Disjoint, "networks", []any{"storage", "admin"}, false},
		{Disjoint, "characteristics.missing", []any{"a"}, true},
		{Disjoint, "characteristics.zone", []any{"a"}, false},
		{Disjoint, "characteristics.nested", []any{"x"}, true},
		{Disjoint, "services", []any{"svc:/network/ssh:default"}, false},
		// Element: V ∈ A.
		{Element, "virtualisation", "kvm", true},
		{Element, "virtualisation", "lx", false},
		{Element, "characteristics.tags", 3, true},
		{Element, "characteristics.tags", nil, true},
		{Element, "characteristics.tags", true, true},
		{Element, "characteristics.tags", "3", false},
		{Element, "characteristics.zone", "z1", false},
		{Element, "characteristics.missing", "z1", false},
		{Element, "pools", "zones", true},
		{Element, "path", "r1", true},
		{Element, "path", "r2", false},
		// OneOf: A ∈ V.
		{OneOf, "characteristics.zone", []any{"z0", "z1"}, true},
		{OneOf, "characteristics.zone", []any{"z0", "z2"}, false},
		{OneOf, "characteristics.gen", []any{1, 2, 3}, true},
		{OneOf, "characteristics.missing", []any{nil}, false},
		{OneOf, "characteristics.none", []any{nil}, true},
		{OneOf, "networks", []any{"admin"}, false},
		{OneOf, "alias", []any{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "hv-hv-1"}, true},
		// Paths: nested maps and keys that hold dots.
		{Equal, "pools.zones.free", 500000, true},
		{Equal, "sysinfo.SDC Version", "7.0", true},
		{Equal, "sysinfo.Boot Parameters.smartos", "true", true},
		{Equal, "sysinfo.Boot Parameters.console.speed", "115200", true},
		{Equal, "sysinfo.a.b.c", "dotted", true},
		{Equal, "sysinfo.CPU Total Cores", 32, true},
		{Equal, "pools.zones.free.deeper", 500000, false},
		{Equal, "services.svc:/network/ssh:default", "online", true},
	}
	for _, tc := range cases {
		r := Rule{Kind: Must, Condition: tc.c, Attribute: tc.attr, Value: tc.v}
		c, err := compileRule(r)
		if err != nil {
			t.Errorf("%s: %v", r, err)
			continue
		}
		buf := make([]string, 0, 8)
		if got := c.holds(&h, nil, &buf); got != tc.want {
			t.Errorf("%s = %v, want %v", r, got, tc.want)
		}
		// NotEqual is the negation of Equal, everywhere.
		if tc.c == Equal {
			r.Condition = NotEqual
			c, _ := compileRule(r)
			if got := c.holds(&h, nil, &buf); got == tc.want {
				t.Errorf("%s = %v, want %v", r, got, !tc.want)
			}
		}
	}
}

func TestConditionsOnAnEmptyHypervisor(t *testing.T) {
	var h record.Hypervisor
	for _, c := range conditions {
		if c == Allowed {
			continue
		}
		for _, a := range []string{"uuid", "networks", "path", "resources", "resources.free-memory", "sysinfo.a.b"} {
			for _, v := range []any{nil, 1, "x", []any{}, []any{"x"}} {
				r := Rule{Kind: Must, Condition: c, Attribute: a, Value: v}
				cr, err := compileRule(r)
				if err != nil {
					continue // a value the condition does not take
				}
				buf := []string{}
				cr.holds(&h, nil, &buf) // must not panic
			}
		}
	}
}
