package placement

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fifogo/fifo/internal/perm"
)

func TestParseRule(t *testing.T) {
	cases := []struct {
		in   string
		want Rule
	}{
		{`{"weight":"must","condition":">=","attribute":"resources.free-memory","value":1024}`,
			Rule{Kind: Must, Condition: GreaterEq, Attribute: "resources.free-memory", Value: 1024.0}},
		{`{"weight":"cant","condition":"element","attribute":"networks","value":"storage"}`,
			Rule{Kind: Cant, Condition: Element, Attribute: "networks", Value: "storage"}},
		{`{"weight":5,"condition":"=:=","attribute":"characteristics.ssd","value":true}`,
			Rule{Kind: Points, Points: 5, Condition: Equal, Attribute: "characteristics.ssd", Value: true}},
		{`{"weight":-20,"condition":"subset","attribute":"networks","value":["admin","external"]}`,
			Rule{Kind: Points, Points: -20, Condition: Subset, Attribute: "networks", Value: []any{"admin", "external"}}},
		{`{"weight":1e2,"condition":"=/=","attribute":"alias","value":null}`,
			Rule{Kind: Points, Points: 100, Condition: NotEqual, Attribute: "alias", Value: nil}},
		{`{"weight":"scale","attribute":"resources.free-memory","low":0,"high":10}`,
			Rule{Kind: Scale, Attribute: "resources.free-memory", Low: 0, High: 10}},
		{`{"weight":"scale","attribute":"path","low":10,"high":0}`,
			Rule{Kind: Scale, Attribute: "path", Low: 10, High: 0}},
		{`{"weight":"random","low":0,"high":5}`, Rule{Kind: Random, Low: 0, High: 5}},
		{`{"weight":"random","low":3,"high":3.0}`, Rule{Kind: Random, Low: 3, High: 3}},
		{`{"weight":"must","condition":"allowed","attribute":["hypervisors",{"res":"uuid"},"create"]}`,
			Rule{Kind: Must, Condition: Allowed, Permission: []PermElem{{Literal: "hypervisors"}, {Attribute: "uuid"}, {Literal: "create"}}}},
		{`{"weight":"must","condition":"allowed","attribute":["hypervisors",{"res":"uuid"},"create"],"value":null}`,
			Rule{Kind: Must, Condition: Allowed, Permission: []PermElem{{Literal: "hypervisors"}, {Attribute: "uuid"}, {Literal: "create"}}}},
		{`{"weight":"cant","condition":"allowed","attribute":["x",{"res":"alias"}],"value":[["x","_"],["..."]]}`,
			Rule{Kind: Cant, Condition: Allowed, Permission: []PermElem{{Literal: "x"}, {Attribute: "alias"}}, Grants: []perm.Permission{{"x", "_"}, {"..."}}}},
		{` {"value":["z1"],"attribute":"characteristics.zone","condition":"oneof","weight":"must"} `,
			Rule{Kind: Must, Condition: OneOf, Attribute: "characteristics.zone", Value: []any{"z1"}}},
	}
	for _, tc := range cases {
		got, err := ParseRule([]byte(tc.in))
		if err != nil {
			t.Errorf("ParseRule(%s): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseRule(%s) = %#v, want %#v", tc.in, got, tc.want)
		}
		// The JSON form parses back to the same rule.
		b, err := json.Marshal(got)
		if err != nil {
			t.Errorf("Marshal(%s): %v", got, err)
			continue
		}
		again, err := ParseRule(b)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("round trip of %s via %s = %#v, %v", tc.in, b, again, err)
		}
	}
}

