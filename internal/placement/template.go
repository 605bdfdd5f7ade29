package placement

import (
	"fmt"
	"strings"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// PermElem is one element of the permission an Allowed rule tests: a
// literal, or, when Attribute is set, a placeholder filled with that
// attribute of the hypervisor (which must be a string). Its JSON form is
// the literal string or {"res": "<attribute>"} (FiFo's {res, Attr}).
type PermElem struct {
	// Literal is the element itself when Attribute is empty.
	Literal string
	// Attribute, when set, names the hypervisor attribute to put here.
	Attribute string
}

// String returns the literal, or the attribute in braces.
func (e PermElem) String() string {
	if e.Attribute != "" {
		return "{" + e.Attribute + "}"
	}
	return e.Literal
}

// template is a compiled Allowed permission.
type template struct {
	elems []tmplElem
}

type tmplElem struct {
	lit   string
	attr  attr
	isRes bool
}

// compileTemplate checks and compiles an Allowed rule's permission.
func compileTemplate(elems []PermElem) (template, error) {
	if len(elems) == 0 {
		return template{}, fmt.Errorf("condition allowed needs a permission as its attribute")
	}
	if len(elems) > perm.MaxElements {
		return template{}, fmt.Errorf("permission of %d elements (max %d)", len(elems), perm.MaxElements)
	}
	t := template{elems: make([]tmplElem, len(elems))}
	for i, e := range elems {
		if e.Attribute == "" {
			if err := (perm.Permission{e.Literal}).Validate(); err != nil {
				return template{}, fmt.Errorf("permission element %d: %w", i, err)
			}
			t.elems[i] = tmplElem{lit: e.Literal}
			continue
		}
		if e.Literal != "" {
			return template{}, fmt.Errorf("permission element %d has both a literal and an attribute", i)
		}
		a, err := compileAttr(e.Attribute)
		if err != nil {
			return template{}, fmt.Errorf("permission element %d: %w", i, err)
		}
		t.elems[i] = tmplElem{attr: a, isRes: true}
	}
	return t, nil
}

// allowed fills the template from h into buf (reused across hypervisors)
// and asks grants. A placeholder whose attribute is not a non-empty
// string makes the condition false.
func (t *template) allowed(h *record.Hypervisor, grants *perm.Set, buf *[]string) bool {
	if grants == nil {
		return false
	}
	p := (*buf)[:0]
	for i := range t.elems {
		e := &t.elems[i]
		if !e.isRes {
			p = append(p, e.lit)
			continue
		}
		v := e.attr.get(h)
		if v.k != kStr || v.s == "" {
			*buf = p
			return false
		}
		p = append(p, v.s)
	}
	*buf = p
	return grants.Allowed(p)
}

// permString writes a template the way the REST paths do: a/{b}/c.
func permString(elems []PermElem) string {
	s := make([]string, len(elems))
	for i, e := range elems {
		s[i] = e.String()
	}
	return strings.Join(s, "/")
}
