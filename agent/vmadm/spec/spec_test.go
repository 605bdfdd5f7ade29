package spec

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/internal/record"
)

const (
	vmID = "5a5a5a5a-0000-4000-8000-000000000001"
	dsID = "d5d5d5d5-0000-4000-8000-000000000002"
	pkID = "b1b1b1b1-0000-4000-8000-000000000003"
)

func pkg(ram, quota, cpuCap int64) Package {
	return Package{UUID: pkID, RAM: ram, Quota: quota, CPUCap: cpuCap}
}

// roundTrip is what the original's eunit tests checked: the config
// sniffle gets back from a spec chunter generated.
func roundTrip(t *testing.T, p Package, d Dataset, c Config, h Host) map[string]any {
	t.Helper()
	s, err := ToVmadm(p, d, c, h)
	if err != nil {
		t.Fatal(err)
	}
	return ToSniffle(driver.VM{Spec: s, State: driver.StateRunning})
}

// TestRoundTrip ports chunter_spec's eunit cases (type, autoboot, drivers,
// ram, cpu_cap → vcpus, resolvers, ssh keys, passwords, metadata, nics).
func TestRoundTrip(t *testing.T) {
	zone := Dataset{UUID: dsID, Type: "zone"}
	kvm := Dataset{UUID: dsID, Type: "kvm"}
	no := false
	cases := []struct {
		name string
		p    Package
		d    Dataset
		c    Config
		want map[string]any
	}{
		{"type zone", pkg(512, 10, 100), zone, Config{UUID: vmID, Alias: "a", Hostname: "h"},
			map[string]any{"type": "zone", "alias": "a", "hostname": "h", "dataset": dsID, "package": pkID,
				"quota": int64(10), "ram": int64(512), "cpu_cap": int64(100), "max_swap": int64(1024), "autoboot": true}},
		{"autoboot", pkg(512, 10, 100), zone, Config{UUID: vmID, Autoboot: &no}, map[string]any{"autoboot": false}},
		{"disk driver", pkg(512, 10, 100), Dataset{UUID: dsID, Type: "kvm", DiskDriver: "virtio"}, Config{UUID: vmID},
			map[string]any{"type": "kvm", "disk_driver": "virtio", "dataset": dsID}},
		{"nic driver", pkg(512, 10, 100), Dataset{UUID: dsID, Type: "kvm", NICDriver: "virtio"}, Config{UUID: vmID},
			map[string]any{"nic_driver": "virtio"}},
		{"zone ram", pkg(1024, 10, 100), zone, Config{UUID: vmID}, map[string]any{"ram": int64(1024)}},
		{"kvm ram", pkg(1024, 10, 100), kvm, Config{UUID: vmID}, map[string]any{"ram": int64(1024), "quota": int64(10)}},
		{"kvm cpu_cap 100", pkg(512, 10, 100), kvm, Config{UUID: vmID}, map[string]any{"vcpus": int64(1)}},
		{"kvm cpu_cap 140", pkg(512, 10, 140), kvm, Config{UUID: vmID}, map[string]any{"vcpus": int64(2), "cpu_cap": int64(140)}},
		{"kvm cpu_cap 150", pkg(512, 10, 150), kvm, Config{UUID: vmID}, map[string]any{"vcpus": int64(2)}},
		{"kvm cpu_cap 200", pkg(512, 10, 200), kvm, Config{UUID: vmID}, map[string]any{"vcpus": int64(2)}},
		{"kvm cpu_cap 210", pkg(512, 10, 210), kvm, Config{UUID: vmID}, map[string]any{"vcpus": int64(3)}},
		{"kvm no cpu_cap", pkg(512, 10, 0), kvm, Config{UUID: vmID}, map[string]any{"vcpus": int64(1)}},
		{"default resolvers", pkg(512, 10, 100), zone, Config{UUID: vmID},
			map[string]any{"resolvers": []any{"8.8.8.8", "8.8.4.4"}}},
		{"resolvers", pkg(512, 10, 100), zone, Config{UUID: vmID, Resolvers: []string{"8.8.8.8"}},
			map[string]any{"resolvers": []any{"8.8.8.8"}}},
		{"ssh", pkg(512, 10, 100), zone, Config{UUID: vmID, SSHKeys: []string{"ssh-rsa"}}, map[string]any{"ssh_keys": "ssh-rsa"}},
		{"passwords", pkg(512, 10, 100), zone, Config{UUID: vmID, Passwords: map[string]string{"admin_pw": "admin", "root_pw": "root"}},
			map[string]any{"admin_pw": "admin", "root_pw": "root"}},
		{"metadata", pkg(512, 10, 100), zone, Config{UUID: vmID, Metadata: map[string]any{"key": "value"}},
			map[string]any{"metadata": map[string]any{"key": "value"}}},
		{"nics", pkg(512, 10, 100), zone, Config{UUID: vmID, NICs: []driver.NIC{{IP: "127.0.0.1", NICTag: "admin"}}},
			map[string]any{"networks": []any{map[string]any{"ip": "127.0.0.1", "nic_tag": "admin", "primary": true}}}},
		{"lx", pkg(512, 10, 100), Dataset{UUID: dsID, Type: "zone", ZoneType: "lx", KernelVersion: "4.3"},
			Config{UUID: vmID, DNSDomain: "x"}, map[string]any{"zone_type": "lx", "kernel_version": "4.3", "dns_domain": nil}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := roundTrip(t, tc.p, tc.d, tc.c, Host{TotalMemoryMB: 1 << 20})
			for k, want := range tc.want {
				if !reflect.DeepEqual(got[k], want) {
					t.Errorf("%s = %#v, want %#v", k, got[k], want)
				}
			}
		})
	}
}

