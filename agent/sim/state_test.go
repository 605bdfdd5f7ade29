package sim

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/driver/drivertest"
)

func sampleState() HostState {
	hvm := drivertest.HVMSpec(drivertest.UUID(3), img.UUID, 1024)
	return HostState{Host: DefaultUUID, Images: []driver.Image{img},
		VMs: []VMState{
			{Spec: drivertest.ZoneSpec(drivertest.UUID(1), img.UUID, 256), State: driver.StateRunning, Created: 1,
				Snapshots: []driver.Snapshot{{Name: "a", CreatedAt: 2}}},
			{Spec: drivertest.ZoneSpec(drivertest.UUID(2), img.UUID, 256), State: driver.StateProvisioning, Created: 3},
			{Spec: hvm, State: driver.StateBooting, Created: 4},
			{Spec: drivertest.ZoneSpec(drivertest.UUID(4), img.UUID, 256), State: driver.StateShuttingDown, Created: 5},
			{Spec: drivertest.ZoneSpec(drivertest.UUID(5), img.UUID, 256), State: driver.StateFailed, Created: 6},
		}}
}

func TestStateRoundTrip(t *testing.T) {
	want := sampleState()
	b, err := encodeState(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeState(b, DefaultUUID)
	if err != nil {
		t.Fatal(err)
	}
	want.Format, want.Version = stateFormat, stateVersion
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n%+v\nwant\n%+v", got, want)
	}
}

// TestSettle: the operations in flight at a crash end as documented.
func TestSettle(t *testing.T) {
	s, gone := sampleState().Settle()
	if !reflect.DeepEqual(gone, []string{drivertest.UUID(2)}) {
		t.Fatalf("removed %v", gone)
	}
	want := map[string]driver.State{drivertest.UUID(1): driver.StateRunning, drivertest.UUID(3): driver.StateRunning,
		drivertest.UUID(4): driver.StateStopped, drivertest.UUID(5): driver.StateFailed}
	if got := states(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("settled %v, want %v", got, want)
	}
	if s.VMs[0].Snapshots[0].Name != "a" {
		t.Fatal("snapshots lost")
	}
}

// TestDecodeStateRefuses: each kind of damage is ErrCorruptState and
// says what is wrong.
func TestDecodeStateRefuses(t *testing.T) {
	good, err := encodeState(sampleState())
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) []byte { return []byte(strings.Replace(string(good), old, new, 1)) }
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "EOF"},
		{"not json", []byte("zones"), "invalid character"},
		{"trailing data", append(append([]byte{}, good...), "{}"...), "data after"},
		{"unknown field", edit(`"host":`, `"hots": 1, "host":`), "unknown field"},
		{"format", edit(stateFormat, "other"), "format"},
		{"version", edit(`"version": 1`, `"version": 0`), "version 0"},
		{"host", edit(`"host": "`+DefaultUUID, `"host": "x`), "not a uuid"},
		{"state", edit(`"state": "running"`, `"state": "deleted"`), `state "deleted"`},
		{"spec", edit(`"brand": "joyent"`, `"brand": "windows"`), "unknown brand"},
		{"twice", edit(drivertest.UUID(2), drivertest.UUID(1)), "listed twice"},
		{"snapshot", edit(`"name": "a"`, `"name": "-rf"`), "snapshot name"},
		{"created", edit(`"created": 6`, `"created": -6`), "created -6"},
		{"image", edit(`"uuid": "`+img.UUID, `"uuid": "../x`), "image"},
	}
	for _, c := range cases {
		_, err := DecodeState(c.b, DefaultUUID)
		if !errors.Is(err, ErrCorruptState) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrCorruptState saying %q", c.name, err, c.want)
		}
	}
	if _, err := DecodeState(good, drivertest.UUID(8)); err == nil || !strings.Contains(err.Error(), "not "+drivertest.UUID(8)) {
		t.Errorf("another host's file: %v", err)
	}
}

// FuzzDecodeState: the decoder never panics; what it accepts encodes
// and decodes to the same state, and settles to settled states only.
func FuzzDecodeState(f *testing.F) {
	good, err := encodeState(sampleState())
	if err != nil {
		f.Fatal(err)
	}
	empty, _ := encodeState(HostState{Host: DefaultUUID})
	f.Add(good)
	f.Add(empty)
	f.Add([]byte(`{"format":"fifo-sim-host","version":1,"host":"` + DefaultUUID + `","vms":null,"images":null}`))
	f.Add([]byte(`{"vms":[{"spec":{}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeState(b, "")
		if err != nil {
			if !errors.Is(err, ErrCorruptState) {
				t.Fatalf("error not ErrCorruptState: %v", err)
			}
			return
		}
		again, err := encodeState(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := DecodeState(again, s.Host)
		if err != nil {
			t.Fatalf("re-encoded state refused: %v\n%s", err, again)
		}
		if b2, _ := encodeState(s2); string(b2) != string(again) {
			t.Fatalf("not stable:\n%s\n%s", again, b2)
		}
		settled, _ := s.Settle()
		for _, v := range settled.VMs {
			switch v.State {
			case driver.StateProvisioning, driver.StateBooting, driver.StateShuttingDown:
				t.Fatalf("vm %s still %s after Settle", v.Spec.UUID, v.State)
			}
		}
	})
}