func TestParseRuleErrors(t *testing.T) {
	cases := []struct{ in, msg string }{
		{``, "bad JSON"},
		{`{`, "bad JSON"},
		{`{} {}`, "data after the value"},
		{`[]`, "a rule is an object"},
		{`"must"`, "a rule is an object"},
		{`{}`, "no weight"},
		{`{"weight":"mustt","condition":">=","attribute":"port","value":1}`, `weight: want "must"`},
		{`{"weight":1.5,"condition":">=","attribute":"port","value":1}`, "not an integer"},
		{`{"weight":1e10,"condition":">=","attribute":"port","value":1}`, "out of range"},
		{`{"weight":true,"condition":">=","attribute":"port","value":1}`, "not a number"},
		{`{"weight":"must","attribute":"port","value":1}`, `without "condition"`},
		{`{"weight":"must","condition":"<=","attribute":"port","value":1}`, `did you mean "=<"`},
		{`{"weight":"must","condition":"like","attribute":"port","value":1}`, `unknown condition "like"`},
		{`{"weight":"must","condition":7,"attribute":"port","value":1}`, "condition: want a string"},
		{`{"weight":"must","condition":">=","value":1}`, `without "attribute"`},
		{`{"weight":"must","condition":">=","attribute":"port"}`, `without "value"`},
		{`{"weight":"must","condition":">=","attribute":"prot","value":1}`, `unknown attribute "prot"`},
		{`{"weight":"must","condition":">=","attribute":"port.x","value":1}`, "no fields below it"},
		{`{"weight":"must","condition":">=","attribute":"resources..x","value":1}`, "empty segment"},
		{`{"weight":"must","condition":">=","attribute":"","value":1}`, "empty attribute"},
		{`{"weight":"must","condition":">=","attribute":["port"],"value":1}`, "attribute: want a string"},
		{`{"weight":"must","condition":">=","attribute":"port","value":[1]}`, "compares with a number or a string"},
		{`{"weight":"must","condition":">","attribute":"port","value":null}`, "compares with a number or a string"},
		{`{"weight":"must","condition":"subset","attribute":"networks","value":"admin"}`, "takes a list value"},
		{`{"weight":"must","condition":"element","attribute":"networks","value":["admin"]}`, "takes a single value"},
		{`{"weight":"must","condition":"oneof","attribute":"characteristics.zone","value":"z1"}`, "takes a list value"},
		{`{"weight":"must","condition":"=:=","attribute":"networks","value":[["a"]]}`, "a list inside a list"},
		{`{"weight":"must","condition":"=:=","attribute":"networks","value":{"a":1}}`, "objects are not supported"},
		{`{"weight":"must","condition":"=:=","attribute":"port","value":1,"low":1}`, `takes no "low"`},
		{`{"weight":"must","condition":"=:=","attribute":"port","value":1,"atribute":"x"}`, `unknown key "atribute"`},
		{`{"weight":"scale","attribute":"port","low":0}`, `without "high"`},
		{`{"weight":"scale","attribute":"port","low":0,"high":"10"}`, "high: \"10\" is not a number"},
		{`{"weight":"scale","attribute":"port","low":0,"high":10,"value":3}`, `takes no "value"`},
		{`{"weight":"scale","low":0,"high":10}`, `without "attribute"`},
		{`{"weight":"random","low":5,"high":1}`, "low 5 above high 1"},
		{`{"weight":"random","low":0,"high":1,"attribute":"port"}`, `takes no "attribute"`},
		{`{"weight":"random","low":-2000000000,"high":1}`, "out of range"},
		{`{"weight":"must","condition":"allowed","attribute":"hypervisors"}`, "takes a permission"},
		{`{"weight":"must","condition":"allowed","attribute":[]}`, "needs a permission"},
		{`{"weight":"must","condition":"allowed","attribute":["a",{"res":1}]}`, "permission element 1"},
		{`{"weight":"must","condition":"allowed","attribute":["a",{"res":"x","y":1}]}`, "permission element 1"},
		{`{"weight":"must","condition":"allowed","attribute":["a",{"res":"bogus"}]}`, `unknown attribute "bogus"`},
		{`{"weight":"must","condition":"allowed","attribute":["a",""]}`, "permission element 1"},
		{`{"weight":"must","condition":"allowed","attribute":["a"],"value":["a"]}`, "grant 0: want a list of strings"},
		{`{"weight":"must","condition":"allowed","attribute":["a"],"value":[[]]}`, "grant 0"},
		{`{"weight":"must","condition":"allowed","attribute":["a"],"value":"x"}`, "want a list of permissions"},
		{`{"weight":"must","condition":"=:=","attribute":"alias","value":"` + strings.Repeat("x", MaxStringBytes+1) + `"}`, "max 4096"},
	}
	for _, tc := range cases {
		_, err := ParseRule([]byte(tc.in))
		if !errors.Is(err, ErrInvalidRule) {
			t.Errorf("ParseRule(%.80s) = %v, want ErrInvalidRule", tc.in, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseRule(%.80s) = %q, want it to say %q", tc.in, err, tc.msg)
		}
	}
}

func TestParseRules(t *testing.T) {
	rs, err := ParseRules([]byte(`[{"weight":"must","condition":"element","attribute":"networks","value":"admin"},{"weight":"random","low":0,"high":2}]`))
	if err != nil || len(rs) != 2 || rs[1].Kind != Random {
		t.Fatalf("ParseRules = %v, %v", rs, err)
	}
	_, err = ParseRules([]byte(`[{"weight":"random","low":0,"high":2},{"weight":"must"}]`))
	if !errors.Is(err, ErrInvalidRule) || !strings.Contains(err.Error(), "rule 1") {
		t.Fatalf("ParseRules with a bad second rule = %v", err)
	}
	if _, err := ParseRules([]byte(`{}`)); !errors.Is(err, ErrInvalidRule) {
		t.Fatalf("ParseRules of an object = %v", err)
	}
	var body struct {
		Requirements []Rule `json:"requirements"`
	}
	err = json.Unmarshal([]byte(`{"requirements":[{"weight":"cant","condition":"=:=","attribute":"characteristics.maintenance","value":true}]}`), &body)
	if err != nil || len(body.Requirements) != 1 || body.Requirements[0].Kind != Cant {
		t.Fatalf("json.Unmarshal into []Rule = %v, %v", body, err)
	}
	if err := json.Unmarshal([]byte(`{"requirements":[{"weight":"cant"}]}`), &body); !errors.Is(err, ErrInvalidRule) {
		t.Fatalf("json.Unmarshal of a bad rule = %v", err)
	}
}

// TestRuleFromValueStoredShapes checks the forms rules take once stored in
// a record and decoded from CBOR: integers as int64 or uint64, maps with
// any keys, lists as []any; and that Object gives a form that reads back.
func TestRuleFromValueStoredShapes(t *testing.T) {
	stored := []any{
		map[string]any{"weight": "must", "condition": ">=", "attribute": "pools.zones.free", "value": int64(100)},
		map[any]any{"weight": int64(3), "condition": "element", "attribute": "networks", "value": "admin"},
		map[string]any{"weight": "scale", "attribute": "resources.free-memory", "low": uint64(0), "high": 10.0},
		map[string]any{"weight": "cant", "condition": "oneof", "attribute": "characteristics.zone", "value": []any{"z1", "z2"}},
		map[string]any{"weight": "must", "condition": "allowed", "attribute": []any{"hypervisors", map[any]any{"res": "uuid"}, "create"}},
	}
	rules, err := RulesFromValues(stored)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rules {
		m, err := r.Object()
		if err != nil {
			t.Fatalf("rule %d Object: %v", i, err)
		}
		back, err := RuleFromValue(m)
		if err != nil || !reflect.DeepEqual(back, r) {
			t.Errorf("rule %d: Object %v reads back as %#v, %v; want %#v", i, m, back, err, r)
		}
	}
	if _, err := RuleFromValue(map[any]any{1: "x"}); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("a map with a non-string key = %v", err)
	}
	if _, err := RulesFromValues(make([]any, MaxRules+1)); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("too many rules = %v", err)
	}
}

