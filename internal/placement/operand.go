package placement

import (
	"fmt"
	"strings"
)

// setThreshold is the list length from which an operand keeps a hash set
// beside its list: below it, a linear scan is faster.
const setThreshold = 16

// operand is a rule's value compiled for fast comparison.
type operand struct {
	isList   bool
	one      key   // a scalar operand
	items    []key // a list operand, in order
	distinct int   // distinct elements of items
	set      map[key]struct{}
}

// compileOperand checks a normalized value against what the condition
// takes and compiles it.
func compileOperand(c Condition, v any) (operand, error) {
	l, isList := v.([]any)
	switch c.operand() {
	case ordered:
		switch v.(type) {
		case float64, string:
		default:
			return operand{}, fmt.Errorf("condition %s compares with a number or a string, not %s", c, describe(v))
		}
	case scalar:
		if isList {
			return operand{}, fmt.Errorf("condition %s takes a single value, not a list", c)
		}
	case list:
		if !isList {
			return operand{}, fmt.Errorf("condition %s takes a list value, not %s", c, describe(v))
		}
	}
	if !isList {
		k, _ := anyKey(v)
		return operand{one: k}, nil
	}
	o := operand{isList: true, items: make([]key, len(l))}
	for i, x := range l {
		o.items[i], _ = anyKey(x)
	}
	seen := make(map[key]struct{}, len(o.items))
	for _, k := range o.items {
		seen[k] = struct{}{}
	}
	o.distinct = len(seen)
	if len(o.items) >= setThreshold {
		o.set = seen
	}
	return o, nil
}

// has reports whether the list operand holds k.
func (o *operand) has(k key) bool {
	if o.set != nil {
		_, ok := o.set[k]
		return ok
	}
	for _, e := range o.items {
		if e == k {
			return true
		}
	}
	return false
}

// holds evaluates condition c with the hypervisor's attribute a and the
// operand o. A type mismatch (a string compared with a number, a set
// condition on a scalar) is false, never a panic; an absent attribute
// reads as the empty set in set conditions. NotEqual is always the
// negation of Equal.
func holds(c Condition, a *val, o *operand) bool {
	switch c {
	case GreaterEq, Greater, LessEq, Less:
		return order(c, a, o)
	case Equal:
		return equal(a, o)
	case NotEqual:
		return !equal(a, o)
	case Subset:
		if a.k == kMissing {
			return len(o.items) == 0
		}
		// More distinct elements than the attribute holds cannot fit:
		// this also bounds the scan below by the attribute's size.
		if !a.listLike() || o.distinct > a.length() {
			return false
		}
		for _, k := range o.items {
			if !a.contains(k) {
				return false
			}
		}
		return true
	case Superset:
		if a.k == kMissing {
			return true
		}
		return a.listLike() && a.each(func(k key, ok bool) bool { return ok && o.has(k) })
	case Disjoint:
		if a.k == kMissing {
			return true
		}
		return a.listLike() && a.each(func(k key, ok bool) bool { return !ok || !o.has(k) })
	case Element:
		return a.listLike() && a.contains(o.one)
	case OneOf:
		k, ok := a.scalarKey()
		return ok && o.has(k)
	}
	return false
}

// order compares a number with a number or a string with a string.
func order(c Condition, a *val, o *operand) bool {
	var cmp int
	switch {
	case a.k == kNum && o.one.k == kNum:
		switch {
		case a.n < o.one.n:
			cmp = -1
		case a.n > o.one.n:
			cmp = 1
		}
	case a.k == kStr && o.one.k == kStr:
		cmp = strings.Compare(a.s, o.one.s)
	default:
		return false
	}
	switch c {
	case GreaterEq:
		return cmp >= 0
	case Greater:
		return cmp > 0
	case LessEq:
		return cmp <= 0
	}
	return cmp < 0
}

// equal compares a scalar with a scalar and an ordered list with a list,
// element by element. Numbers compare by value (1 equals 1.0).
func equal(a *val, o *operand) bool {
	if !o.isList {
		k, ok := a.scalarKey()
		return ok && k == o.one
	}
	if !a.listLike() || a.k == kObj || a.length() != len(o.items) {
		return false
	}
	for i, want := range o.items {
		if k, ok := a.at(i); !ok || k != want {
			return false
		}
	}
	return true
}