func TestShares(t *testing.T) {
	cases := []struct {
		ram, total, pkgShares, pkgIO int64
		wantShares, wantIO           int64
	}{
		{1024, 65536, 0, 0, 16, 16},
		{32768, 65536, 0, 0, 512, 512},
		{1024, 65536, 100, 0, 100, 16},
		{1024, 65536, 0, 7, 16, 7},
		{1024, 0, 0, 0, 0, 0}, // unknown total: vmadm's defaults
	}
	for _, tc := range cases {
		p := Package{UUID: pkID, RAM: tc.ram, CPUShares: tc.pkgShares, ZFSIOPriority: tc.pkgIO}
		s, err := ToVmadm(p, Dataset{UUID: dsID, Type: "zone"}, Config{UUID: vmID}, Host{TotalMemoryMB: tc.total})
		if err != nil {
			t.Fatal(err)
		}
		if s.CPUShares != tc.wantShares || s.ZFSIOPriority != tc.wantIO {
			t.Errorf("%+v: shares %d io %d", tc, s.CPUShares, s.ZFSIOPriority)
		}
	}
}

func TestMaxSwap(t *testing.T) {
	for _, tc := range []struct{ ram, pkgSwap, want int64 }{
		{64, 0, 256}, {512, 0, 1024}, {512, 100, 256}, {512, 4096, 4096},
	} {
		p := Package{UUID: pkID, RAM: tc.ram, MaxSwap: tc.pkgSwap}
		s, err := ToVmadm(p, Dataset{UUID: dsID, Type: "zone"}, Config{UUID: vmID}, Host{})
		if err != nil || s.MaxSwap != tc.want {
			t.Errorf("%+v: max_swap %d, %v", tc, s.MaxSwap, err)
		}
	}
}

