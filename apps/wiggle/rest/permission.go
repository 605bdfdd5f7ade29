package rest

import (
	"fmt"
	"strings"

	"github.com/fifogo/fifo/apps/wiggle/openapi"
	"github.com/fifogo/fifo/internal/perm"
)

// nestedMark starts the element that stands for a permission nested in
// another (the document's "{name[]}", wiggle's role grant check
// ["permissions", P, "grant"] with P a list). perm.Permission has no
// nested elements, so P is written as one element: nestedMark followed by
// P's path form. nestedMark is not UTF-8, and every grant that reaches
// snarl through the edge is (perm.ParsePath and ParseJSON refuse or
// replace anything else), so no granted literal equals such an element:
// exactly as in FiFo, only a "_" or a trailing "..." matches it.
const nestedMark = "\xff"

// templateArgs are the values a permission template draws on.
type templateArgs struct {
	// params are the routed path parameters (decoded; the tail escaped).
	params map[string]string
	// tail is the tail parameter's elements, nil if the route has none.
	tail []string
	// body is the decoded request body, for "{body.f}".
	body map[string]any
}

// expand substitutes a template's placeholders (see openapi.Template). A
// missing or non-string value is a 400: the document's schemas make that
// impossible for a valid request.
func expand(t openapi.Template, a templateArgs) (perm.Permission, error) {
	p := make(perm.Permission, 0, len(t)+len(a.tail))
	for _, e := range t {
		inner, ok := strings.CutPrefix(e, "{")
		if !ok {
			p = append(p, e)
			continue
		}
		inner = strings.TrimSuffix(inner, "}")
		switch {
		case strings.HasSuffix(inner, "..."):
			p = append(p, a.tail...)
		case strings.HasSuffix(inner, "[]"):
			p = append(p, nestedMark+perm.Permission(a.tail).Path())
		case strings.HasPrefix(inner, "body."):
			v, ok := a.body[strings.TrimPrefix(inner, "body.")].(string)
			if !ok || v == "" {
				return nil, badRequest("body field %q is missing", strings.TrimPrefix(inner, "body."))
			}
			p = append(p, v)
		default:
			v, ok := a.params[inner]
			if !ok || v == "" {
				return nil, fmt.Errorf("permission template %v: no parameter %q", t, inner)
			}
			p = append(p, v)
		}
	}
	return p, nil
}

// requirement builds the check of a route: every template of
// x-fifo-permission and of the x-fifo-permission-by-body case the body
// selects.
func requirement(r openapi.Route, a templateArgs) (perm.Check, error) {
	ts := r.Permissions
	if r.ByBody != nil {
		sel, _ := a.body[r.ByBody.Field].(string)
		extra, ok := r.ByBody.Cases[sel]
		if !ok {
			return nil, badRequest("body field %q has no valid value", r.ByBody.Field)
		}
		ts = append(ts[:len(ts):len(ts)], extra...)
	}
	checks := make([]perm.Check, 0, len(ts))
	for _, t := range ts {
		p, err := expand(t, a)
		if err != nil {
			return nil, err
		}
		checks = append(checks, p)
	}
	if len(checks) == 1 {
		return checks[0], nil
	}
	return perm.All(checks...), nil
}
