package placement

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// rank is Place that fails the test on a bad request.
func rank(t *testing.T, hvs []record.Hypervisor, req Request, seed uint64) Result {
	t.Helper()
	res, err := Place(hvs, req, seed)
	if err != nil {
		t.Fatalf("Place: %v", err)
	}
	return res
}

// uuids lists the candidates' uuids, best first.
func uuids(res Result) []string {
	out := make([]string, len(res.Candidates))
	for i, c := range res.Candidates {
		out[i] = c.UUID
	}
	return out
}

// scores maps the candidates' uuids to their scores.
func scores(res Result) map[string]int64 {
	out := map[string]int64{}
	for _, c := range res.Candidates {
		out[c.UUID] = c.Score
	}
	return out
}

func mem(mb int64) func(*record.Hypervisor) {
	return func(h *record.Hypervisor) { h.Resources = map[string]any{"free-memory": mb} }
}

func char(k string, v any) func(*record.Hypervisor) {
	return func(h *record.Hypervisor) {
		h.Characteristics = maps1(h.Characteristics)
		h.Characteristics[k] = v
	}
}

// maps1 copies a map so edits do not leak between hypervisors.
func maps1(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestWeights(t *testing.T) {
	hvs := []record.Hypervisor{
		with(hyp("a"), char("gen", int64(1)), char("zone", "z1")),
		with(hyp("b"), char("gen", int64(2)), char("zone", "z2")),
		with(hyp("c"), char("gen", int64(3)), char("zone", "z3")),
	}
	cases := []struct {
		name  string
		rules []Rule
		want  []string
		score map[string]int64
	}{
		{"none", nil, []string{"a", "b", "c"}, map[string]int64{"a": 0, "b": 0, "c": 0}},
		{"must", []Rule{{Kind: Must, Condition: GreaterEq, Attribute: "characteristics.gen", Value: 2}}, []string{"b", "c"}, nil},
		{"cant", []Rule{{Kind: Cant, Condition: Equal, Attribute: "characteristics.zone", Value: "z2"}}, []string{"a", "c"}, nil},
		{"must and cant", []Rule{
			{Kind: Must, Condition: GreaterEq, Attribute: "characteristics.gen", Value: 2},
			{Kind: Cant, Condition: Equal, Attribute: "characteristics.zone", Value: "z2"},
		}, []string{"c"}, nil},
		{"must on a string with >", []Rule{{Kind: Must, Condition: Greater, Attribute: "characteristics.zone", Value: 1}}, []string{}, nil},
		{"cant on a string with >", []Rule{{Kind: Cant, Condition: Greater, Attribute: "characteristics.zone", Value: 1}}, []string{"a", "b", "c"}, nil},
		{"positive points", []Rule{{Kind: Points, Points: 7, Condition: Equal, Attribute: "characteristics.zone", Value: "z3"}},
			[]string{"c", "a", "b"}, map[string]int64{"a": 0, "b": 0, "c": 7}},
		{"negative points", []Rule{{Kind: Points, Points: -7, Condition: Equal, Attribute: "characteristics.zone", Value: "z1"}},
			[]string{"b", "c", "a"}, map[string]int64{"a": -7, "b": 0, "c": 0}},
		{"points add up", []Rule{
			{Kind: Points, Points: 2, Condition: GreaterEq, Attribute: "characteristics.gen", Value: 2},
			{Kind: Points, Points: 3, Condition: GreaterEq, Attribute: "characteristics.gen", Value: 3},
			{Kind: Points, Points: 1, Condition: Equal, Attribute: "characteristics.zone", Value: "z1"},
		}, []string{"c", "b", "a"}, map[string]int64{"a": 1, "b": 2, "c": 5}},
		{"scale", []Rule{{Kind: Scale, Attribute: "characteristics.gen", Low: 0, High: 10}},
			[]string{"c", "b", "a"}, map[string]int64{"a": 0, "b": 5, "c": 10}},
		{"inverted scale", []Rule{{Kind: Scale, Attribute: "characteristics.gen", Low: 10, High: 0}},
			[]string{"a", "b", "c"}, map[string]int64{"a": 10, "b": 5, "c": 0}},
		{"negative scale", []Rule{{Kind: Scale, Attribute: "characteristics.gen", Low: -4, High: 0}},
			[]string{"c", "b", "a"}, map[string]int64{"a": -4, "b": -2, "c": 0}},
		{"scale over the candidates only", []Rule{
			{Kind: Must, Condition: GreaterEq, Attribute: "characteristics.gen", Value: 2},
			{Kind: Scale, Attribute: "characteristics.gen", Low: 0, High: 10},
		}, []string{"c", "b"}, map[string]int64{"b": 0, "c": 10}},
		{"scale of a string", []Rule{{Kind: Scale, Attribute: "characteristics.zone", Low: 3, High: 10}},
			[]string{"a", "b", "c"}, map[string]int64{"a": 3, "b": 3, "c": 3}},
		{"random of width 0", []Rule{{Kind: Random, Low: 4, High: 4}},
			[]string{"a", "b", "c"}, map[string]int64{"a": 4, "b": 4, "c": 4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := rank(t, hvs, Request{Rules: tc.rules}, 1)
			if got := uuids(res); !slices.Equal(got, tc.want) {
				t.Errorf("candidates %v, want %v (%s)", got, tc.want, res.Summary())
			}
			if tc.score != nil {
				if got := scores(res); !mapsEqual(got, tc.score) {
					t.Errorf("scores %v, want %v", got, tc.score)
				}
			}
		})
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestScaleRounding(t *testing.T) {
	hvs := []record.Hypervisor{with(hyp("a"), mem(0)), with(hyp("b"), mem(1)), with(hyp("c"), mem(2)), with(hyp("d"), mem(3)),
		with(hyp("e"), func(h *record.Hypervisor) { h.Resources = nil })}
	res := rank(t, hvs, Request{Rules: []Rule{{Kind: Scale, Attribute: "resources.free-memory", Low: 0, High: 10}}}, 0)
	// 10/3 = 3.33 → 3, 20/3 = 6.67 → 7; without the attribute: the lower bound.
	want := map[string]int64{"a": 0, "b": 3, "c": 7, "d": 10, "e": 0}
	if got := scores(res); !mapsEqual(got, want) {
		t.Errorf("scores %v, want %v", got, want)
	}
	res = rank(t, hvs[:1], Request{Rules: []Rule{{Kind: Scale, Attribute: "resources.free-memory", Low: 2, High: 10}}}, 0)
	if got := res.Candidates[0].Score; got != 2 {
		t.Errorf("a single candidate scores %d, want the low bound 2", got)
	}
}

func TestRandom(t *testing.T) {
	hvs := fleet(200, 3)
	req := Request{Rules: []Rule{{Kind: Random, Low: -5, High: 50}}}
	a := rank(t, hvs, req, 42)
	for _, c := range a.Candidates {
		if c.Score < -5 || c.Score >= 50 {
			t.Fatalf("score %d outside [-5, 50)", c.Score)
		}
	}
	// The same seed gives the same ranking, whatever the snapshot's order.
	shuffled := slices.Clone(hvs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b := rank(t, shuffled, req, 42)
	if !slices.Equal(uuids(a), uuids(b)) || !mapsEqual(scores(a), scores(b)) {
		t.Fatal("the same seed ranked a shuffled snapshot differently")
	}
	// A hypervisor's draw does not depend on the others.
	c := rank(t, hvs[:50], req, 42)
	for u, s := range scores(c) {
		if scores(a)[u] != s {
			t.Fatalf("%s drew %d alone and %d in the fleet", u, s, scores(a)[u])
		}
	}
	// Another seed gives another order, and draws cover the range.
	d := rank(t, hvs, req, 43)
	if slices.Equal(uuids(a), uuids(d)) {
		t.Fatal("seeds 42 and 43 gave the same order")
	}
	seen := map[int64]bool{}
	for _, c := range a.Candidates {
		seen[c.Score] = true
	}
	if len(seen) < 40 {
		t.Fatalf("200 draws in [-5, 50) gave only %d values", len(seen))
	}
	// Two random rules draw independently.
	two := rank(t, hvs, Request{Rules: []Rule{{Kind: Random, Low: 0, High: 1000}, {Kind: Random, Low: 0, High: 1000}}}, 42)
	one := rank(t, hvs, Request{Rules: []Rule{{Kind: Random, Low: 0, High: 1000}}}, 42)
	same := 0
	for u, s := range scores(two) {
		if s == 2*scores(one)[u] {
			same++
		}
	}
	if same > 10 {
		t.Fatalf("the second random rule repeats the first for %d of 200", same)
	}
}

func TestBuiltins(t *testing.T) {
	hvs := []record.Hypervisor{
		with(hyp("ok")),
		with(hyp("small"), mem(1024)),
		with(hyp("nomem"), func(h *record.Hypervisor) { h.Resources = map[string]any{"total-memory": int64(1)} }),
		with(hyp("strmem"), func(h *record.Hypervisor) { h.Resources = map[string]any{"free-memory": "lots"} }),
		with(hyp("zoneonly"), func(h *record.Hypervisor) { h.Virtualisation = []string{"zone"} }),
		with(hyp("noext"), func(h *record.Hypervisor) { h.Networks = []string{"admin"} }),
		with(hyp("exact"), mem(2048)),
		with(hyp("float"), func(h *record.Hypervisor) { h.Resources = map[string]any{"free-memory": 4096.5} }),
	}
	req := Request{RAM: 2048, Virtualisation: "kvm", Networks: []Network{{Name: "public", Tags: []string{"external"}}}}
	res := rank(t, hvs, req, 0)
	if got, want := uuids(res), []string{"exact", "float", "ok"}; !slices.Equal(got, want) {
		t.Fatalf("candidates %v, want %v", got, want)
	}
	why := map[string]string{
		"small": "not enough free memory (needs 2048 MB)", "nomem": "reports no free memory", "strmem": "reports no free memory",
		"zoneonly": "does not support kvm", "noext": "missing nic tag external", "ok": "",
	}
	for i, h := range hvs {
		if w, ok := why[h.UUID]; ok && res.Why(i) != w {
			t.Errorf("Why(%s) = %q, want %q", h.UUID, res.Why(i), w)
		}
	}
	if res.Why(-1) != "" || res.Why(len(hvs)) != "" {
		t.Error("Why out of range is not empty")
	}
	// The order of the checks names the reason: virtualisation first.
	bad := with(hyp("all-bad"), mem(1), func(h *record.Hypervisor) { h.Virtualisation = nil; h.Networks = nil })
	if got := rank(t, []record.Hypervisor{bad}, req, 0).Why(0); got != "does not support kvm" {
		t.Errorf("a hypervisor failing everything is excluded for %q", got)
	}
	// A network with several tags needs one of them; one without tags excludes all.
	multi := Request{Networks: []Network{{Name: "n", Tags: []string{"storage", "external"}}}}
	if got := uuids(rank(t, hvs, multi, 0)); len(got) != len(hvs)-1 {
		t.Errorf("network with tags storage|external: %v", got)
	}
	if got := rank(t, hvs[:1], Request{Networks: []Network{{Name: "n", Tags: []string{"storage", "x"}}}}, 0).Why(0); got != "missing a nic tag of network n (storage, x)" {
		t.Errorf("reason %q", got)
	}
	none := rank(t, hvs, Request{Networks: []Network{{Name: "empty"}}}, 0)
	if len(none.Candidates) != 0 || none.Why(0) != "network empty has no usable ip range" {
		t.Errorf("a network without tags: %v, %q", uuids(none), none.Why(0))
	}
	// RAM 0 and no virtualisation skip those checks.
	if got := uuids(rank(t, hvs, Request{}, 0)); len(got) != len(hvs) {
		t.Errorf("an empty request kept %d of %d", len(got), len(hvs))
	}
}

func TestPermissions(t *testing.T) {
	hvs := []record.Hypervisor{hyp("a"), hyp("b"), hyp("c"), with(hyp(""), func(h *record.Hypervisor) { h.Alias = "nouuid" })}
	grants := perm.NewSet(perm.Permission{"hypervisors", "a", "create"}, perm.Permission{"hypervisors", "c", "..."})
	res := rank(t, hvs, Request{Grants: grants}, 0)
	if got := uuids(res); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("candidates %v", got)
	}
	if res.Why(1) != "no permission hypervisors/<uuid>/create" || res.Why(3) != "no permission hypervisors/<uuid>/create" {
		t.Errorf("reasons %q %q", res.Why(1), res.Why(3))
	}
	// An allowed rule with its own grants and a placeholder.
	own := Rule{Kind: Must, Condition: Allowed, Permission: []PermElem{{Literal: "zones"}, {Attribute: "alias"}},
		Grants: []perm.Permission{{"zones", "hv-b"}}}
	if got := uuids(rank(t, hvs, Request{Rules: []Rule{own}}, 0)); !slices.Equal(got, []string{"b"}) {
		t.Errorf("own grants: %v", got)
	}
	// Without grants of its own, it uses the request's; without those, it never holds.
	req := Rule{Kind: Points, Points: 5, Condition: Allowed, Permission: []PermElem{{Literal: "hypervisors"}, {Attribute: "uuid"}, {Literal: "create"}}}
	if got := scores(rank(t, hvs, Request{Rules: []Rule{req}, Grants: grants}, 0)); got["a"] != 5 || got["c"] != 5 {
		t.Errorf("request grants: %v", got)
	}
	if got := scores(rank(t, hvs, Request{Rules: []Rule{req}}, 0)); got["a"] != 0 {
		t.Errorf("no grants: %v", got)
	}
	// A placeholder that is not a string fails the condition.
	num := Rule{Kind: Must, Condition: Allowed, Permission: []PermElem{{Literal: "x"}, {Attribute: "port"}}, Grants: []perm.Permission{{"..."}}}
	if got := uuids(rank(t, hvs, Request{Rules: []Rule{num}}, 0)); len(got) != 0 {
		t.Errorf("numeric placeholder: %v", got)
	}
	cant := Rule{Kind: Cant, Condition: Allowed, Permission: []PermElem{{Literal: "x"}, {Attribute: "uuid"}}, Grants: []perm.Permission{{"x", "b"}}}
	if got := uuids(rank(t, hvs, Request{Rules: []Rule{cant}}, 0)); !slices.Equal(got, []string{"", "a", "c"}) {
		t.Errorf("cant allowed: %v", got)
	}
}

func TestCluster(t *testing.T) {
	hvs := []record.Hypervisor{hyp("a"), hyp("b"), hyp("c"), hyp("d")}
	req := Request{Groupings: []Grouping{
		{Name: "db", Type: Cluster, Hypervisors: []string{"a", "c", "gone"}},
		{Name: "web", Type: Cluster, Hypervisors: []string{"c", "d"}},
		{Name: "misc", Type: None, Hypervisors: []string{"b"}},
	}}
	res := rank(t, hvs, req, 0)
	if got := uuids(res); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("candidates %v", got)
	}
	if res.Why(0) != "already hosts a member of cluster db" || res.Why(2) != "already hosts a member of cluster db" || res.Why(3) != "already hosts a member of cluster web" {
		t.Errorf("reasons %q %q %q", res.Why(0), res.Why(2), res.Why(3))
	}
	// Two hypervisors with the same path are still different hypervisors.
	same := []record.Hypervisor{hyp("a"), hyp("b")}
	if got := uuids(rank(t, same, Request{Groupings: []Grouping{{Name: "db", Type: Cluster, Hypervisors: []string{"a"}}}}, 0)); !slices.Equal(got, []string{"b"}) {
		t.Errorf("same path: %v", got)
	}
}

// at returns a hypervisor under the path names, each hop of cost 10.
func at(uuid string, path ...string) record.Hypervisor {
	h := hyp(uuid)
	h.Path = nil
	for _, p := range path {
		h.Path = append(h.Path, record.PathElem{Name: p, Cost: 10})
	}
	return h
}

func TestStack(t *testing.T) {
	hvs := []record.Hypervisor{
		at("far", "dc2", "r9"),
		at("room", "dc1", "r2"),
		at("rack", "dc1", "r1"),
		at("member", "dc1", "r1"),
	}
	req := Request{Groupings: []Grouping{{Name: "app", Type: Stack, Hypervisors: []string{"member"}}}}
	res := rank(t, hvs, req, 0)
	// Distances 0 (member), 2 (same rack), 22 (same dc), 42: onto [10, 0].
	want := map[string]int64{"member": 10, "rack": 10, "room": 5, "far": 0}
	if got := scores(res); !mapsEqual(got, want) {
		t.Errorf("scores %v, want %v", got, want)
	}
	if got := uuids(res); !slices.Equal(got, []string{"member", "rack", "room", "far"}) {
		t.Errorf("order %v", got)
	}
	// Weight, and members counted per VM: two VMs in dc2 pull harder than one in r1.
	req = Request{Groupings: []Grouping{{Name: "app", Type: Stack, Weight: 100, Hypervisors: []string{"member", "far", "far"}}}}
	res = rank(t, hvs, req, 0)
	if got := uuids(res); got[0] != "far" || res.Candidates[0].Score != 100 {
		t.Errorf("weighted stack: %v %v", got, scores(res))
	}
	// A stack and a cluster together: near the stack, never on a cluster member.
	req = Request{Groupings: []Grouping{
		{Name: "db", Type: Cluster, Hypervisors: []string{"member"}},
		{Name: "app", Type: Stack, Hypervisors: []string{"member"}},
	}}
	if got := uuids(rank(t, hvs, req, 0)); !slices.Equal(got, []string{"rack", "room", "far"}) {
		t.Errorf("cluster in a stack: %v", got)
	}
	// Members whose hypervisor is unknown pull nothing.
	req = Request{Groupings: []Grouping{{Name: "app", Type: Stack, Hypervisors: []string{"gone"}}}}
	for _, c := range rank(t, hvs, req, 0).Candidates {
		if c.Score != 0 {
			t.Errorf("unknown member hypervisor: %s scores %d", c.UUID, c.Score)
		}
	}
}

func TestDistance(t *testing.T) {
	p := func(hops ...record.PathElem) []record.PathElem { return hops }
	e := func(n string, c int64) record.PathElem { return record.PathElem{Name: n, Cost: c} }
	cases := []struct {
		a, b []record.PathElem
		same bool
		want float64
	}{
		{nil, nil, true, 0},
		{p(e("dc", 5)), p(e("dc", 7)), true, 0},
		{nil, nil, false, 2},
		{p(e("dc", 5), e("r1", 3)), p(e("dc", 5), e("r1", 3)), false, 2},
		{p(e("dc", 5), e("r1", 3)), p(e("dc", 5), e("r2", 4)), false, 9},
		{p(e("dc1", 5), e("r1", 3)), p(e("dc2", 5), e("r1", 3)), false, 18},
		{p(e("dc", 5)), p(e("dc", 5), e("r1", 3)), false, 5},
		{p(e("dc", -5)), p(e("x", 1)), false, 3},
	}
	for _, tc := range cases {
		ub := "b"
		if tc.same {
			ub = "a"
		}
		if got := distance("a", tc.a, ub, tc.b); got != tc.want {
			t.Errorf("distance(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := distance(ub, tc.b, "a", tc.a); got != tc.want {
			t.Errorf("distance is not symmetric for %v, %v", tc.a, tc.b)
		}
	}
}

func TestSummary(t *testing.T) {
	var hvs []record.Hypervisor
	for i := range 12 {
		hvs = append(hvs, with(hyp(uuidOf(i)), mem(100)))
	}
	for i := range 3 {
		hvs = append(hvs, with(hyp(uuidOf(100+i)), func(h *record.Hypervisor) { h.Networks = []string{"external"} }))
	}
	hvs = append(hvs, with(hyp(uuidOf(200)), char("maintenance", true)))
	req := Request{RAM: 2048, Networks: []Network{{Name: "admin", Tags: []string{"admin"}}},
		Rules: []Rule{{Kind: Cant, Condition: Equal, Attribute: "characteristics.maintenance", Value: true}}}
	res := rank(t, hvs, req, 0)
	want := "12 hypervisors: not enough free memory (needs 2048 MB); 3: missing nic tag admin; 1: matches cant =:= characteristics.maintenance true"
	if got := res.Summary(); got != want {
		t.Errorf("Summary() = %q\nwant        %q", got, want)
	}
	err := res.Err()
	if !errors.Is(err, ErrNoHypervisor) || !strings.Contains(err.Error(), want) {
		t.Errorf("Err() = %v", err)
	}
	if ex := res.Exclusions(); len(ex) != 3 || ex[0].Count != 12 || ex[2].Count != 1 {
		t.Errorf("Exclusions() = %v", ex)
	}
	// One excluded: singular; none excluded: says so; nothing known: says so.
	if got := rank(t, hvs[12:13], req, 0).Summary(); got != "1 hypervisor: missing nic tag admin" {
		t.Errorf("Summary() = %q", got)
	}
	ok := rank(t, hvs[:2], Request{}, 0)
	if ok.Summary() != "none of 2 hypervisors excluded" || ok.Err() != nil {
		t.Errorf("Summary() = %q, Err() = %v", ok.Summary(), ok.Err())
	}
	if got := rank(t, nil, req, 0).Summary(); got != "no hypervisors known" {
		t.Errorf("Summary() of nothing = %q", got)
	}
	// Equal reasons of different rules merge; ties keep check order.
	dup := Request{Rules: []Rule{
		{Kind: Must, Condition: Equal, Attribute: "alias", Value: "x"},
		{Kind: Must, Condition: Equal, Attribute: "alias", Value: "x"},
	}}
	if got := rank(t, hvs[:2], dup, 0).Summary(); got != `2 hypervisors: fails must =:= alias "x"` {
		t.Errorf("Summary() = %q", got)
	}
}

func TestTiesByUUID(t *testing.T) {
	hvs := []record.Hypervisor{hyp("b"), hyp("c"), hyp("a"), hyp("a1"), hyp("aaaaaaaab"), hyp("aaaaaaaaa")}
	res := rank(t, hvs, Request{}, 0)
	if got, want := uuids(res), []string{"a", "a1", "aaaaaaaaa", "aaaaaaaab", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("ties ordered %v, want %v", got, want)
	}
	for _, c := range res.Candidates {
		if hvs[c.Index].UUID != c.UUID {
			t.Errorf("candidate %s has index %d of %s", c.UUID, c.Index, hvs[c.Index].UUID)
		}
	}
}

func TestNewErrors(t *testing.T) {
	bad := []struct {
		req Request
		msg string
	}{
		{Request{RAM: -1}, "negative ram"},
		{Request{Rules: make([]Rule, MaxRules+1)}, "rules (max"},
		{Request{Networks: make([]Network, MaxNetworks+1)}, "networks (max"},
		{Request{Groupings: make([]Grouping, MaxGroupings+1)}, "groupings (max"},
		{Request{Groupings: []Grouping{{Name: "g", Type: "ring"}}}, `unknown type "ring"`},
		{Request{Groupings: []Grouping{{Name: "g", Type: Stack, Weight: -1}}}, "weight -1"},
		{Request{Virtualisation: strings.Repeat("k", 65)}, "too long"},
		{Request{Rules: []Rule{{Kind: Must, Condition: Equal, Attribute: "port", Value: 1}, {Kind: Must, Attribute: "port"}}}, "rule 1"},
	}
	for _, tc := range bad {
		_, err := New(tc.req)
		if !errors.Is(err, ErrInvalidRule) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("New(%.60v) = %v, want %q", tc.req, err, tc.msg)
		}
	}
}

func TestNewRequest(t *testing.T) {
	pkg := record.Package{UUID: "p1", RAM: 1024, Requirements: []any{
		map[string]any{"weight": "must", "condition": "element", "attribute": "networks", "value": "admin"},
	}}
	ds := record.Dataset{UUID: "d1", DatasetType: "zone", ZoneType: "lx", Requirements: []any{
		map[string]any{"weight": "scale", "attribute": "resources.free-memory", "low": int64(0), "high": int64(5)},
	}}
	req, err := NewRequest(pkg, ds)
	if err != nil {
		t.Fatal(err)
	}
	if req.RAM != 1024 || req.Virtualisation != "lx" || len(req.Rules) != 2 || req.Rules[0].Kind != Must || req.Rules[1].Kind != Scale {
		t.Errorf("NewRequest = %+v", req)
	}
	pkg.Requirements = append(pkg.Requirements, "nonsense")
	if _, err := NewRequest(pkg, ds); !errors.Is(err, ErrInvalidRule) || !strings.Contains(err.Error(), "package p1 requirements: rule 1") {
		t.Errorf("bad package requirement: %v", err)
	}
	pkg.Requirements = nil
	ds.Requirements = []any{map[string]any{}}
	if _, err := NewRequest(pkg, ds); !errors.Is(err, ErrInvalidRule) || !strings.Contains(err.Error(), "dataset d1") {
		t.Errorf("bad dataset requirement: %v", err)
	}
	for _, tc := range []struct{ typ, zone, want string }{
		{"kvm", "", "kvm"}, {"jail", "", "jail"}, {"zone", "", "zone"}, {"", "", "zone"}, {"zone", "lx", "lx"},
		{"zone", "docker", "docker"}, {"zone", "ipkg", "ipkg"}, {"zone", "lipkg", "ipkg"}, {"zone", "joyent", "zone"},
	} {
		if got := VirtualisationOf(record.Dataset{DatasetType: tc.typ, ZoneType: tc.zone}); got != tc.want {
			t.Errorf("VirtualisationOf(%q, %q) = %q, want %q", tc.typ, tc.zone, got, tc.want)
		}
	}
}

// TestRankDoesNotModifyTheSnapshot checks that ranking leaves the
// snapshot as it was and that a Placer serves concurrent Ranks (under
// -race).
func TestRankDoesNotModifyTheSnapshot(t *testing.T) {
	hvs := fleet(300, 9)
	before := fleet(300, 9)
	p, err := New(realisticRequest(hvs))
	if err != nil {
		t.Fatal(err)
	}
	want := uuids(p.Rank(hvs, 5))
	done := make(chan []string)
	for range 4 {
		go func() { done <- uuids(p.Rank(hvs, 5)) }()
	}
	for range 4 {
		if got := <-done; !slices.Equal(got, want) {
			t.Fatal("concurrent Ranks disagree")
		}
	}
	for i := range hvs {
		if hvs[i].UUID != before[i].UUID || !slices.Equal(hvs[i].Networks, before[i].Networks) || len(hvs[i].Resources) != len(before[i].Resources) {
			t.Fatalf("hypervisor %d changed", i)
		}
	}
}

// TestRankAllocations pins "no per-candidate allocation storm": the
// number of allocations does not grow with the snapshot.
func TestRankAllocations(t *testing.T) {
	small, large := fleet(100, 1), fleet(2000, 1)
	p, err := New(realisticRequest(small))
	if err != nil {
		t.Fatal(err)
	}
	a := testing.AllocsPerRun(5, func() { p.Rank(small, 1) })
	b := testing.AllocsPerRun(5, func() { p.Rank(large, 1) })
	if a != b || b > 16 {
		t.Errorf("allocations: %v for 100 hypervisors, %v for 2000", a, b)
	}
}