func TestInvalidInputs(t *testing.T) {
	zone := Dataset{UUID: dsID, Type: "zone"}
	good := Config{UUID: vmID}
	cases := []struct {
		name string
		p    Package
		d    Dataset
		c    Config
		h    Host
	}{
		{"config uuid", pkg(512, 1, 0), zone, Config{UUID: "-x"}, Host{}},
		{"dataset uuid", pkg(512, 1, 0), Dataset{UUID: "nope", Type: "zone"}, good, Host{}},
		{"no ram", pkg(0, 1, 0), zone, good, Host{}},
		{"negative quota", pkg(512, -1, 0), zone, good, Host{}},
		{"jail", pkg(512, 1, 0), Dataset{UUID: dsID, Type: "jail"}, good, Host{}},
		{"ipkg", pkg(512, 1, 0), Dataset{UUID: dsID, Type: "zone", ZoneType: "ipkg"}, good, Host{}},
		{"zone brand", pkg(512, 1, 0), Dataset{UUID: dsID, Type: "zone", Brand: "kvm"}, good, Host{}},
		{"hvm brand", pkg(512, 1, 0), Dataset{UUID: dsID, Type: "kvm", Brand: "joyent"}, good, Host{}},
		{"lx without kernel", pkg(512, 1, 0), Dataset{UUID: dsID, Type: "zone", ZoneType: "lx"}, good, Host{}},
		{"password key", pkg(512, 1, 0), zone, Config{UUID: vmID, Passwords: map[string]string{"root": "x"}}, Host{}},
		{"nic without tag", pkg(512, 1, 0), zone, Config{UUID: vmID, NICs: []driver.NIC{{IP: "dhcp"}}}, Host{}},
		{"docker without time", pkg(512, 1, 0), Dataset{UUID: dsID, Type: "zone", ZoneType: "docker", KernelVersion: "3.13"}, good, Host{}},
	}
	for _, tc := range cases {
		if _, err := ToVmadm(tc.p, tc.d, tc.c, tc.h); !errors.Is(err, driver.ErrInvalid) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestDocker(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	d := Dataset{UUID: dsID, Type: "zone", ZoneType: "docker", KernelVersion: "3.13", DockerCmd: []string{"sh"}}
	yes := true
	s, err := ToVmadm(pkg(256, 1, 0), d, Config{UUID: vmID, Autoboot: &yes, Docker: map[string]any{"cmd": []string{"top"}}}, Host{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if s.Autoboot || !s.Docker || s.Brand != "lx" || s.InternalMetadata["docker:cmd"] != `["top"]` ||
		s.InternalMetadata["docker:wait_for_attach"] != "1714564860000" {
		t.Fatalf("docker spec %+v", s)
	}
	cmd, err := DockerCmdFromManifest([]byte(`{"uuid":"x","tags":{"docker:config":{"Cmd":["nginx","-g","daemon off;"],"Env":[]}}}`))
	if err != nil || !reflect.DeepEqual(cmd, []string{"nginx", "-g", "daemon off;"}) {
		t.Fatalf("cmd %v %v", cmd, err)
	}
	if cmd, err := DockerCmdFromManifest([]byte(`{"uuid":"x"}`)); err != nil || cmd != nil {
		t.Fatalf("no cmd: %v %v", cmd, err)
	}
	if _, err := DockerCmdFromManifest([]byte(`{`)); !errors.Is(err, driver.ErrInvalid) {
		t.Fatal(err)
	}
}

func TestUpdateOfSSHKeys(t *testing.T) {
	vm := driver.VM{Spec: driver.Spec{UUID: vmID, Brand: "joyent"}}
	u, err := ToUpdate(vm, nil, UpdateConfig{SSHKeys: []string{"a", "b"}}, Host{})
	if err != nil || u.SetCustomerMetadata["root_authorized_keys"] != "a\nb" {
		t.Fatalf("%+v %v", u, err)
	}
	u, err = ToUpdate(vm, nil, UpdateConfig{}, Host{})
	if err != nil || !reflect.DeepEqual(u, driver.UpdateSpec{}) {
		t.Fatalf("empty update %+v %v", u, err)
	}
	if _, err := ToUpdate(vm, &Package{UUID: pkID}, UpdateConfig{}, Host{}); !errors.Is(err, driver.ErrInvalid) {
		t.Fatalf("package without ram: %v", err)
	}
}

func TestFromRecord(t *testing.T) {
	p := PackageFromRecord(record.Package{UUID: pkID, Name: "n", RAM: 1, Quota: 2, CPUCap: 3, CPUShares: 4,
		Blocksize: 5, Compression: "lz4", MaxSwap: 6, ZFSIOPriority: 7})
	if p != (Package{UUID: pkID, Name: "n", RAM: 1, Quota: 2, CPUCap: 3, CPUShares: 4, Blocksize: 5,
		Compression: "lz4", MaxSwap: 6, ZFSIOPriority: 7}) {
		t.Fatalf("%+v", p)
	}
	d := DatasetFromRecord(record.Dataset{UUID: dsID, DatasetType: "kvm", ZoneType: "", KernelVersion: "k",
		ImageSize: 9, NICDriver: "virtio", DiskDriver: "ide"})
	if !reflect.DeepEqual(d, Dataset{UUID: dsID, Type: "kvm", KernelVersion: "k", ImageSize: 9, NICDriver: "virtio", DiskDriver: "ide"}) {
		t.Fatalf("%+v", d)
	}
}
