package placement

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// fuzzSeeds are rules of every shape, valid and not.
var fuzzSeeds = []string{
	`{"weight":"must","condition":">=","attribute":"resources.free-memory","value":1024}`,
	`{"weight":"cant","condition":"element","attribute":"networks","value":"storage"}`,
	`{"weight":-5,"condition":"subset","attribute":"networks","value":["admin","external"]}`,
	`{"weight":3,"condition":"oneof","attribute":"characteristics.zone","value":["z1",null,true,2.5]}`,
	`{"weight":"scale","attribute":"resources.free-memory","low":0,"high":10}`,
	`{"weight":"random","low":0,"high":5}`,
	`{"weight":"must","condition":"allowed","attribute":["hypervisors",{"res":"uuid"},"create"],"value":[["hypervisors","_","create"]]}`,
	`{"weight":"must","condition":"=:=","attribute":"sysinfo.Boot Parameters.console.speed","value":"115200"}`,
	`{"weight":"must","condition":"<=","attribute":"port","value":1}`,
	`{"weight":1e400,"condition":">","attribute":"port","value":1}`,
	`{"weight":"must","condition":">","attribute":"port","value":-0}`,
	`{"weight":"must","condition":"=:=","attribute":"alias","value":"\ud800"}`,
	`{"weight":"random","low":-1000000000,"high":1000000000}`,
	`[]`, `null`, `{"weight":null}`, `{"weight":"must","condition":"superset","attribute":"path","value":[]}`,
}

// FuzzParseRule checks that ParseRule never panics and fails only with
// ErrInvalidRule; that what it accepts is valid, survives its JSON form
// unchanged, and ranks hypervisors of every shape without panicking.
func FuzzParseRule(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	hvs := []record.Hypervisor{condHV(), {}, hyp("x")}
	grants := perm.NewSet(perm.Permission{"..."})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRule(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidRule) {
				t.Fatalf("ParseRule(%q) = %v, not ErrInvalidRule", b, err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("ParseRule(%q) accepted an invalid rule: %v", b, err)
		}
		j, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("Marshal(%s): %v", r, err)
		}
		again, err := ParseRule(j)
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("%q → %s → %#v, %v; want %#v", b, j, again, err, r)
		}
		_ = r.String()
		res, err := Place(hvs, Request{Rules: []Rule{r}, Grants: grants}, 1)
		if err != nil {
			t.Fatalf("Place with %s: %v", r, err)
		}
		_ = res.Summary()
	})
}

// FuzzParseRules is FuzzParseRule for arrays of rules.
func FuzzParseRules(f *testing.F) {
	f.Add([]byte(`[` + fuzzSeeds[0] + `,` + fuzzSeeds[4] + `]`))
	f.Add([]byte(`[{}]`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := ParseRules(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidRule) {
				t.Fatalf("ParseRules(%q) = %v, not ErrInvalidRule", b, err)
			}
			return
		}
		if _, err := New(Request{Rules: rs}); err != nil {
			t.Fatalf("New with parsed rules %q: %v", b, err)
		}
	})
}
