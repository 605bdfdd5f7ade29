package placement

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Result is the outcome of Rank: the candidates, best first, and why the
// other hypervisors were excluded.
type Result struct {
	// Candidates are the hypervisors that passed every filter, by
	// descending score; equal scores are ordered by uuid. sniffle tries
	// them in this order and moves on when one refuses the memory
	// reservation.
	Candidates []Candidate
	// Considered is the number of hypervisors in the snapshot.
	Considered int

	reasons  []string // shared with the Placer, read-only
	counts   []int    // hypervisors excluded, by reason
	reasonOf []uint16 // by snapshot index; 0 for candidates
}

// Candidate is a hypervisor that may take the VM.
type Candidate struct {
	// Index is the hypervisor's index in the snapshot given to Rank.
	Index int
	// UUID is the hypervisor's uuid.
	UUID string
	// Score is the sum of the scoring rules' contributions.
	Score int64
}

// Exclusion counts the hypervisors excluded for one reason.
type Exclusion struct {
	// Reason says why, in words: "not enough free memory (needs 2048 MB)",
	// "missing nic tag admin", "fails must >= pools.zones.free 100".
	Reason string
	// Count is how many hypervisors it excluded.
	Count int
}

// Exclusions returns the reasons hypervisors were excluded, most frequent
// first (ties in check order, see Placer.Rank). Each excluded hypervisor
// counts once, under the first check it failed.
func (r Result) Exclusions() []Exclusion {
	var out []Exclusion
	at := make(map[string]int) // reason → index in out: equal texts merge
	for i, n := range r.counts {
		if n == 0 {
			continue
		}
		if k, ok := at[r.reasons[i]]; ok {
			out[k].Count += n
			continue
		}
		at[r.reasons[i]] = len(out)
		out = append(out, Exclusion{Reason: r.reasons[i], Count: n})
	}
	slices.SortStableFunc(out, func(a, b Exclusion) int { return cmp.Compare(b.Count, a.Count) })
	return out
}

// Summary returns the exclusions as one line for the VM log, such as
// "12 hypervisors: not enough free memory (needs 2048 MB); 3: missing nic
// tag admin". With nothing excluded it says so; with an empty snapshot it
// says there were no hypervisors.
func (r Result) Summary() string {
	if r.Considered == 0 {
		return "no hypervisors known"
	}
	ex := r.Exclusions()
	if len(ex) == 0 {
		return fmt.Sprintf("none of %d hypervisors excluded", r.Considered)
	}
	var b strings.Builder
	for i, e := range ex {
		if i > 0 {
			b.WriteString("; ")
			fmt.Fprintf(&b, "%d: %s", e.Count, e.Reason)
			continue
		}
		noun := "hypervisors"
		if e.Count == 1 {
			noun = "hypervisor"
		}
		fmt.Fprintf(&b, "%d %s: %s", e.Count, noun, e.Reason)
	}
	return b.String()
}

// Why returns why the hypervisor at index i of the snapshot was excluded,
// or "" if it is a candidate (or i is out of range).
func (r Result) Why(i int) string {
	if i < 0 || i >= len(r.reasonOf) {
		return ""
	}
	return r.reasons[r.reasonOf[i]]
}

// Err returns nil when there is a candidate, otherwise an error wrapping
// ErrNoHypervisor whose message is the Summary.
func (r Result) Err() error {
	if len(r.Candidates) > 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrNoHypervisor, r.Summary())
}
