package config

import (
	"reflect"
	"testing"
)

// TestSchemaCoversConfig checks that the field table binds every leaf of
// Config exactly once, with unique keys and variables, so a new Config field
// cannot be forgotten by the file decoder or the environment overlay.
func TestSchemaCoversConfig(t *testing.T) {
	var c Config
	keys, envs := map[string]bool{}, map[string]bool{}
	sample := map[string]string{"string": "x", "integer": "7", routesValue{}.kind(): "a@b=c:1"}
	fs := fields(&c)
	for _, f := range fs {
		if keys[f.key()] || envs[f.env] {
			t.Fatalf("duplicate key %s or variable %s", f.key(), f.env)
		}
		keys[f.key()], envs[f.env] = true, true
		s, ok := sample[f.val.kind()]
		if !ok {
			s = "7s"
		}
		if err := f.val.setEnv(s); err != nil {
			t.Fatalf("%s: %v", f.key(), err)
		}
	}
	leaves := 0
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		section := v.Field(i)
		for j := range section.NumField() {
			leaves++
			if section.Field(j).IsZero() {
				t.Errorf("Config.%s.%s is not bound in fields()", v.Type().Field(i).Name, section.Type().Field(j).Name)
			}
		}
	}
	if leaves != len(fs) {
		t.Errorf("Config has %d settings, fields() binds %d", leaves, len(fs))
	}
}
