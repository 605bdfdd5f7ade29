package rest

import (
	"context"
	"testing"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
)

// Fixtures of the route walk's cloud part.
const (
	walkHV         = "00000000-0000-4000-8000-0000000000a1"
	walkDataset    = "00000000-0000-4000-8000-0000000000d1"
	walkNewDataset = "00000000-0000-4000-8000-0000000000d2"
	walkImport     = "00000000-0000-4000-8000-0000000000d3"
)

// walkCloud is one object of every cloud kind: a sim hypervisor; a
// package (and a second one to resize to); an imported dataset with a
// net0; a network with one range the VM uses and a spare range; a
// stopped VM with a snapshot and a NIC of known MAC; a cluster and a
// stack; a DTrace script. Each map-like field holds a/b = "c".
type walkCloud struct {
	hv, pkg, pkg2, dataset, network, vmRange, spareRange string
	vm, snap, mac, cluster, stack, dtrace                string
}

func newWalkCloud(t *testing.T, e *env, org string) walkCloud {
	t.Helper()
	ctx := context.Background()
	w := e.world
	c := w.cloud
	wc := walkCloud{hv: walkHV, dataset: walkDataset}
	var err error
	w.addHost(t, walkHV, 8192, walkDataset)
	wc.pkg, err = c.CreatePackage(ctx, cloud.PackageSpec{Name: "walk-small", RAM: 256, CPUCap: 100, Quota: 5})
	must(t, err)
	wc.pkg2, err = c.CreatePackage(ctx, cloud.PackageSpec{Name: "walk-mid", RAM: 512, CPUCap: 100, Quota: 5})
	must(t, err)
	m := cloud.Manifest{UUID: walkDataset, Name: "walk-base", Version: "1", OS: "smartos"}
	m.Requirements.Networks = append(m.Requirements.Networks, struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}{"net0", "public"})
	must(t, c.CreateDataset(ctx, m))
	must(t, c.SetDatasetStatus(ctx, walkDataset, cloud.DatasetImported, 1))
	wc.network, err = c.CreateNetwork(ctx, "walk-net")
	must(t, err)
	wc.vmRange, err = c.CreateIPRange(ctx, cloud.IPRangeSpec{Name: "walk-range", Network: "10.1.0.0", Netmask: "255.255.255.0",
		Gateway: "10.1.0.1", First: "10.1.0.10", Last: "10.1.0.250", Tag: "external"})
	must(t, err)
	must(t, c.AddNetworkIPRange(ctx, wc.network, wc.vmRange))
	wc.spareRange, err = c.CreateIPRange(ctx, cloud.IPRangeSpec{Name: "walk-spare", Network: "10.2.0.0", Netmask: "255.255.255.0",
		Gateway: "10.2.0.1", First: "10.2.0.10", Last: "10.2.0.20", Tag: "external"})
	must(t, err)
	wc.vm, err = w.api.CreateVM(ctx, e.adminID, vms.CreateRequest{Package: wc.pkg, Dataset: walkDataset,
		Config: vms.Config{Alias: "walk", Networks: map[string]string{"net0": wc.network}}}, false)
	must(t, err)
	vm, err := w.vms.Get(ctx, wc.vm)
	must(t, err)
	if vm.State != "running" {
		t.Fatalf("walk vm %s: %s (%s)", wc.vm, vm.State, vm.Error)
	}
	must(t, w.vms.Action(ctx, wc.vm, "stop", false))
	wc.snap, err = w.vms.Snapshot(ctx, wc.vm, "walk")
	must(t, err)
	wc.mac, err = w.vms.AddNIC(ctx, wc.vm, wc.network)
	must(t, err)
	wc.cluster, err = c.CreateGrouping(ctx, "walk-cluster", cloud.GroupingCluster)
	must(t, err)
	wc.stack, err = c.CreateGrouping(ctx, "walk-stack", cloud.GroupingStack)
	must(t, err)
	wc.dtrace, err = c.CreateDTrace(ctx, "walk-dtrace", "syscall:::entry { @[execname] = count(); }", nil)
	must(t, err)
	ab := []string{"a", "b"}
	for k, id := range map[cloud.Kind]string{cloud.Hypervisors: wc.hv, cloud.VMs: wc.vm, cloud.Datasets: wc.dataset,
		cloud.Packages: wc.pkg, cloud.Networks: wc.network, cloud.IPRanges: wc.spareRange, cloud.Groupings: wc.cluster,
		cloud.DTraces: wc.dtrace} {
		must(t, c.SetMetadata(ctx, k, id, ab, "c"))
	}
	must(t, c.SetCharacteristic(ctx, wc.hv, ab, "c"))
	must(t, c.SetGroupingConfig(ctx, wc.cluster, ab, "c"))
	return wc
}

