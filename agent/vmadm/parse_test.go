package vmadm

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
)

// The spec package's fixtures are real `vmadm get` documents.
func specFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("spec", "testdata", "sniffle", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		if filepath.Ext(p[:len(p)-len(".json")]) == ".golden" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	if len(out) == 0 {
		t.Fatal("no fixtures")
	}
	return out
}

func TestParseVM(t *testing.T) {
	fx := specFixtures(t)
	vm, err := ParseVM(fx["kvm.json"])
	if err != nil {
		t.Fatal(err)
	}
	if vm.UUID != "aa11bb22-cc33-4d44-8e55-ff6677889900" || vm.Brand != "kvm" || vm.State != driver.StateRunning ||
		len(vm.Disks) != 2 || vm.Disks[1].Path == "" || vm.MemoryMB() != 5120 || len(vm.NICs) != 2 {
		t.Fatalf("%+v", vm)
	}
	if ds := vm.Datasets(); len(ds) != 3 || ds[1] != "zones/aa11bb22-cc33-4d44-8e55-ff6677889900-disk0" {
		t.Fatalf("datasets %v", ds)
	}
	lx, err := ParseVM(fx["lx.json"])
	if err != nil || lx.State != driver.StateStopped {
		t.Fatalf("lx %v %v", lx.State, err)
	}
	docker, err := ParseVM(fx["docker.json"])
	if err != nil || docker.InternalMetadata["docker:wait_for_attach"] != "1714564860000" {
		t.Fatalf("numeric metadata %v %v", docker.InternalMetadata, err)
	}
	for _, bad := range []string{``, `[]`, `{"uuid":"x"}`, `{"uuid":"aa11bb22-cc33-4d44-8e55-ff6677889900","ram":"big"}`} {
		if _, err := ParseVM([]byte(bad)); !errors.Is(err, driver.ErrFailed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestParseVMs(t *testing.T) {
	fx := specFixtures(t)
	doc := "[" + string(fx["zone.json"]) + "," + string(fx["kvm.json"]) + "]"
	vms, err := ParseVMs([]byte(doc))
	if err != nil || len(vms) != 2 || vms[0].UUID > vms[1].UUID {
		t.Fatalf("%v %v", len(vms), err)
	}
	if vms, err := ParseVMs([]byte(`[]`)); err != nil || len(vms) != 0 {
		t.Fatal(vms, err)
	}
}

func TestParseStatesAndMemory(t *testing.T) {
	doc := `[{"uuid":"aa11bb22-cc33-4d44-8e55-ff6677889900","state":"running","zone_state":"running","max_physical_memory":5120,"ram":4096},
	         {"uuid":"b8f4e3a2-9c1d-4e5f-8a7b-6c5d4e3f2a10","state":"","zone_state":"shutting_down","max_physical_memory":1024},
	         {"uuid":"d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6","state":"provisioning"}]`
	st, err := ParseStates([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]driver.State{
		"aa11bb22-cc33-4d44-8e55-ff6677889900": driver.StateRunning,
		"b8f4e3a2-9c1d-4e5f-8a7b-6c5d4e3f2a10": driver.StateShuttingDown,
		"d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6": driver.StateProvisioning,
	}
	if !reflect.DeepEqual(st, want) {
		t.Fatalf("%v", st)
	}
	mem, err := ParseMemory([]byte(doc))
	if err != nil || mem["aa11bb22-cc33-4d44-8e55-ff6677889900"] != 5120 || mem["b8f4e3a2-9c1d-4e5f-8a7b-6c5d4e3f2a10"] != 1024 {
		t.Fatalf("%v %v", mem, err)
	}
	if _, err := ParseStates([]byte(`[{"uuid":"-F"}]`)); !errors.Is(err, driver.ErrFailed) {
		t.Fatal(err)
	}
}

func TestParseZones(t *testing.T) {
	out := "0:global:running:/::liveimg:shared\n" +
		"3:aa11bb22-cc33-4d44-8e55-ff6677889900:running:/zones/aa11bb22-cc33-4d44-8e55-ff6677889900:aa11bb22-cc33-4d44-8e55-ff6677889900:kvm:excl:-:none:\n" +
		"-:b8f4e3a2-9c1d-4e5f-8a7b-6c5d4e3f2a10:installed:/zones/we\\:ird:b8f4e3a2-9c1d-4e5f-8a7b-6c5d4e3f2a10:joyent:excl\n" +
		"-:d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6:incomplete:/zones/d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6::lx:excl\n" +
		"-:oldzone:installed:/zones/oldzone::ipkg:excl\n"
	got, err := ParseZones([]byte(out))
	want := map[string]driver.State{
		"aa11bb22-cc33-4d44-8e55-ff6677889900": driver.StateRunning,
		"b8f4e3a2-9c1d-4e5f-8a7b-6c5d4e3f2a10": driver.StateStopped,
		"d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6": driver.StateProvisioning,
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%v %v", got, err)
	}
	if f := splitEscaped(`a\:b:c\\d:`); !reflect.DeepEqual(f, []string{"a:b", `c\d`, ""}) {
		t.Fatalf("%q", f)
	}
	if _, err := ParseZones([]byte("0:global:running\n")); !errors.Is(err, driver.ErrFailed) {
		t.Fatal(err)
	}
}

const realSysinfo = `{
  "Live Image": "20120726T184637Z", "System Type": "SunOS", "Boot Time": "1344477862",
  "VM Capable": true, "CPU Type": "Intel(R) Xeon(R) CPU E5645 @ 2.40GHz", "CPU Virtualization": "vmx",
  "CPU Physical Cores": 2, "UUID": "92bc54eb-a652-11e0-a095-001e671d5838", "Hostname": "smartos-node-1",
  "CPU Total Cores": 24, "MiB of Memory": "47184", "Zpool": "zones", "Zpool Size in GiB": 2719,
  "Disks": {"c0t16d0": {"Size in GB": 600}},
  "Boot Parameters": {"console": "text", "root_shadow": "$5$2XXXRnK3$NvLlm", "smartos": "true"},
  "Network Interfaces": {
    "igb0": {"MAC Address": "00:1e:67:1d:58:38", "ip4addr": "172.16.5.95", "Link Status": "up", "NIC Names": ["admin"]},
    "igb1": {"MAC Address": "00:1e:67:1d:58:39", "ip4addr": "", "Link Status": "unknown", "NIC Names": []}
  },
  "Virtual Network Interfaces": {}
}`

func TestParseSysinfo(t *testing.T) {
	s, err := ParseSysinfo([]byte(realSysinfo))
	if err != nil {
		t.Fatal(err)
	}
	if s.UUID != "92bc54eb-a652-11e0-a095-001e671d5838" || s.CPUs != 24 || s.MemoryMB != 47184 || s.Hostname != "smartos-node-1" {
		t.Fatalf("%+v", s)
	}
	if !reflect.DeepEqual(s.NICTags, []string{"admin"}) || !reflect.DeepEqual(s.Virtualisation, []string{"zone", "lx", "kvm"}) {
		t.Fatalf("%v %v", s.NICTags, s.Virtualisation)
	}
	if s.Raw["Boot Parameters"].(map[string]any)["root_shadow"] != nil || s.Raw["Zpool Size in GiB"] != int64(2719) {
		t.Fatalf("raw %v", s.Raw)
	}
	// Newer platforms give memory as a number.
	if s, err := ParseSysinfo([]byte(`{"UUID":"92bc54eb-a652-11e0-a095-001e671d5838","MiB of Memory":1024,"CPU Total Cores":"4"}`)); err != nil || s.MemoryMB != 1024 || s.CPUs != 4 {
		t.Fatalf("%+v %v", s, err)
	}
	for _, bad := range []string{`null`, `{}`, `{"UUID":"92bc54eb-a652-11e0-a095-001e671d5838"}`,
		`{"UUID":"92bc54eb-a652-11e0-a095-001e671d5838","MiB of Memory":"lots"}`,
		`{"UUID":"92bc54eb-a652-11e0-a095-001e671d5838","MiB of Memory":"1","CPU Total Cores":[]}`} {
		if _, err := ParseSysinfo([]byte(bad)); !errors.Is(err, driver.ErrFailed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestParsePools(t *testing.T) {
	out := "zones\t2989297238016\t1073741824\t2988223496192\t1.00x\tONLINE\nbackup\t1048576\t0\t1048576\t2.50\tDEGRADED\n"
	p, err := ParsePools([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]driver.Pool{
		"zones":  {SizeMB: 2989297238016 >> 20, UsedMB: 1024, FreeMB: 2988223496192 >> 20, Dedup: 100, Health: "ONLINE"},
		"backup": {SizeMB: 1, UsedMB: 0, FreeMB: 1, Dedup: 250, Health: "DEGRADED"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("%+v", p)
	}
	for _, bad := range []string{"zones 1 2 3 1.00x ONLINE", "zones\t1\t2\t3\tx\tONLINE", "zones\t-1\t2\t3\t1.00x\tONLINE"} {
		if _, err := ParsePools([]byte(bad)); !errors.Is(err, driver.ErrFailed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestParseServices(t *testing.T) {
	s, err := ParseServices([]byte("online         svc:/system/zones:default\nmaintenance    svc:/site/x:default\n\n"))
	if err != nil || len(s) != 2 || s["svc:/site/x:default"] != "maintenance" {
		t.Fatalf("%v %v", s, err)
	}
	if _, err := ParseServices([]byte("online\n")); !errors.Is(err, driver.ErrFailed) {
		t.Fatal(err)
	}
}

func TestParseImages(t *testing.T) {
	doc := `[{"manifest":{"v":2,"uuid":"e75c9d82-3156-11e5-9ee4-cbc4ccd7e1d9","name":"base-64-lts","version":"15.2.0","type":"zone-dataset","os":"smartos","files":[{"sha1":"x","size":1}]},"zpool":"zones","source":"https://images.joyent.com"}]`
	imgs, err := ParseImages([]byte(doc))
	want := []driver.Image{{UUID: "e75c9d82-3156-11e5-9ee4-cbc4ccd7e1d9", Name: "base-64-lts", Version: "15.2.0", Type: "zone-dataset", OS: "smartos"}}
	if err != nil || !reflect.DeepEqual(imgs, want) {
		t.Fatalf("%+v %v", imgs, err)
	}
	one, err := ParseImage([]byte(`{"manifest":{"uuid":"e75c9d82-3156-11e5-9ee4-cbc4ccd7e1d9","name":"base-64-lts"},"zpool":"zones"}`))
	if err != nil || one.Name != "base-64-lts" {
		t.Fatalf("%+v %v", one, err)
	}
	if _, err := ParseImages([]byte(`[{"manifest":{"uuid":"nope"}}]`)); !errors.Is(err, driver.ErrFailed) {
		t.Fatal(err)
	}
}

func TestParseSnapshots(t *testing.T) {
	out := "zones/a@s1\t1714564803\t0\nzones/a@s2\t1714564900\t135168\nzones/a-disk0@s1\t1714564803\t4096\n"
	s, err := ParseSnapshots([]byte(out))
	if err != nil || len(s) != 3 || s[1] != (Snapshot{Dataset: "zones/a", Snapshot: driver.Snapshot{Name: "s2", CreatedAt: 1714564900, SizeBytes: 135168}}) {
		t.Fatalf("%+v %v", s, err)
	}
	for _, bad := range []string{"zones/a\t1\t2", "zones/a@s1\tx\t0", "@s\t1\t1"} {
		if _, err := ParseSnapshots([]byte(bad)); !errors.Is(err, driver.ErrFailed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		exit   int
		stderr string
		want   error
	}{
		{2, "Usage: vmadm ...", driver.ErrInvalid},
		{1, "Unable to start VM x: VM does not exist", driver.ErrNotFound},
		{1, `imgadm get: error (ImageNotInstalled): image "x" was not found on zpool "zones"`, driver.ErrNotFound},
		{1, "cannot open 'zones/x@s': dataset does not exist", driver.ErrNotFound},
		{1, "cannot create snapshot 'zones/x@s': dataset already exists", driver.ErrConflict},
		{1, "Unable to start VM x: VM is already running", driver.ErrConflict},
		{1, "Failed to create VM: not enough memory", driver.ErrNoMemory},
		{1, "Invalid value for max_physical_memory", driver.ErrInvalid},
		{1, "zone could not boot", driver.ErrFailed},
		{-1, "", driver.ErrFailed},
	}
	for _, c := range cases {
		if got := classify(c.exit, c.stderr); got != c.want {
			t.Errorf("classify(%d, %q) = %v, want %v", c.exit, c.stderr, got, c.want)
		}
	}
}

// Fuzz targets: the parsers never panic, and what they accept is sane.

func FuzzParseVM(f *testing.F) {
	for _, b := range specFixtures(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"uuid":"aa11bb22-cc33-4d44-8e55-ff6677889900","customer_metadata":{"a":1,"b":null,"c":{"d":[1]}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		vm, err := ParseVM(b)
		if err != nil {
			return
		}
		if !driver.ValidUUID(vm.UUID) || vm.State == "" {
			t.Fatalf("accepted %+v", vm)
		}
		if _, err := json.Marshal(vm); err != nil {
			t.Fatal(err)
		}
		_ = vm.Datasets()
	})
}

func FuzzParseVMs(f *testing.F) {
	f.Add([]byte(`[{"uuid":"aa11bb22-cc33-4d44-8e55-ff6677889900","state":"running","zone_state":"running","max_physical_memory":512}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if vms, err := ParseVMs(b); err == nil {
			for _, vm := range vms {
				if !driver.ValidUUID(vm.UUID) {
					t.Fatalf("accepted %q", vm.UUID)
				}
			}
		}
		_, _ = ParseStates(b)
		if mem, err := ParseMemory(b); err == nil {
			for _, mb := range mem {
				if mb < 0 {
					t.Fatalf("negative memory %d", mb)
				}
			}
		}
	})
}

func FuzzParseSysinfo(f *testing.F) {
	f.Add([]byte(realSysinfo))
	f.Add([]byte(`{"UUID":"92bc54eb-a652-11e0-a095-001e671d5838","MiB of Memory":1024}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSysinfo(b)
		if err != nil {
			return
		}
		if s.MemoryMB <= 0 || !driver.ValidUUID(s.UUID) {
			t.Fatalf("accepted %+v", s)
		}
		if bp, ok := s.Raw["Boot Parameters"].(map[string]any); ok && bp["root_shadow"] != nil {
			t.Fatal("root_shadow kept")
		}
	})
}

func FuzzParseTables(f *testing.F) {
	f.Add([]byte("zones\t2989297238016\t1073741824\t2988223496192\t1.00x\tONLINE\n"))
	f.Add([]byte("zones/a@s1\t1714564803\t0\n"))
	f.Add([]byte("online svc:/system/zones:default\n"))
	f.Add([]byte("0:global:running:/::liveimg:shared\n-:aa11bb22-cc33-4d44-8e55-ff6677889900:installed:/zones/x\\:y:aa11bb22-cc33-4d44-8e55-ff6677889900:kvm:excl\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if pools, err := ParsePools(b); err == nil {
			for _, p := range pools {
				if p.SizeMB < 0 || p.Dedup < 0 {
					t.Fatalf("accepted %+v", p)
				}
			}
		}
		_, _ = ParseSnapshots(b)
		_, _ = ParseServices(b)
		if zones, err := ParseZones(b); err == nil {
			for id := range zones {
				if !driver.ValidUUID(id) {
					t.Fatalf("accepted zone %q", id)
				}
			}
		}
		_, _ = ParseImages(b)
		_, _ = ParseImage(b)
	})
}
