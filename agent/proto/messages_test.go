package proto

import (
	"reflect"
	"strings"
	"testing"
)

// Every message is a flat struct of strings, int64s, bools and []byte,
// with at least one field, under a distinct name.
func TestMessagesAreFlat(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Messages() {
		if seen[m.Name] || !strings.HasPrefix(m.Name, "agent.") {
			t.Errorf("name %q duplicated or outside agent.", m.Name)
		}
		seen[m.Name] = true
		typ := reflect.TypeOf(m.Value)
		if typ.Kind() != reflect.Struct || typ.NumField() == 0 {
			t.Errorf("%s: %v is not a struct with fields", m.Name, typ)
			continue
		}
		if typ.Name() != strings.TrimPrefix(m.Name, "agent.") {
			t.Errorf("%s registers %v", m.Name, typ)
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			switch {
			case f.Type.Kind() == reflect.String, f.Type.Kind() == reflect.Int64, f.Type.Kind() == reflect.Bool:
			case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Uint8:
			default:
				t.Errorf("%s.%s has type %v", m.Name, f.Name, f.Type)
			}
			if !f.IsExported() {
				t.Errorf("%s.%s is unexported", m.Name, f.Name)
			}
		}
	}
}

func TestAgentName(t *testing.T) {
	hv := "6b3a2c1e-0d4f-4a5b-8c7d-9e0f1a2b3c4d"
	if AgentName(hv) != "chunter_agent_"+hv || AgentName(hv) == AgentName("other") {
		t.Fatal(AgentName(hv))
	}
	if len(AgentName(hv)) > 255 {
		t.Fatal("name too long for an atom")
	}
}

// Every message sent to an agent is a Request naming its hypervisor.
func TestRequestsNameTheirHypervisor(t *testing.T) {
	n := 0
	for _, m := range Messages() {
		v := reflect.New(reflect.TypeOf(m.Value)).Elem()
		f := v.FieldByName("HV")
		if !f.IsValid() {
			continue
		}
		f.SetString("hv-1")
		r, ok := v.Interface().(Request)
		switch m.Name {
		case "agent.Register", "agent.Heartbeat", "agent.VMState", "agent.VMList":
			if ok {
				t.Errorf("%s is a report, not a Request", m.Name)
			}
			continue
		}
		if !ok || r.Hypervisor() != "hv-1" {
			t.Errorf("%s: Request %v", m.Name, ok)
		}
		n++
	}
	if n != 21 {
		t.Fatalf("%d requests, want 21", n)
	}
}
