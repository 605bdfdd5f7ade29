// Package perm is FiFo's permission model (reference §3): permissions,
// the rule that matches a requested permission against a granted one, a
// trie of grants that answers "is this allowed?" in time proportional to
// the request, and the check that authorises a request against a token's
// scope and a user's effective grants. It is the pure core under wiggle's
// authorisation and snarl's grant, revoke and revoke-prefix.
//
// # Permissions
//
// A Permission is a list of elements, written as a path at the REST edge
// ("vms/<uuid>/get", each segment URL-escaped) and as a JSON array of
// strings in bodies (["vms","<uuid>","get"]). ParsePath, ParseJSON and
// Permission.UnmarshalJSON accept only valid permissions (see Validate):
// at least one element, at most MaxElements elements, every element
// non-empty, valid UTF-8 and at most MaxElementBytes bytes. Every error
// they return wraps ErrInvalid. Set and Match take any permission: limits
// belong to the edge, not to grants already stored.
//
// # Matching
//
// Match(granted, requested) follows the tree matcher (snarl's ptree):
//   - an element matches an equal element;
//   - "_" in granted matches exactly one element of requested;
//   - "..." as the LAST element of granted matches one or more remaining
//     elements (never zero): ["..."] matches every non-empty permission and
//     ["vms","..."] matches ["vms","x","get"] but not ["vms"];
//   - otherwise the lengths must be equal;
//   - "..." anywhere else in granted is an ordinary literal: it matches only
//     the element "..." itself. The list matcher's mid-list "..." (which
//     ptree never supported) is deliberately not implemented, so
//     ["...","permission"] does not match ["some","cool","permission"];
//   - "_" and "..." in requested have no special meaning: they match the
//     same literal or a wildcard in granted;
//   - an empty permission, granted or requested, matches nothing. An empty
//     grant grants nothing and an empty requirement is never allowed
//     (fail closed).
//
// A request is allowed by a set of grants iff any grant matches it.
// Set.Allowed answers exactly that (a property test holds it to the naive
// "any Match" over its grants) by walking a trie with a literal child per
// element plus a "_" child and a trailing-"..." mark per node: it visits
// only trie nodes whose path matches a prefix of the request, so a check
// costs O(len(request)) when no "_" is involved, whatever the number of
// grants. Unlike ptree, a Set keeps every grant exactly (it does not drop a
// grant that another already covers), so Remove and List are exact.
//
// # Authorisation
//
// A Check is a requirement: a single Permission, or All / Any of checks
// (FiFo's {and, …} / {or, …}). Authorize implements §3.3 step 3: a single
// permission P passes iff the scope allows P and the user allows P, and the
// requirement combines those answers. A nil scope is a token without OAuth
// scopes (legacy), equivalent to the scope [["..."]]: it allows everything,
// so only the user's grants decide. Nothing required means not allowed:
// Authorize with no permissions, an empty All and an empty Any are all
// false, so a handler that forgets its permission fails closed; handlers
// that need no permission ("always") do not call Authorize.
//
// # Contract
//
// The package does no I/O, never reads the clock and keeps no mutable
// global state. A Set is safe for concurrent Allowed, Has, Len and List
// calls as long as nobody mutates it; mutation needs exclusive access.
package perm
