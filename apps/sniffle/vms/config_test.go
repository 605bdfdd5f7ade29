package vms

import (
	"errors"
	"testing"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

func TestUpdateConfig(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	vm := f.create(t, "web")
	alias, host, boot, swap := "web2", "web2.example", false, int64(2048)
	err := f.UpdateConfig(f.ctx, vm.UUID, ConfigUpdate{Alias: &alias, Hostname: &host, Autoboot: &boot, MaxSwap: &swap,
		Resolvers: []string{"1.1.1.1"}, SetRoutes: map[string]string{"10.0.0.0/8": "10.0.1.1"},
		SSHKeys: []string{"ssh-ed25519 AAAA k"}, Metadata: map[string]any{"role": "web", "n": float64(3)}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.agents.Host(vm.Hypervisor)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Get(f.ctx, vm.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Alias != alias || got.Hostname != host || got.Autoboot || got.MaxSwap != swap ||
		got.Routes["10.0.0.0/8"] != "10.0.1.1" || got.CustomerMetadata["role"] != "web" ||
		got.CustomerMetadata["root_authorized_keys"] != "ssh-ed25519 AAAA k" {
		t.Fatalf("agent's vm %+v", got.Spec)
	}
	v, _ := f.Get(f.ctx, vm.UUID)
	md, _ := v.Config["metadata"].(map[string]any)
	if v.Alias != alias || v.Config["hostname"] != host || v.Config["autoboot"] != false || md["n"] != int64(3) {
		t.Fatalf("record %q %v", v.Alias, v.Config)
	}
	if routes, _ := v.Config["routes"].([]any); len(routes) != 1 {
		t.Fatalf("routes %v", v.Config["routes"])
	}
	// Remove the route again.
	must(t, f.UpdateConfig(f.ctx, vm.UUID, ConfigUpdate{RemoveRoutes: []string{"10.0.0.0/8"}}))
	v, _ = f.Get(f.ctx, vm.UUID)
	if routes, _ := v.Config["routes"].([]any); len(routes) != 0 {
		t.Fatalf("routes after removal %v", v.Config["routes"])
	}
	empty := ""
	if err := f.UpdateConfig(f.ctx, vm.UUID, ConfigUpdate{Alias: &empty}); !errors.Is(err, cloud.ErrInvalid) {
		t.Fatalf("empty alias: %v", err)
	}
	if err := f.UpdateConfig(f.ctx, "00000000-0000-4000-8000-00000000ffff", ConfigUpdate{}); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("missing vm: %v", err)
	}
}

func TestSetOwner(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	vm := f.create(t, "web")
	other, err := f.id.CreateOrg(f.ctx, "other")
	must(t, err)
	must(t, f.SetOwner(f.ctx, vm.UUID, other))
	v, _ := f.Get(f.ctx, vm.UUID)
	if v.Owner != other {
		t.Fatalf("owner %q", v.Owner)
	}
	d, _ := f.agents.Host(vm.Hypervisor)
	if got, _ := d.Get(f.ctx, vm.UUID); got.OwnerUUID != other {
		t.Fatalf("agent's owner %q", got.OwnerUUID)
	}
	acc, err := f.id.Accounting(f.ctx, other, 0, 1<<62)
	must(t, err)
	if len(acc) != 1 || acc[0].Action != "create" || acc[0].Resource != vm.UUID {
		t.Fatalf("accounting of the new org %+v", acc)
	}
	if err := f.SetOwner(f.ctx, vm.UUID, "00000000-0000-4000-8000-00000000ffff"); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("unknown org: %v", err)
	}
}

func TestNICs(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	vm := f.create(t, "web")
	if _, err := f.AddNIC(f.ctx, vm.UUID, f.network); !errors.Is(err, ErrState) {
		t.Fatalf("add a nic to a running vm: %v", err)
	}
	must(t, f.Action(f.ctx, vm.UUID, "stop", false))
	mac, err := f.AddNIC(f.ctx, vm.UUID, f.network)
	must(t, err)
	v, _ := f.Get(f.ctx, vm.UUID)
	nics := configNICs(v)
	if len(nics) != 2 || nics[1]["mac"] != mac || nics[1]["interface"] != "net1" || len(v.IPRangeMap) != 2 {
		t.Fatalf("nics %v, iprange map %v", nics, v.IPRangeMap)
	}
	ip, _ := nics[1]["ip"].(string)
	if h, err := f.cloud.LeaseHolder(f.ctx, f.ranges[0], ip); err != nil || h != vm.UUID {
		t.Fatalf("lease of %s: %q %v", ip, h, err)
	}
	d, _ := f.agents.Host(vm.Hypervisor)
	got, _ := d.Get(f.ctx, vm.UUID)
	if len(got.NICs) != 2 || got.NICs[1].MAC != mac {
		t.Fatalf("agent's nics %+v", got.NICs)
	}
	must(t, f.SetPrimaryNIC(f.ctx, vm.UUID, mac))
	got, _ = d.Get(f.ctx, vm.UUID)
	if !got.NICs[1].Primary || got.NICs[0].Primary {
		t.Fatalf("agent's nics after primary %+v", got.NICs)
	}
	must(t, f.RemoveNIC(f.ctx, vm.UUID, mac))
	if _, err := f.cloud.LeaseHolder(f.ctx, f.ranges[0], ip); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("lease after removal: %v", err)
	}
	if err := f.RemoveNIC(f.ctx, vm.UUID, mac); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("remove twice: %v", err)
	}
	if _, err := f.AddNIC(f.ctx, vm.UUID, "00000000-0000-4000-8000-00000000ffff"); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("unknown network: %v", err)
	}
}

func TestDryRun(t *testing.T) {
	f := newFixture(t, 1, 4096, 1024, 4)
	must(t, f.DryRun(f.ctx, f.user, f.request("dry"), false))
	ids, err := f.cloud.List(f.ctx, cloud.VMs)
	must(t, err)
	if len(ids) != 0 {
		t.Fatalf("a dry run made vms %v", ids)
	}
	huge, err := f.cloud.CreatePackage(f.ctx, cloud.PackageSpec{Name: "huge", RAM: 1 << 20, CPUCap: 100})
	must(t, err)
	req := f.request("dry")
	req.Package = huge
	if err := f.DryRun(f.ctx, f.user, req, false); !errors.Is(err, ErrNoPlacement) || !errors.Is(err, cloud.ErrInvalid) {
		t.Fatalf("too big: %v", err)
	}
	req = f.request("")
	if err := f.DryRun(f.ctx, f.user, req, false); !errors.Is(err, cloud.ErrInvalid) {
		t.Fatalf("no alias: %v", err)
	}
	g, err := f.cloud.CreateGrouping(f.ctx, "c", cloud.GroupingCluster)
	must(t, err)
	req = f.request("dry")
	req.Config.Grouping = g
	must(t, f.DryRun(f.ctx, f.user, req, false))
	if gr, _ := f.cloud.Grouping(f.ctx, g); len(gr.Elements) != 0 {
		t.Fatalf("a dry run joined the grouping: %v", gr.Elements)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
