package perm

import "strings"

// Check is a permission requirement: a single Permission, or All or Any of
// other checks (FiFo's {and, …} and {or, …}).
type Check interface {
	// Eval reports whether the requirement holds when allowed decides
	// every single permission in it.
	Eval(allowed func(Permission) bool) bool
	// String describes the requirement for logs, e.g.
	// "all(users/u1/grant, vms/_/get)".
	String() string
}

// Eval makes a Permission a Check: it holds iff allowed(p). An empty
// permission never holds, whatever allowed says.
func (p Permission) Eval(allowed func(Permission) bool) bool {
	return len(p) > 0 && allowed(p)
}

// All is the requirement that every one of checks holds (FiFo's {and, …}
// and the "multiple" clause). All with no checks never holds (fail closed);
// neither does a nil check.
func All(checks ...Check) Check {
	return all(checks)
}

// Any is the requirement that at least one of checks holds (FiFo's
// {or, …}). Any with no checks never holds; a nil check never holds.
func Any(checks ...Check) Check {
	return anyOf(checks)
}

// all is the Check returned by All.
type all []Check

// Eval holds iff there is at least one check and every check holds.
func (a all) Eval(allowed func(Permission) bool) bool {
	if len(a) == 0 {
		return false
	}
	for _, c := range a {
		if c == nil || !c.Eval(allowed) {
			return false
		}
	}
	return true
}

// String renders all(c1, c2, …).
func (a all) String() string { return join("all", a) }

// anyOf is the Check returned by Any.
type anyOf []Check

// Eval holds iff some non-nil check holds.
func (a anyOf) Eval(allowed func(Permission) bool) bool {
	for _, c := range a {
		if c != nil && c.Eval(allowed) {
			return true
		}
	}
	return false
}

// String renders any(c1, c2, …).
func (a anyOf) String() string { return join("any", a) }

// join renders name(c1, c2, …).
func join(name string, checks []Check) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('(')
	for i, c := range checks {
		if i > 0 {
			b.WriteString(", ")
		}
		if c == nil {
			b.WriteString("<nil>")
		} else {
			b.WriteString(c.String())
		}
	}
	b.WriteByte(')')
	return b.String()
}
