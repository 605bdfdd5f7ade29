package placement

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fifogo/fifo/internal/record"
	"pgregory.net/rapid"
)

// Small alphabets, so that generated rules and hypervisors meet often.
var (
	lawTags     = []string{"admin", "external", "storage"}
	lawVirt     = []string{"zone", "kvm", "lx"}
	lawScalars  = []any{nil, true, false, 0.0, 1.0, 2.0, 3.0, "z0", "z1", "a", "admin", "kvm", "r1"}
	lawAttrs    = []string{"uuid", "alias", "port", "networks", "virtualisation", "path", "resources.free-memory", "characteristics.zone", "characteristics.gen", "characteristics.ssd", "characteristics.tags", "characteristics.none", "pools", "pools.zones.free", "sysinfo.missing"}
	lawCondsAll = []Condition{GreaterEq, Greater, LessEq, Less, Equal, NotEqual, Subset, Superset, Disjoint, Element, OneOf}
)

// genValue draws a value of any of the shapes attributes hold.
func genValue(t *rapid.T, label string) any {
	switch rapid.IntRange(0, 5).Draw(t, label+"-shape") {
	case 0:
		return nil // absent
	case 1:
		return int64(rapid.IntRange(0, 3).Draw(t, label+"-int"))
	case 2:
		return rapid.SampledFrom([]string{"z0", "z1", "a", "admin"}).Draw(t, label+"-str")
	case 3:
		return rapid.Bool().Draw(t, label+"-bool")
	case 4:
		return []any{rapid.SampledFrom(lawScalars).Draw(t, label+"-e0"), rapid.SampledFrom(lawScalars).Draw(t, label+"-e1")}
	}
	return map[string]any{"a": 1.0}
}

// genHV draws a hypervisor with the given uuid.
func genHV(t *rapid.T, uuid string) record.Hypervisor {
	h := record.Hypervisor{
		UUID:           uuid,
		Alias:          rapid.SampledFrom([]string{"", "a", "z0"}).Draw(t, "alias"),
		Port:           int64(rapid.IntRange(0, 3).Draw(t, "port")),
		Networks:       rapid.SliceOfNDistinct(rapid.SampledFrom(lawTags), 0, 3, rapid.ID[string]).Draw(t, "networks"),
		Virtualisation: rapid.SliceOfNDistinct(rapid.SampledFrom(lawVirt), 0, 3, rapid.ID[string]).Draw(t, "virt"),
	}
	for _, n := range rapid.SliceOfN(rapid.SampledFrom([]string{"dc1", "dc2", "r1", "r2"}), 0, 3).Draw(t, "path") {
		h.Path = append(h.Path, record.PathElem{Name: n, Cost: int64(rapid.IntRange(0, 5).Draw(t, "cost"))})
	}
	if rapid.Bool().Draw(t, "has-resources") {
		h.Resources = map[string]any{}
		if v := genValue(t, "free"); v != nil {
			h.Resources["free-memory"] = v
		}
		if rapid.Bool().Draw(t, "big") {
			h.Resources["free-memory"] = int64(rapid.IntRange(0, 4096).Draw(t, "mb"))
		}
	}
	h.Characteristics = map[string]any{}
	for _, k := range []string{"zone", "gen", "ssd", "tags"} {
		if v := genValue(t, k); v != nil {
			h.Characteristics[k] = v
		}
	}
	if rapid.Bool().Draw(t, "none") {
		h.Characteristics["none"] = nil
	}
	if rapid.Bool().Draw(t, "pools") {
		h.Pools = map[string]any{"zones": map[string]any{"free": int64(rapid.IntRange(0, 3).Draw(t, "pool-free"))}}
	}
	return h
}

// genFleet draws up to max hypervisors with distinct uuids.
func genFleet(t *rapid.T, max int) []record.Hypervisor {
	n := rapid.IntRange(0, max).Draw(t, "n")
	out := make([]record.Hypervisor, n)
	for i := range out {
		out[i] = genHV(t, fmt.Sprintf("hv%02d", i))
	}
	return out
}

