package placement

import "fmt"

// Condition is the test a Must, Cant or Points rule applies to a
// hypervisor's attribute and the rule's value. Its JSON form is the
// string itself.
type Condition string

// The conditions. "A" is the hypervisor's attribute, "V" the rule's value.
const (
	// GreaterEq: A >= V; numbers with numbers, strings with strings.
	GreaterEq Condition = ">="
	// Greater: A > V.
	Greater Condition = ">"
	// LessEq: A =< V (Erlang spelling).
	LessEq Condition = "=<"
	// Less: A < V.
	Less Condition = "<"
	// Equal: A equals V exactly (lists element by element, in order).
	Equal Condition = "=:="
	// NotEqual: not Equal.
	NotEqual Condition = "=/="
	// Subset: every element of the list V is in A (V = [] always holds).
	Subset Condition = "subset"
	// Superset: every element of A is in the list V.
	Superset Condition = "superset"
	// Disjoint: no element of A is in the list V.
	Disjoint Condition = "disjoint"
	// Element: the scalar V is an element of A.
	Element Condition = "element"
	// OneOf: the scalar A is an element of the list V.
	OneOf Condition = "oneof"
	// Allowed: the permission Rule.Permission, its placeholders filled
	// from the hypervisor, is allowed by Rule.Grants (or, without grants,
	// by Request.Grants). See the package documentation.
	Allowed Condition = "allowed"
)

// conditions lists every condition, for error messages and tests.
var conditions = [...]Condition{GreaterEq, Greater, LessEq, Less, Equal, NotEqual, Subset, Superset, Disjoint, Element, OneOf, Allowed}

// conditionHints maps common misspellings to the condition meant.
var conditionHints = map[string]Condition{
	"<=": LessEq, "=>": GreaterEq, "==": Equal, "=": Equal, "!=": NotEqual, "/=": NotEqual, "=!=": NotEqual,
	"in": OneOf, "member": Element, "contains": Element,
}

// valid reports whether c is one of the conditions.
func (c Condition) valid() bool {
	for _, k := range conditions {
		if c == k {
			return true
		}
	}
	return false
}

// check returns an error for a condition that does not exist, with a hint
// for common misspellings.
func (c Condition) check() error {
	if c.valid() {
		return nil
	}
	if h, ok := conditionHints[string(c)]; ok {
		return fmt.Errorf("unknown condition %q (did you mean %q?)", string(c), string(h))
	}
	return fmt.Errorf("unknown condition %q (one of %q)", string(c), conditions[:])
}

// operand says what kind of value c takes.
func (c Condition) operand() operandShape {
	switch c {
	case GreaterEq, Greater, LessEq, Less:
		return ordered
	case Subset, Superset, Disjoint, OneOf:
		return list
	case Element:
		return scalar
	case Allowed:
		return grants
	}
	return anyShape
}

// operandShape is the kind of value a condition takes.
type operandShape uint8

const (
	anyShape operandShape = iota // a scalar or a list of scalars
	ordered                      // a number or a string
	scalar                       // null, a boolean, a number or a string
	list                         // a list of scalars
	grants                       // a list of permissions (or nothing)
)
