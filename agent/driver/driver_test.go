package driver

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

const id = "b8f4e3a2-9c1d-4e5f-8a7b-6c5d4e3f2a10"

func TestNormalizeState(t *testing.T) {
	cases := map[string]State{
		"running": StateRunning, "stopped": StateStopped, "installed": StateStopped, "uninitialized": StateStopped,
		"dead": StateStopped, "initialized": StateBooting, "ready": StateBooting, "booting": StateBooting,
		"shutting_down": StateShuttingDown, "stopping": StateShuttingDown, "empty": StateShuttingDown,
		"down": StateShuttingDown, "dying": StateShuttingDown, "provisioning": StateProvisioning,
		"configured": StateProvisioning, "incomplete": StateProvisioning, "receiving": StateProvisioning,
		"failed": StateFailed, "": StateUnknown, "weird": StateUnknown,
	}
	for in, want := range cases {
		if got := NormalizeState(in); got != want {
			t.Errorf("NormalizeState(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestValidUUID(t *testing.T) {
	good := []string{id, "00000000-0000-0000-0000-000000000000", "B8F4E3A2-9C1D-4E5F-8A7B-6C5D4E3F2A10"}
	bad := []string{"", "-F", id + " ", " " + id[1:], "b8f4e3a2x9c1d-4e5f-8a7b-6c5d4e3f2a10", "g8f4e3a2-9c1d-4e5f-8a7b-6c5d4e3f2a10", "../../etc/passwd-xxxxxxxxxxxxxxxxxxx"}
	for _, s := range good {
		if !ValidUUID(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range bad {
		if ValidUUID(s) || !errors.Is(CheckUUID("vm", s), ErrInvalid) {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestCheckSnapshotName(t *testing.T) {
	for _, s := range []string{"a", "snap-1_2.3:4%5", strings.Repeat("x", 64)} {
		if err := CheckSnapshotName(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"", "-r", "a@b", "a/b", "a b", "ä", strings.Repeat("x", 65), "a\x00"} {
		if err := CheckSnapshotName(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestSpecValidate(t *testing.T) {
	img := "e75c9d82-3156-11e5-9ee4-cbc4ccd7e1d9"
	zone := Spec{UUID: id, Brand: "joyent", ImageUUID: img, MaxPhysicalMemory: 256}
	hvm := Spec{UUID: id, Brand: "kvm", RAM: 512, Disks: []Disk{{Boot: true, ImageUUID: img}}}
	if err := zone.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := hvm.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(s *Spec){
		"uuid":         func(s *Spec) { s.UUID = "x" },
		"brand":        func(s *Spec) { s.Brand = "ipkg" },
		"memory":       func(s *Spec) { s.MaxPhysicalMemory = 0 },
		"no image":     func(s *Spec) { s.ImageUUID = "" },
		"bad image":    func(s *Spec) { s.ImageUUID = "-x" },
		"zone disks":   func(s *Spec) { s.Disks = []Disk{{Size: 1}} },
		"hvm image id": func(s *Spec) { s.Brand = "bhyve"; s.Disks = []Disk{{ImageUUID: img}} },
	}
	for name, edit := range bad {
		s := zone.Clone()
		edit(&s)
		if err := s.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// All problems at once.
	err := Spec{}.Validate()
	for _, want := range []string{"uuid", "brand", "memory", "image"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %s", err, want)
		}
	}
}

func TestSameSpec(t *testing.T) {
	s := Spec{UUID: id, Brand: "joyent", ImageUUID: "i", MaxPhysicalMemory: 256, Quota: 10, CPUCap: 100, Alias: "a", OwnerUUID: "o",
		NICs: []NIC{{IP: "10.0.0.1"}}}
	vm := VM{Spec: s.Clone(), State: StateRunning}
	vm.NICs[0].MAC = "90:b8:d0:00:00:01" // filled in by vmadm
	vm.CustomerMetadata = Metadata{"x": "y"}
	if !SameSpec(s, vm) {
		t.Fatal("same spec refused")
	}
	for name, edit := range map[string]func(*Spec){
		"brand": func(s *Spec) { s.Brand = "lx" }, "image": func(s *Spec) { s.ImageUUID = "j" },
		"memory": func(s *Spec) { s.MaxPhysicalMemory = 512 }, "quota": func(s *Spec) { s.Quota = 1 },
		"cap": func(s *Spec) { s.CPUCap = 1 }, "alias": func(s *Spec) { s.Alias = "b" }, "owner": func(s *Spec) { s.OwnerUUID = "p" },
	} {
		o := s.Clone()
		edit(&o)
		if SameSpec(o, vm) {
			t.Errorf("%s differs but counted the same", name)
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	s := Spec{Resolvers: []string{"a"}, Routes: map[string]string{"a": "b"}, NICs: []NIC{{IPs: []string{"x"}}},
		Disks: []Disk{{Size: 1}}, CustomerMetadata: Metadata{"k": "v"}, InternalMetadata: Metadata{"k": "v"},
		InternalMetadataNamespaces: []string{"docker"}}
	c := s.Clone()
	c.Resolvers[0], c.Routes["a"], c.NICs[0].IPs[0], c.Disks[0].Size = "z", "z", "z", 9
	c.CustomerMetadata["k"], c.InternalMetadata["k"], c.InternalMetadataNamespaces[0] = "z", "z", "z"
	if s.Resolvers[0] != "a" || s.Routes["a"] != "b" || s.NICs[0].IPs[0] != "x" || s.Disks[0].Size != 1 ||
		s.CustomerMetadata["k"] != "v" || s.InternalMetadata["k"] != "v" || s.InternalMetadataNamespaces[0] != "docker" {
		t.Fatalf("clone shares memory: %+v", s)
	}
}

func TestUpdateApply(t *testing.T) {
	s := Spec{Alias: "a", MaxPhysicalMemory: 256, Routes: map[string]string{"r1": "g1", "r2": "g2"},
		CustomerMetadata: Metadata{"a": "1", "b": "2"},
		NICs:             []NIC{{MAC: "m1", IP: "1", Primary: true}, {MAC: "m2", IP: "2"}},
		Disks:            []Disk{{Boot: true, Path: "/d0", Size: 10}, {Path: "/d1", Size: 20}}}
	alias, mem := "b", int64(512)
	u := UpdateSpec{
		Alias: &alias, MaxPhysicalMemory: &mem,
		SetCustomerMetadata: Metadata{"c": "3"}, RemoveCustomerMetadata: []string{"a"},
		SetRoutes: map[string]string{"r3": "g3"}, RemoveRoutes: []string{"r1"},
		RemoveNICs: []string{"m1"}, UpdateNICs: []NIC{{MAC: "m2", IP: "22", Primary: true}}, AddNICs: []NIC{{Interface: "net2", IP: "3"}},
		UpdateDisks: []DiskUpdate{{Path: "/d1", Size: 40}},
	}
	got := u.Apply(s)
	want := Spec{Alias: "b", MaxPhysicalMemory: 512, Routes: map[string]string{"r2": "g2", "r3": "g3"},
		CustomerMetadata: Metadata{"b": "2", "c": "3"},
		NICs:             []NIC{{MAC: "m2", IP: "22", Primary: true}, {Interface: "net2", IP: "3"}},
		Disks:            []Disk{{Boot: true, Path: "/d0", Size: 10}, {Path: "/d1", Size: 40}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if s.Alias != "a" || s.CustomerMetadata["a"] != "1" || s.Disks[1].Size != 20 {
		t.Fatal("Apply changed its input")
	}
	if u.MemoryMB() != 512 || (UpdateSpec{}).MemoryMB() != 0 {
		t.Fatal("MemoryMB")
	}
	zero := int64(0)
	if err := (UpdateSpec{RAM: &zero}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Fatal(err)
	}
	if err := (UpdateSpec{UpdateDisks: []DiskUpdate{{Path: "", Size: 1}}}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Fatal(err)
	}
}

func TestMetadataDecoding(t *testing.T) {
	var m Metadata
	err := json.Unmarshal([]byte(`{"s":"x","n":12,"f":1.5,"b":true,"z":null,"o":{"a": [1, 2]},"l":["a"]}`), &m)
	want := Metadata{"s": "x", "n": "12", "f": "1.5", "b": "true", "o": `{"a":[1,2]}`, "l": `["a"]`}
	if err != nil || !reflect.DeepEqual(m, want) {
		t.Fatalf("%v %v", m, err)
	}
	if err := json.Unmarshal([]byte(`null`), &m); err != nil || m != nil {
		t.Fatal(m, err)
	}
	if err := json.Unmarshal([]byte(`[1]`), &m); err == nil {
		t.Fatal("array accepted")
	}
}

func FuzzMetadata(f *testing.F) {
	f.Add([]byte(`{"s":"x","n":12,"o":{"a":[1]}}`))
	f.Add([]byte(`{"k":"\u0000\ud800"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Metadata
		if err := json.Unmarshal(b, &m); err != nil {
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var again Metadata
		if err := json.Unmarshal(out, &again); err != nil || len(again) != len(m) {
			t.Fatalf("round trip: %v %v", again, err)
		}
	})
}