// walkCloudBodies are valid bodies of the cloud operations, for API
// version v.
func walkCloudBodies(f *walkFixture, v string) map[string]any {
	wc := f.cloud
	create := map[string]any{"package": wc.pkg, "dataset": walkDataset,
		"config": map[string]any{"alias": "walker" + v, "networks": map[string]string{"net0": wc.network}}}
	return map[string]any{
		"setHypervisorConfig":             map[string]any{"alias": "walked"},
		"setHypervisorCharacteristic":     map[string]any{"k": "v"},
		"setHypervisorCharacteristicPath": map[string]any{"k": "v"},
		"setHypervisorMetadata":           map[string]any{"k": "v"},
		"setHypervisorMetadataPath":       map[string]any{"k": "v"},
		"changeHypervisorService":         map[string]any{"action": "restart", "service": "svc:/network/ssh:default"},

		"createVM":           create,
		"dryRunVM":           create,
		"deleteVM":           map[string]any{},
		"changeVMState":      map[string]any{"action": "start"},
		"updateVMConfig":     map[string]any{"alias": "walked", "set_routes": []map[string]string{{"10.9.0.0/16": "10.1.0.1"}}},
		"resizeVM":           map[string]any{"package": wc.pkg2},
		"setVMOwner":         map[string]any{"org": f.org},
		"changeVMService":    map[string]any{"action": "restart", "service": "svc:/network/ssh:default"},
		"addVMNIC":           map[string]any{"network": wc.network},
		"setVMNICPrimary":    map[string]any{"primary": true},
		"createVMSnapshot":   map[string]any{"comment": "walk"},
		"rollbackVMSnapshot": map[string]any{"action": "rollback"},
		"createVMBackup":     map[string]any{"comment": "walk"},
		"restoreVMBackup":    map[string]any{"action": "rollback"},
		"addVMFWRule": map[string]any{"action": "allow", "direction": "inbound", "protocol": "tcp", "target": "all",
			"filters": []int{22}},
		"setVMMetadata":     map[string]any{"k": "v"},
		"setVMMetadataPath": map[string]any{"k": "v"},

		"createDataset":          map[string]any{"url": f.world.imageURL(walkImport)},
		"putDatasetManifest":     map[string]any{"name": "walk-manifest", "version": "1", "os": "smartos"},
		"postDatasetManifest":    map[string]any{"name": "walk-manifest", "version": "1", "os": "smartos"},
		"setDatasetNetwork":      map[string]any{"description": "public"},
		"setDatasetMetadata":     map[string]any{"k": "v"},
		"setDatasetMetadataPath": map[string]any{"k": "v"},

		"createPackage": map[string]any{"name": "walker" + v, "ram": 128, "cpu_cap": 50,
			"requirements": []any{map[string]any{"weight": "must", "condition": ">=", "attribute": "resources.free-memory", "value": 64}}},
		"setPackageMetadata":     map[string]any{"k": "v"},
		"setPackageMetadataPath": map[string]any{"k": "v"},

		"createNetwork":          map[string]any{"name": "walker" + v},
		"setNetworkMetadata":     map[string]any{"k": "v"},
		"setNetworkMetadataPath": map[string]any{"k": "v"},

		"createIPRange": map[string]any{"name": "walker" + v, "network": "10.3.0.0", "netmask": "255.255.255.0",
			"gateway": "10.3.0.1", "first": "10.3.0.10", "last": "10.3.0.20", "tag": "external", "vlan": 0},
		"setIPRangeMetadata":     map[string]any{"k": "v"},
		"setIPRangeMetadataPath": map[string]any{"k": "v"},

		"createGrouping":          map[string]any{"name": "walker" + v, "type": "cluster"},
		"setGroupingConfig":       map[string]any{"k": "v"},
		"setGroupingConfigPath":   map[string]any{"k": "v"},
		"setGroupingMetadata":     map[string]any{"k": "v"},
		"setGroupingMetadataPath": map[string]any{"k": "v"},

		"createDTrace":          map[string]any{"name": "walker" + v, "script": "BEGIN { exit(0); }", "config": map[string]any{"n": 1}},
		"updateDTrace":          map[string]any{"script": "BEGIN { exit(1); }"},
		"setDTraceMetadata":     map[string]any{"k": "v"},
		"setDTraceMetadataPath": map[string]any{"k": "v"},
	}
}
