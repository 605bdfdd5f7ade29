package perm

// Match reports whether granted grants requested, by the rules in the
// package documentation: literal equality, Wildcard in granted for exactly
// one element, Ellipsis as the last element of granted for one or more
// remaining elements, equal lengths otherwise. Ellipsis elsewhere in
// granted, and both wildcards in requested, are literals. An empty granted
// or requested permission matches nothing.
//
// Match is the reference the Set is tested against; to check a request
// against many grants use a Set.
func Match(granted, requested Permission) bool {
	if len(granted) == 0 || len(requested) == 0 {
		return false
	}
	last := len(granted) - 1
	for i, g := range granted {
		if i == last && g == Ellipsis {
			return len(requested) > i
		}
		if i >= len(requested) {
			return false
		}
		if g != Wildcard && g != requested[i] {
			return false
		}
	}
	return len(requested) == len(granted)
}