// genCondRule draws a valid Must, Cant or Points rule.
func genCondRule(t *rapid.T, kind Kind) Rule {
	for {
		r := Rule{Kind: kind, Condition: rapid.SampledFrom(lawCondsAll).Draw(t, "cond"), Attribute: rapid.SampledFrom(lawAttrs).Draw(t, "attr")}
		if kind == Points {
			r.Points = int64(rapid.IntRange(-5, 5).Draw(t, "points"))
		}
		if rapid.Bool().Draw(t, "list") {
			r.Value = rapid.SliceOfN(rapid.SampledFrom(lawScalars), 0, 20).Draw(t, "values")
		} else {
			r.Value = rapid.SampledFrom(lawScalars).Draw(t, "value")
		}
		if r.Validate() == nil {
			return r
		}
	}
}

// refGet reads an attribute the slow way: the hypervisor as a JSON-like
// map, the path split at every dot (the generators use no dotted keys).
func refGet(h record.Hypervisor, a string) (any, bool) {
	strs := func(s []string) any {
		if s == nil {
			return nil
		}
		out := make([]any, len(s))
		for i, e := range s {
			out[i] = e
		}
		return out
	}
	var names []any
	for _, p := range h.Path {
		names = append(names, p.Name)
	}
	top := map[string]any{
		"uuid": h.UUID, "alias": h.Alias, "port": float64(h.Port), "networks": strs(h.Networks),
		"virtualisation": strs(h.Virtualisation), "path": names,
	}
	for k, m := range map[string]map[string]any{"resources": h.Resources, "characteristics": h.Characteristics, "pools": h.Pools, "sysinfo": h.Sysinfo} {
		if m != nil {
			top[k] = m
		}
	}
	var cur any = top
	for _, seg := range strings.Split(a, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg]; !ok {
			return nil, false
		}
	}
	// Typed list fields read as lists even when unset.
	if cur == nil && (a == "networks" || a == "virtualisation" || a == "path") {
		return []any{}, true
	}
	return refNorm(cur), true
}

// refNorm turns every number into float64.
func refNorm(x any) any {
	switch v := x.(type) {
	case int64:
		return float64(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = refNorm(e)
		}
		return out
	}
	if f, ok, _ := number(x); ok {
		return f
	}
	return x
}

func refScalar(x any) bool {
	switch x.(type) {
	case nil, bool, float64, string:
		return true
	}
	return false
}

// refIn reports whether the scalar x is in the list l.
func refIn(x any, l []any) bool {
	return refScalar(x) && slices.ContainsFunc(l, func(e any) bool { return refScalar(e) && e == x })
}

// refSet is the attribute as a set: its elements, its keys, or nothing.
func refSet(a any, present bool) ([]any, bool) {
	if !present {
		return nil, true
	}
	switch v := a.(type) {
	case []any:
		return v, true
	case map[string]any:
		var out []any
		for k := range v {
			out = append(out, k)
		}
		return out, true
	}
	return nil, false
}

// refHolds is the reference semantics of a condition (the package doc).
func refHolds(h record.Hypervisor, r Rule) bool {
	a, present := refGet(h, r.Attribute)
	v, _ := normalize(r.Value)
	vl, _ := v.([]any)
	switch r.Condition {
	case GreaterEq, Greater, LessEq, Less:
		var c int
		switch {
		case !present:
			return false
		case isF(a) && isF(v):
			c = cmp.Compare(a.(float64), v.(float64))
		case isS(a) && isS(v):
			c = strings.Compare(a.(string), v.(string))
		default:
			return false
		}
		return map[Condition]bool{GreaterEq: c >= 0, Greater: c > 0, LessEq: c <= 0, Less: c < 0}[r.Condition]
	case Equal, NotEqual:
		eq := false
		if present {
			if l, ok := v.([]any); ok {
				al, ok := a.([]any)
				eq = ok && len(al) == len(l)
				for i := 0; eq && i < len(l); i++ {
					eq = refScalar(al[i]) && al[i] == l[i]
				}
			} else {
				eq = refScalar(a) && a == v
			}
		}
		return eq == (r.Condition == Equal)
	case Subset, Superset, Disjoint:
		set, ok := refSet(a, present)
		if !ok {
			return false
		}
		switch r.Condition {
		case Subset:
			for _, e := range vl {
				if !refIn(e, set) {
					return false
				}
			}
			return true
		case Superset:
			for _, e := range set {
				if !refIn(e, vl) {
					return false
				}
			}
			return true
		}
		for _, e := range set {
			if refIn(e, vl) {
				return false
			}
		}
		return true
	case Element:
		set, ok := refSet(a, present)
		return ok && present && refIn(v, set)
	case OneOf:
		return present && refIn(a, vl)
	}
	panic("unknown condition " + string(r.Condition))
}