func TestRuleValidate(t *testing.T) {
	bad := []Rule{
		{},
		{Kind: Kind(9)},
		{Kind: Must, Condition: Equal, Attribute: "port", Value: 1, Points: 3},
		{Kind: Points, Points: MaxWeight + 1, Condition: Equal, Attribute: "port", Value: 1},
		{Kind: Must, Condition: Equal, Attribute: "port", Value: struct{}{}},
		{Kind: Must, Condition: Equal, Attribute: "port", Value: []any{1, []any{2}}},
		{Kind: Must, Condition: Equal, Attribute: "port", Value: "\xff"},
		{Kind: Must, Condition: Equal, Attribute: "port", Value: 1, Low: 1},
		{Kind: Must, Condition: Equal, Attribute: "port", Value: 1, Grants: []perm.Permission{{"a"}}},
		{Kind: Must, Condition: Allowed, Attribute: "port", Permission: []PermElem{{Literal: "a"}}},
		{Kind: Must, Condition: Allowed, Permission: []PermElem{{Literal: "a", Attribute: "uuid"}}},
		{Kind: Must, Condition: Allowed, Permission: []PermElem{{Literal: "a"}}, Grants: []perm.Permission{{}}},
		{Kind: Scale, Attribute: "port", Low: 0, High: MaxWeight + 1},
		{Kind: Scale, Attribute: "port", Condition: Equal},
		{Kind: Random, Low: 1, High: 0},
	}
	for _, r := range bad {
		if err := r.Validate(); !errors.Is(err, ErrInvalidRule) {
			t.Errorf("Validate(%#v) = %v, want ErrInvalidRule", r, err)
		}
		if _, err := json.Marshal(r); err == nil {
			t.Errorf("Marshal(%#v) succeeded", r)
		}
	}
	good := []Rule{
		{Kind: Must, Condition: Equal, Attribute: "port", Value: uint8(1)},
		{Kind: Must, Condition: Subset, Attribute: "networks", Value: []string{"admin"}},
		{Kind: Points, Points: -MaxWeight, Condition: Equal, Attribute: "port", Value: json.Number("2")},
		{Kind: Must, Condition: Allowed, Permission: []PermElem{{Literal: "a"}}, Grants: []perm.Permission{}},
	}
	for _, r := range good {
		if err := r.Validate(); err != nil {
			t.Errorf("Validate(%#v) = %v", r, err)
		}
	}
}

