package placement

import "fmt"

// Kind is what a rule does: filter (Must, Cant) or score (Points, Scale,
// Random). Its JSON form is the rule's "weight".
type Kind uint8

// The rule kinds of FiFo's rankmatcher (reference §5.3).
const (
	// Must keeps only hypervisors for which the condition holds.
	Must Kind = iota + 1
	// Cant drops every hypervisor for which the condition holds.
	Cant
	// Points adds Rule.Points (which may be negative) to the score of
	// every hypervisor for which the condition holds. Its JSON weight is
	// the integer itself.
	Points
	// Scale maps the attribute's value linearly from the [min, max] of all
	// remaining candidates onto [Low, High] and adds it to the score.
	Scale
	// Random adds a uniformly drawn integer in [Low, High) to the score.
	Random
)

// String returns the JSON weight of k ("must", "cant", "scale",
// "random"); Points prints as "points" (its JSON weight is the number).
func (k Kind) String() string {
	switch k {
	case Must:
		return "must"
	case Cant:
		return "cant"
	case Points:
		return "points"
	case Scale:
		return "scale"
	case Random:
		return "random"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// conditional reports whether k takes a condition, attribute and value.
func (k Kind) conditional() bool { return k == Must || k == Cant || k == Points }