func isF(x any) bool { _, ok := x.(float64); return ok }
func isS(x any) bool { _, ok := x.(string); return ok }

// TestLawConditionsMatchTheReference: the compiled evaluation agrees with
// the slow reference for every condition, value and attribute shape. Each
// check tries one drawn value with every condition on every attribute.
func TestLawConditionsMatchTheReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := genHV(t, "hv")
		var v any
		if rapid.Bool().Draw(t, "list") {
			v = rapid.SliceOfN(rapid.SampledFrom(lawScalars), 0, 20).Draw(t, "values")
		} else {
			v = rapid.SampledFrom(lawScalars).Draw(t, "value")
		}
		buf := []string{}
		for _, cond := range lawCondsAll {
			for _, a := range lawAttrs {
				r := Rule{Kind: Must, Condition: cond, Attribute: a, Value: v}
				c, err := compileRule(r)
				if err != nil {
					continue // a value this condition does not take
				}
				if got, want := c.holds(&h, nil, &buf), refHolds(h, r); got != want {
					av, present := refGet(h, r.Attribute)
					t.Fatalf("%s on %#v (present %v): got %v, want %v", r, av, present, got, want)
				}
			}
		}
	})
}

// refCandidates is the reference filter: the hypervisors that pass the
// memory and network requirements and every Must and Cant rule, in uuid
// order.
func refCandidates(hvs []record.Hypervisor, req Request) []string {
	var out []string
next:
	for _, h := range hvs {
		if req.RAM > 0 {
			f, ok, _ := number(h.Resources["free-memory"])
			if !ok || f < float64(req.RAM) {
				continue
			}
		}
		for _, n := range req.Networks {
			if !slices.ContainsFunc(n.Tags, func(tag string) bool { return slices.Contains(h.Networks, tag) }) {
				continue next
			}
		}
		for _, r := range req.Rules {
			if (r.Kind == Must || r.Kind == Cant) && refHolds(h, r) != (r.Kind == Must) {
				continue next
			}
		}
		out = append(out, h.UUID)
	}
	slices.Sort(out)
	return out
}

// genRequest draws a request of memory, networks and filter and points
// rules.
func genRequest(t *rapid.T) Request {
	req := Request{RAM: int64(rapid.SampledFrom([]int{0, 1, 2, 2048}).Draw(t, "ram"))}
	if rapid.Bool().Draw(t, "net") {
		req.Networks = []Network{{Name: "n", Tags: rapid.SliceOfN(rapid.SampledFrom(lawTags), 0, 2).Draw(t, "tags")}}
	}
	for range rapid.IntRange(0, 4).Draw(t, "rules") {
		req.Rules = append(req.Rules, genCondRule(t, rapid.SampledFrom([]Kind{Must, Cant, Points}).Draw(t, "kind")))
	}
	return req
}

