package placement

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/fifogo/fifo/internal/perm"
)

// MaxJSONBytes bounds the input of ParseRule and ParseRules.
const MaxJSONBytes = 1 << 20

// ParseRule parses the REST form of a rule (reference §4.2):
//
//	{"weight": "must"|"cant"|<int>, "condition": C, "attribute": A, "value": V}
//	{"weight": "scale", "attribute": A, "low": L, "high": H}
//	{"weight": "random", "low": L, "high": H}
//
// For the condition "allowed", "attribute" is the permission, a list of
// strings and {"res": "<attribute>"} placeholders, and "value", optional,
// the list of granted permissions. Keys a weight does not use, unknown keys
// and bad values are errors that wrap ErrInvalidRule and name the key.
func ParseRule(b []byte) (Rule, error) {
	v, err := decodeJSON(b)
	if err != nil {
		return Rule{}, err
	}
	return RuleFromValue(v)
}

// ParseRules parses a JSON array of rules (see ParseRule); an error names
// the rule by its index.
func ParseRules(b []byte) ([]Rule, error) {
	v, err := decodeJSON(b)
	if err != nil {
		return nil, err
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: want a JSON array of rules, got %s", ErrInvalidRule, describe(v))
	}
	return RulesFromValues(l)
}

// UnmarshalJSON implements json.Unmarshaler with ParseRule.
func (r *Rule) UnmarshalJSON(b []byte) error {
	q, err := ParseRule(b)
	if err != nil {
		return err
	}
	*r = q
	return nil
}

// decodeJSON decodes one JSON value with numbers kept as json.Number.
func decodeJSON(b []byte) (any, error) {
	if len(b) > MaxJSONBytes {
		return nil, fmt.Errorf("%w: %d bytes of JSON (max %d)", ErrInvalidRule, len(b), MaxJSONBytes)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: bad JSON: %v", ErrInvalidRule, err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: bad JSON: data after the value", ErrInvalidRule)
	}
	return v, nil
}

