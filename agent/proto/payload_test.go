package proto

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
)

func ptr[T any](v T) *T { return &v }

func fullSpec() driver.Spec {
	return driver.Spec{
		UUID: "6b3a2c1e-0d4f-4a5b-8c7d-9e0f1a2b3c4d", Brand: "kvm", Alias: "web", Hostname: "web1",
		DNSDomain: "example.com", Autoboot: true, RAM: 1024, VCPUs: 2, CPUType: "host",
		MaxPhysicalMemory: 2048, MaxLockedMemory: 2048, MaxSwap: 4096, Quota: 10, CPUCap: 200,
		CPUShares: 100, ZFSIOPriority: 100, OwnerUUID: "o", PackageName: "p",
		Resolvers: []string{"8.8.8.8"}, Routes: map[string]string{"10.0.0.0/8": "10.1.1.1"},
		NICs: []driver.NIC{{Interface: "net0", MAC: "aa", NICTag: "admin", IP: "10.0.0.2", IPs: []string{"10.0.0.2/24"},
			Netmask: "255.255.255.0", Gateway: "10.0.0.1", Gateways: []string{"10.0.0.1"}, VLANID: 4, NetworkUUID: "n", Primary: true, Model: "virtio", MTU: 1500}},
		Disks:                      []driver.Disk{{Boot: true, ImageUUID: "i", ImageSize: 10240, Model: "virtio"}, {Size: 2048, Compression: "lz4", Blocksize: 8192}},
		NICDriver:                  "virtio",
		DiskDriver:                 "virtio",
		CustomerMetadata:           driver.Metadata{"root_authorized_keys": "ssh-ed25519 AAA"},
		InternalMetadata:           driver.Metadata{"docker:cmd": `["sh"]`},
		InternalMetadataNamespaces: []string{"docker"},
		Docker:                     true, InitName: "/init", ZFSRootCompression: "lz4", ZFSDataCompression: "off", DelegateDataset: true,
	}
}

func roundTrip[T any](t *testing.T, in T) T {
	t.Helper()
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	b2, err := Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatalf("%T: re-encoding differs", in)
	}
	return out
}

func TestSpecRoundTrip(t *testing.T) {
	in := fullSpec()
	if out := roundTrip(t, in); !reflect.DeepEqual(in, out) {
		t.Fatalf("spec changed:\n in %+v\nout %+v", in, out)
	}
	// Zero spec: nil slices and maps stay nil.
	if out := roundTrip(t, driver.Spec{UUID: "x"}); !reflect.DeepEqual(out, driver.Spec{UUID: "x"}) {
		t.Fatalf("zero spec %+v", out)
	}
}

// An update's pointers mean "change", nil means "leave": both survive,
// including a pointer to a zero value.
func TestUpdateRoundTrip(t *testing.T) {
	in := driver.UpdateSpec{
		Alias: ptr(""), Autoboot: ptr(false), RAM: ptr(int64(2048)),
		SetCustomerMetadata: driver.Metadata{"a": "b"}, RemoveInternalMetadata: []string{"x"},
		AddNICs: []driver.NIC{{NICTag: "external"}}, RemoveNICs: []string{"aa"},
		SetRoutes: map[string]string{"a": "b"}, UpdateDisks: []driver.DiskUpdate{{Path: "/dev/x", Size: 1}},
	}
	out := roundTrip(t, in)
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("update changed:\n in %+v\nout %+v", in, out)
	}
	if out.Hostname != nil || out.MaxSwap != nil || out.Resolvers != nil {
		t.Fatalf("unset fields came back set: %+v", out)
	}
}

func TestHostAndListsRoundTrip(t *testing.T) {
	h := driver.Host{
		UUID: "h", Hostname: "hv1", CPUs: 8,
		Memory:         driver.Memory{TotalMB: 65536, ReservedMB: 1024, ProvisionedMB: 2048, FreeMB: 62464},
		Pools:          map[string]driver.Pool{"zones": {SizeMB: 100, UsedMB: 10, FreeMB: 90, Dedup: 100, Health: "ONLINE"}},
		NICTags:        []string{"admin", "external"},
		Interfaces:     map[string]driver.Interface{"e1000g0": {MAC: "m", NICTags: []string{"admin"}}},
		Services:       map[string]string{"svc:/a": "online"},
		Virtualisation: []string{"zone", "kvm"},
		Sysinfo:        map[string]any{"UUID": "h", "CPU Total Cores": int64(8), "Boot Parameters": map[string]any{"console": "text"}, "List": []any{"a", int64(1)}},
	}
	if out := roundTrip(t, h); !reflect.DeepEqual(h, out) {
		t.Fatalf("host changed:\n in %#v\nout %#v", h, out)
	}
	vms := []driver.VM{{Spec: fullSpec(), State: driver.StateRunning, ZoneState: "running", ZonePath: "/zones/x"}}
	if out := roundTrip(t, vms); !reflect.DeepEqual(vms, out) {
		t.Fatalf("vms changed")
	}
	// An empty list is a valid payload (never a bare empty list on the
	// wire: it is bytes inside a struct).
	b, err := Marshal([]driver.VM{})
	if err != nil || len(b) == 0 {
		t.Fatalf("empty list: %v %x", err, b)
	}
	var out []driver.VM
	if err := Unmarshal(b, &out); err != nil || len(out) != 0 {
		t.Fatalf("empty list back: %v %v", err, out)
	}
}

func TestMarshalIsDeterministic(t *testing.T) {
	a := map[string]string{}
	b := map[string]string{}
	for i := 0; i < 50; i++ {
		k := string(rune('a'+i%26)) + string(rune('a'+i/26))
		a[k] = k
	}
	for k, v := range a {
		b[k] = v
	}
	ea, _ := Marshal(a)
	eb, _ := Marshal(b)
	if !bytes.Equal(ea, eb) {
		t.Fatal("equal maps encode differently")
	}
}

func TestUnmarshalRefuses(t *testing.T) {
	var s driver.Spec
	for _, b := range [][]byte{nil, {0xff}, {0xa1, 0x61}, make([]byte, MaxPayload+1)} {
		if err := Unmarshal(b, &s); err == nil {
			t.Fatalf("accepted %x", b[:min(len(b), 8)])
		}
	}
	if _, err := Marshal(func() {}); err == nil {
		t.Fatal("marshalled a func")
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, v := range []any{fullSpec(), driver.Host{Sysinfo: map[string]any{"a": int64(1)}}, []driver.VM{{State: "running"}}, driver.UpdateSpec{RAM: ptr(int64(1))}} {
		b, _ := Marshal(v)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s driver.Spec
		var h driver.Host
		var vms []driver.VM
		var u driver.UpdateSpec
		for _, v := range []any{&s, &h, &vms, &u} {
			if Unmarshal(b, v) == nil {
				if _, err := Marshal(v); err != nil {
					t.Fatalf("decoded %T does not encode: %v", v, err)
				}
			}
		}
	})
}