func TestRuleString(t *testing.T) {
	cases := []struct {
		r    Rule
		want string
	}{
		{Rule{Kind: Must, Condition: GreaterEq, Attribute: "resources.free-memory", Value: 1024}, "must >= resources.free-memory 1024"},
		{Rule{Kind: Cant, Condition: Element, Attribute: "networks", Value: "a<b"}, `cant element networks "a<b"`},
		{Rule{Kind: Points, Points: -3, Condition: Subset, Attribute: "networks", Value: []string{"a", "b"}}, `-3 subset networks ["a","b"]`},
		{Rule{Kind: Scale, Attribute: "resources.free-memory", Low: 0, High: 10}, "scale resources.free-memory 0 10"},
		{Rule{Kind: Random, Low: 1, High: 5}, "random 1 5"},
		{Rule{Kind: Must, Condition: Allowed, Permission: []PermElem{{Literal: "hypervisors"}, {Attribute: "uuid"}, {Literal: "create"}}}, "must allowed hypervisors/{uuid}/create"},
		{Rule{Kind: Must, Condition: Allowed, Permission: []PermElem{{Literal: "x"}}, Grants: []perm.Permission{{"x"}}}, "must allowed x (1 grants)"},
	}
	for _, tc := range cases {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
	if s := Kind(9).String(); s != "Kind(9)" {
		t.Errorf("Kind(9) = %q", s)
	}
}