// RulesFromValues converts decoded rules, such as the requirements stored
// in a package or dataset record, with RuleFromValue.
func RulesFromValues(vs []any) ([]Rule, error) {
	if len(vs) > MaxRules {
		return nil, fmt.Errorf("%w: %d rules (max %d)", ErrInvalidRule, len(vs), MaxRules)
	}
	out := make([]Rule, 0, len(vs))
	for i, v := range vs {
		r, err := RuleFromValue(v)
		if err != nil {
			return nil, fmt.Errorf("rule %d: %w", i, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// RuleFromValue converts a decoded rule (the JSON form of ParseRule as a
// map[string]any, or a map[any]any with string keys, as JSON or CBOR
// decoders produce it) and validates it.
func RuleFromValue(v any) (Rule, error) {
	m, err := asObject(v)
	if err != nil {
		return Rule{}, fmt.Errorf("%w: %v", ErrInvalidRule, err)
	}
	r, err := ruleFromObject(m)
	if err != nil {
		return Rule{}, fmt.Errorf("%w: %v", ErrInvalidRule, err)
	}
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// asObject returns v as a map with string keys.
func asObject(v any) (map[string]any, error) {
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, x := range m {
			s, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("object key %v is not a string", k)
			}
			out[s] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("a rule is an object, not %s", describe(v))
}

// ruleKeys are the keys of the JSON form.
var ruleKeys = map[string]bool{"weight": true, "condition": true, "attribute": true, "value": true, "low": true, "high": true}

func ruleFromObject(m map[string]any) (Rule, error) {
	for k := range m {
		if !ruleKeys[k] {
			return Rule{}, fmt.Errorf("unknown key %q (a rule has weight, condition, attribute, value, low and high)", k)
		}
	}
	w, ok := m["weight"]
	if !ok {
		return Rule{}, fmt.Errorf("no weight")
	}
	var r Rule
	switch w {
	case "must":
		r.Kind = Must
	case "cant":
		r.Kind = Cant
	case "scale":
		r.Kind = Scale
	case "random":
		r.Kind = Random
	default:
		if _, isStr := w.(string); isStr {
			return Rule{}, fmt.Errorf("weight: want \"must\", \"cant\", \"scale\", \"random\" or an integer, got %s", describe(w))
		}
		n, err := integer(w, MaxWeight)
		if err != nil {
			return Rule{}, fmt.Errorf("weight: %w", err)
		}
		r.Kind, r.Points = Points, n
	}
	allow := map[string]bool{"weight": true}
	need := func(k string) (any, error) {
		allow[k] = true
		x, ok := m[k]
		if !ok {
			return nil, fmt.Errorf("%s rule without %q", w2s(r), k)
		}
		return x, nil
	}
	var err error
	switch r.Kind {
	case Must, Cant, Points:
		err = conditionalFromObject(&r, m, need, allow)
	case Scale:
		if r.Attribute, err = attributeString(need); err == nil {
			err = lowHigh(&r, need)
		}
	case Random:
		err = lowHigh(&r, need)
	}
	if err != nil {
		return Rule{}, err
	}
	for k := range m {
		if !allow[k] {
			return Rule{}, fmt.Errorf("%s rule takes no %q", w2s(r), k)
		}
	}
	return r, nil
}

// w2s names a rule's weight in messages.
func w2s(r Rule) string {
	if r.Kind == Points {
		return "integer-weight"
	}
	return r.Kind.String()
}

func conditionalFromObject(r *Rule, m map[string]any, need func(string) (any, error), allow map[string]bool) error {
	c, err := need("condition")
	if err != nil {
		return err
	}
	s, ok := c.(string)
	if !ok {
		return fmt.Errorf("condition: want a string, got %s", describe(c))
	}
	r.Condition = Condition(s)
	if err := r.Condition.check(); err != nil {
		return err
	}
	if r.Condition != Allowed {
		if r.Attribute, err = attributeString(need); err != nil {
			return err
		}
		v, err := need("value")
		if err != nil {
			return err
		}
		if r.Value, err = normalize(v); err != nil {
			return fmt.Errorf("value: %w", err)
		}
		return nil
	}
	a, err := need("attribute")
	if err != nil {
		return err
	}
	if r.Permission, err = permTemplate(a); err != nil {
		return fmt.Errorf("attribute: %w", err)
	}
	allow["value"] = true
	if g, ok := m["value"]; ok && g != nil {
		if r.Grants, err = grantList(g); err != nil {
			return fmt.Errorf("value: %w", err)
		}
	}
	return nil
}

func attributeString(need func(string) (any, error)) (string, error) {
	a, err := need("attribute")
	if err != nil {
		return "", err
	}
	s, ok := a.(string)
	if !ok {
		return "", fmt.Errorf("attribute: want a string, got %s", describe(a))
	}
	return s, nil
}

func lowHigh(r *Rule, need func(string) (any, error)) error {
	for _, b := range []struct {
		k   string
		dst *int64
	}{{"low", &r.Low}, {"high", &r.High}} {
		x, err := need(b.k)
		if err != nil {
			return err
		}
		if *b.dst, err = integer(x, MaxWeight); err != nil {
			return fmt.Errorf("%s: %w", b.k, err)
		}
	}
	return nil
}

// permTemplate reads an Allowed rule's permission: a list of strings and
// {"res": "<attribute>"} objects.
func permTemplate(v any) ([]PermElem, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("condition allowed takes a permission (a list), not %s", describe(v))
	}
	if len(l) > perm.MaxElements {
		return nil, fmt.Errorf("permission of %d elements (max %d)", len(l), perm.MaxElements)
	}
	out := make([]PermElem, len(l))
	for i, e := range l {
		switch e := e.(type) {
		case string:
			out[i] = PermElem{Literal: e}
		default:
			m, err := asObject(e)
			if err != nil || len(m) != 1 {
				return nil, fmt.Errorf("permission element %d: want a string or {\"res\": attribute}, got %s", i, describe(e))
			}
			a, ok := m["res"].(string)
			if !ok || a == "" {
				return nil, fmt.Errorf("permission element %d: want a string or {\"res\": attribute}, got %s", i, describe(e))
			}
			out[i] = PermElem{Attribute: a}
		}
	}
	return out, nil
}

// grantList reads a list of permissions, each a list of strings.
func grantList(v any) ([]perm.Permission, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list of permissions, got %s", describe(v))
	}
	if len(l) > MaxGrants {
		return nil, fmt.Errorf("%d grants (max %d)", len(l), MaxGrants)
	}
	out := make([]perm.Permission, len(l))
	for i, g := range l {
		el, ok := g.([]any)
		if !ok {
			return nil, fmt.Errorf("grant %d: want a list of strings, got %s", i, describe(g))
		}
		if len(el) > perm.MaxElements {
			return nil, fmt.Errorf("grant %d: %d elements (max %d)", i, len(el), perm.MaxElements)
		}
		p := make(perm.Permission, len(el))
		for j, e := range el {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("grant %d element %d: want a string, got %s", i, j, describe(e))
			}
			p[j] = s
		}
		out[i] = p
	}
	return out, nil
}

// Object returns the JSON form of r as a map (the form stored in package
// and dataset requirements): numbers as float64 or, for weights and
// bounds, int64. It fails only for an invalid rule.
func (r Rule) Object() (map[string]any, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	m := map[string]any{}
	switch r.Kind {
	case Must, Cant:
		m["weight"] = r.Kind.String()
	case Points:
		m["weight"] = r.Points
	case Scale:
		m["weight"], m["attribute"], m["low"], m["high"] = "scale", r.Attribute, r.Low, r.High
		return m, nil
	case Random:
		m["weight"], m["low"], m["high"] = "random", r.Low, r.High
		return m, nil
	}
	m["condition"] = string(r.Condition)
	if r.Condition != Allowed {
		v, _ := normalize(r.Value) // valid: Validate normalized it
		m["attribute"], m["value"] = r.Attribute, v
		return m, nil
	}
	t := make([]any, len(r.Permission))
	for i, e := range r.Permission {
		if e.Attribute != "" {
			t[i] = map[string]any{"res": e.Attribute}
		} else {
			t[i] = e.Literal
		}
	}
	m["attribute"] = t
	if r.Grants != nil {
		g := make([]any, len(r.Grants))
		for i, p := range r.Grants {
			e := make([]any, len(p))
			for j, s := range p {
				e[j] = s
			}
			g[i] = e
		}
		m["value"] = g
	}
	return m, nil
}

// MarshalJSON implements json.Marshaler with the form ParseRule reads.
func (r Rule) MarshalJSON() ([]byte, error) {
	m, err := r.Object()
	if err != nil {
		return nil, err
	}
	return marshalValue(m)
}