// TestLawCandidatesAreTheFilteredSet: the candidates are exactly the
// hypervisors that pass every filter (so no candidate violates a Must or
// matches a Cant), each once, ranked by score then uuid, and each score
// is the sum of the Points rules that hold.
func TestLawCandidatesAreTheFilteredSet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hvs := genFleet(t, 12)
		req := genRequest(t)
		res, err := Place(hvs, req, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := uuids(res)
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		if want := refCandidates(hvs, req); !slices.Equal(sorted, want) {
			t.Fatalf("candidates %v, want %v", sorted, want)
		}
		if !slices.IsSortedFunc(res.Candidates, func(a, b Candidate) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.UUID, b.UUID))
		}) {
			t.Fatalf("not ranked: %v", res.Candidates)
		}
		excluded := 0
		for _, e := range res.Exclusions() {
			excluded += e.Count
		}
		if excluded+len(got) != len(hvs) {
			t.Fatalf("%d excluded + %d candidates != %d hypervisors", excluded, len(got), len(hvs))
		}
		for _, c := range res.Candidates {
			var want int64
			for _, r := range req.Rules {
				if r.Kind == Points && refHolds(hvs[c.Index], r) {
					want += r.Points
				}
			}
			if c.Score != want {
				t.Fatalf("%s scores %d, want %d", c.UUID, c.Score, want)
			}
			if res.Why(c.Index) != "" {
				t.Fatalf("candidate %s has a reason", c.UUID)
			}
		}
	})
}

// TestLawCantNeverAddsCandidates: adding a Cant (or a Must) rule keeps a
// subset of the candidates.
func TestLawCantNeverAddsCandidates(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hvs := genFleet(t, 12)
		req := genRequest(t)
		before, err := Place(hvs, req, 0)
		if err != nil {
			t.Fatal(err)
		}
		req.Rules = append(slices.Clone(req.Rules), genCondRule(t, rapid.SampledFrom([]Kind{Cant, Must}).Draw(t, "extra")))
		after, err := Place(hvs, req, 0)
		if err != nil {
			t.Fatal(err)
		}
		had := uuids(before)
		for _, u := range uuids(after) {
			if !slices.Contains(had, u) {
				t.Fatalf("%s became a candidate after adding %s", u, req.Rules[len(req.Rules)-1])
			}
		}
	})
}

// TestLawOrderOfTheSnapshotDoesNotMatter: a permutation of the snapshot
// gives the same ranking and scores, with scale, random and stack rules.
func TestLawOrderOfTheSnapshotDoesNotMatter(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hvs := genFleet(t, 12)
		req := genRequest(t)
		req.Rules = append(req.Rules,
			Rule{Kind: Scale, Attribute: rapid.SampledFrom(lawAttrs).Draw(t, "scale"), Low: -3, High: 7},
			Rule{Kind: Random, Low: 0, High: int64(rapid.IntRange(0, 20).Draw(t, "rnd"))})
		if len(hvs) > 0 {
			req.Groupings = []Grouping{{Name: "s", Type: Stack, Hypervisors: []string{hvs[0].UUID}}}
		}
		seed := rapid.Uint64().Draw(t, "seed")
		a, err := Place(hvs, req, seed)
		if err != nil {
			t.Fatal(err)
		}
		perm := rapid.Permutation(hvs).Draw(t, "perm")
		b, _ := Place(perm, req, seed)
		if !slices.Equal(uuids(a), uuids(b)) || !mapsEqual(scores(a), scores(b)) || a.Summary() != b.Summary() {
			t.Fatalf("order changed the result:\n%v\n%v", a.Candidates, b.Candidates)
		}
	})
}

// TestLawClusterNeverPlacesBesideAMember: no candidate runs a member of
// a cluster.
func TestLawClusterNeverPlacesBesideAMember(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hvs := genFleet(t, 12)
		var members []string
		for _, h := range hvs {
			if rapid.Bool().Draw(t, "member") {
				members = append(members, h.UUID)
			}
		}
		res, err := Place(hvs, Request{Groupings: []Grouping{{Name: "c", Type: Cluster, Hypervisors: members}}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Candidates {
			if slices.Contains(members, c.UUID) {
				t.Fatalf("%s runs a member", c.UUID)
			}
		}
		if len(res.Candidates)+len(members) != len(hvs) {
			t.Fatalf("%d candidates, %d members, %d hypervisors", len(res.Candidates), len(members), len(hvs))
		}
	})
}
