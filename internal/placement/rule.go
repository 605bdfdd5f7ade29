package placement

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/fifogo/fifo/internal/perm"
)

// Limits on rules, so that scores cannot overflow and a request body
// cannot make placement slow.
const (
	// MaxRules is the most rules a Request may hold.
	MaxRules = 256
	// MaxWeight bounds the absolute value of Points, Low and High.
	MaxWeight = 1_000_000_000
	// MaxGrants is the most permissions an Allowed rule may carry.
	MaxGrants = 4096
)

// Rule is one placement rule of FiFo's rule language (reference §4.2,
// §5.3). Which fields count depends on Kind:
//
//   - Must, Cant, Points: Condition, Attribute and Value (Points also
//     Points). For the Allowed condition, Permission and Grants replace
//     Attribute and Value.
//   - Scale: Attribute, Low and High.
//   - Random: Low and High.
//
// Fields the kind does not use must be zero. The zero Rule is invalid.
type Rule struct {
	// Kind is what the rule does.
	Kind Kind
	// Points is added to the score when the condition holds (Kind Points).
	Points int64
	// Condition is the test (Must, Cant, Points).
	Condition Condition
	// Attribute is the dotted path of the hypervisor's value the rule
	// reads (see the package documentation).
	Attribute string
	// Value is the operand: nil, a bool, a number, a string, or a list of
	// those ([]any or []string). Numbers of any Go type are accepted and
	// compared as float64.
	Value any
	// Permission is the permission an Allowed rule tests.
	Permission []PermElem
	// Grants are the permissions an Allowed rule tests against; nil means
	// the request's grants (FiFo gives such rules the creator's).
	Grants []perm.Permission
	// Low and High bound a Scale's output and a Random's draw.
	Low, High int64
}

// Validate reports whether r is a well-formed rule; the error wraps
// ErrInvalidRule.
func (r Rule) Validate() error {
	_, err := compileRule(r)
	return err
}

// compiledRule is a rule ready to evaluate.
type compiledRule struct {
	kind      Kind
	points    int64
	cond      Condition
	attr      attr
	op        operand
	tmpl      template
	grants    *perm.Set // Allowed with its own grants
	low, high int64
	text      string
}

// compileRule validates r and compiles it.
func compileRule(r Rule) (compiledRule, error) {
	c := compiledRule{kind: r.Kind, points: r.Points, cond: r.Condition, low: r.Low, high: r.High}
	if err := c.compile(r); err != nil {
		return compiledRule{}, fmt.Errorf("%w: %v", ErrInvalidRule, err)
	}
	c.text = r.String()
	return c, nil
}

func (c *compiledRule) compile(r Rule) error {
	switch r.Kind {
	case Must, Cant, Points, Scale, Random:
	default:
		return fmt.Errorf("unknown kind %d", uint8(r.Kind))
	}
	if r.Kind != Points && r.Points != 0 {
		return fmt.Errorf("%s rule with points", r.Kind)
	}
	if r.Points < -MaxWeight || r.Points > MaxWeight {
		return fmt.Errorf("points %d out of range (±%d)", r.Points, MaxWeight)
	}
	if r.Kind.conditional() {
		return c.compileConditional(r)
	}
	if r.Condition != "" || r.Value != nil || r.Permission != nil || r.Grants != nil {
		return fmt.Errorf("%s rule takes no condition or value", r.Kind)
	}
	for _, b := range []int64{r.Low, r.High} {
		if b < -MaxWeight || b > MaxWeight {
			return fmt.Errorf("bound %d out of range (±%d)", b, MaxWeight)
		}
	}
	if r.Kind == Random {
		if r.Attribute != "" {
			return fmt.Errorf("random rule takes no attribute")
		}
		if r.Low > r.High {
			return fmt.Errorf("random rule with low %d above high %d", r.Low, r.High)
		}
		return nil
	}
	a, err := compileAttr(r.Attribute)
	if err != nil {
		return err
	}
	c.attr = a
	return nil
}

func (c *compiledRule) compileConditional(r Rule) error {
	if r.Low != 0 || r.High != 0 {
		return fmt.Errorf("%s rule takes no low or high", r.Kind)
	}
	if r.Condition == "" {
		return fmt.Errorf("%s rule without a condition", r.Kind)
	}
	if err := r.Condition.check(); err != nil {
		return err
	}
	if r.Condition == Allowed {
		if r.Attribute != "" || r.Value != nil {
			return fmt.Errorf("condition allowed takes a permission and grants, not an attribute and a value")
		}
		t, err := compileTemplate(r.Permission)
		if err != nil {
			return err
		}
		c.tmpl = t
		if r.Grants != nil {
			if len(r.Grants) > MaxGrants {
				return fmt.Errorf("%d grants (max %d)", len(r.Grants), MaxGrants)
			}
			for i, g := range r.Grants {
				if err := g.Validate(); err != nil {
					return fmt.Errorf("grant %d: %w", i, err)
				}
			}
			c.grants = perm.NewSet(r.Grants...)
		}
		return nil
	}
	if r.Permission != nil || r.Grants != nil {
		return fmt.Errorf("condition %s takes an attribute and a value, not a permission", r.Condition)
	}
	a, err := compileAttr(r.Attribute)
	if err != nil {
		return err
	}
	v, err := normalize(r.Value)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	op, err := compileOperand(r.Condition, v)
	if err != nil {
		return err
	}
	c.attr, c.op = a, op
	return nil
}

// String returns the rule as one line, as it appears in exclusion
// reasons: "must >= resources.free-memory 1024", "5 element networks
// \"admin\"", "scale resources.free-memory 0 10", "random 0 5", "must
// allowed hypervisors/{uuid}/create".
func (r Rule) String() string {
	switch r.Kind {
	case Scale:
		return fmt.Sprintf("scale %s %d %d", r.Attribute, r.Low, r.High)
	case Random:
		return fmt.Sprintf("random %d %d", r.Low, r.High)
	}
	w := r.Kind.String()
	if r.Kind == Points {
		w = strconv.FormatInt(r.Points, 10)
	}
	if r.Condition == Allowed {
		s := fmt.Sprintf("%s allowed %s", w, permString(r.Permission))
		if r.Grants != nil {
			s += fmt.Sprintf(" (%d grants)", len(r.Grants))
		}
		return s
	}
	return fmt.Sprintf("%s %s %s %s", w, string(r.Condition), r.Attribute, valueString(r.Value))
}

// valueString writes a value as JSON, or with %v if it is not JSON.
func valueString(v any) string {
	if n, err := normalize(v); err == nil {
		v = n
	}
	b, err := marshalValue(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// marshalValue is json.Marshal without HTML escaping (rules are shown to
// people, and "<" is a condition) and without the trailing newline.
func marshalValue(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
