package ring

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// liveOwners returns the distinct owners of r that have not left.
func liveOwners(r *Ring) []string {
	var out []string
	for _, o := range r.Owners() {
		if r.members[o].Status != Left && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// TestPreflist: a preference list starts with the partition's owner
// (unless it left), lists distinct live owners only, and has
// min(n, live owners) entries.
func TestPreflist(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		replicas, _ := history(t)
		r := replicas[0]
		p := rapid.IntRange(0, r.Partitions()-1).Draw(t, "partition")
		n := rapid.IntRange(1, 5).Draw(t, "n")
		pl := r.Preflist(p, n)
		live := liveOwners(r)
		if len(pl) != min(n, len(live)) {
			t.Fatalf("preflist %v has %d nodes, want min(%d, %d live owners)", pl, len(pl), n, len(live))
		}
		for i, node := range pl {
			if !slices.Contains(live, node) || slices.Contains(pl[:i], node) {
				t.Fatalf("preflist %v: %s is repeated or not a live owner", pl, node)
			}
		}
		if o := r.Owner(p); r.members[o].Status != Left && (len(pl) == 0 || pl[0] != o) {
			t.Fatalf("preflist %v does not start with the owner %s", pl, o)
		}
	})
}

// TestPreflistBalanced: on a ring claimed from scratch over M ≥ N
// members, every partition's preference list has N distinct nodes.
func TestPreflistBalanced(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := rapid.IntRange(1, len(nodes)).Draw(t, "members")
		parts := rapid.IntRange(m, 128).Draw(t, "partitions")
		r := mustNew(t, parts, nodes[0])
		for _, node := range nodes[1:m] {
			if err := r.Join(node); err != nil {
				t.Fatal(err)
			}
		}
		settle(t, r, 3)
		for p := range parts {
			if pl := r.Preflist(p, 3); len(pl) != min(3, m) {
				t.Fatalf("partition %d: preflist %v, want %d nodes", p, pl, min(3, m))
			}
		}
	})
}

// TestSloppyPreflist: the sloppy list has no unreachable or Down node and
// no node twice; its primaries are the reachable primaries in order; each
// fallback stands in for a distinct unreachable primary and is not a
// primary; and it is as long as it can be: min(n, primaries) if enough
// reachable live nodes exist.
func TestSloppyPreflist(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		replicas, _ := history(t)
		r := replicas[0]
		p := rapid.IntRange(0, r.Partitions()-1).Draw(t, "partition")
		n := rapid.IntRange(1, 5).Draw(t, "n")
		gone := rapid.SliceOfDistinct(rapid.SampledFrom(nodes), rapid.ID[string]).Draw(t, "unreachable")
		unreachable := func(node string) bool { return slices.Contains(gone, node) }
		down := func(node string) bool { return unreachable(node) || r.members[node].Status == Down }

		primaries := r.Preflist(p, n)
		sl := r.SloppyPreflist(p, n, unreachable)
		var seen, hints, reachablePrimaries []string
		for _, x := range primaries {
			if !down(x) {
				reachablePrimaries = append(reachablePrimaries, x)
			}
		}
		for i, x := range sl {
			if down(x.Node) || slices.Contains(seen, x.Node) {
				t.Fatalf("sloppy list %v: %s is unreachable, down or repeated", sl, x.Node)
			}
			seen = append(seen, x.Node)
			if !x.Fallback {
				if i >= len(reachablePrimaries) || x.Node != reachablePrimaries[i] || x.For != "" {
					t.Fatalf("sloppy list %v: entry %d is not reachable primary %d of %v", sl, i, i, reachablePrimaries)
				}
				continue
			}
			if slices.Contains(primaries, x.Node) || !slices.Contains(primaries, x.For) || !down(x.For) || slices.Contains(hints, x.For) {
				t.Fatalf("sloppy list %v: bad fallback %+v for primaries %v", sl, x, primaries)
			}
			hints = append(hints, x.For)
		}
		candidates := 0 // reachable live nodes that are not unreachable primaries
		for _, node := range r.WithStatus(Joining, Valid, Leaving) {
			if !down(node) {
				candidates++
			}
		}
		for _, o := range liveOwners(r) {
			if !down(o) && !slices.Contains(r.WithStatus(Joining, Valid, Leaving), o) {
				candidates++
			}
		}
		if want := min(len(primaries), candidates); len(sl) != want {
			t.Fatalf("sloppy list %v has %d entries, want %d (primaries %v, unreachable %v)", sl, len(sl), want, primaries, gone)
		}
	})
}

// TestSloppyPreflistExample: with n2 unreachable, n2's place goes to the
// next owner around the ring, hinted for n2.
func TestSloppyPreflistExample(t *testing.T) {
	r := mustNew(t, 8, "n0")
	for _, n := range []string{"n1", "n2", "n3"} {
		if err := r.Join(n); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, r, 3)
	pl := r.Preflist(0, 3)
	sl := r.SloppyPreflist(0, 3, func(n string) bool { return n == pl[1] })
	var fourth string
	for _, n := range []string{"n0", "n1", "n2", "n3"} {
		if !slices.Contains(pl, n) {
			fourth = n
		}
	}
	want := []Replica{{Node: pl[0]}, {Node: pl[2]}, {Node: fourth, Fallback: true, For: pl[1]}}
	if !slices.Equal(sl, want) {
		t.Fatalf("SloppyPreflist = %+v, want %+v (preflist %v)", sl, want, pl)
	}
	if got := r.SloppyPreflist(0, 3, nil); len(got) != 3 || got[2].Fallback {
		t.Fatalf("with every node reachable SloppyPreflist = %+v, want the primaries", got)
	}
}
