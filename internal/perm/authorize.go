package perm

// Authorize implements §3.3 step 3: it reports whether every required
// permission is allowed by both the token's scope and the user's
// effective grants (the user's own grants united with their roles'). It
// equals AuthorizeCheck with All(required...), without allocating, so
// nothing required is not allowed. A nil scope is a legacy token without
// OAuth scopes, the same as the scope [["..."]]: it allows everything. A
// nil user allows nothing.
func Authorize(scope, user *Set, required ...Permission) bool {
	if len(required) == 0 {
		return false
	}
	for _, p := range required {
		if !allowedBoth(scope, user, p) {
			return false
		}
	}
	return true
}

// AuthorizeCheck reports whether c holds when a single permission P is
// allowed iff the scope allows P and the user allows P. Both must allow
// the same P: Any(P1, P2) passes when one Pi passes both, not when the
// scope allows only P1 and the user only P2. A nil scope allows
// everything; a nil user or a nil c allows nothing.
func AuthorizeCheck(scope, user *Set, c Check) bool {
	if c == nil {
		return false
	}
	return c.Eval(func(p Permission) bool { return allowedBoth(scope, user, p) })
}

// allowedBoth is the single-permission rule of Authorize.
func allowedBoth(scope, user *Set, p Permission) bool {
	return (scope == nil || scope.Allowed(p)) && user.Allowed(p)
}
