package systest

import (
	"testing"
	"time"
)

// TestNodeRestartKeepsSimVMs: the all-in-one node's simulated hypervisors
// keep their hosts in the data dir, so a VM created before a restart of
// the node is running after it (not failed for a host that forgot it).
func TestNodeRestartKeepsSimVMs(t *testing.T) {
	node := StartNode(t, bins, NodeConfig{SimHypervisors: 1, Env: []string{"FIFO_SIM_MEMORY_MB=4096"}})
	api := node.API()
	pkg, net := api.Find("/packages", "sample-1g"), api.Find("/networks", "sample")
	id := api.Create("/vms", `{"package":"`+pkg+`","dataset":"5e164fac-286d-11e4-9cf7-b3f73eefcd01",`+
		`"config":{"alias":"keep","networks":{"net0":"`+net+`"}}}`)
	if v := api.WaitVM(id, 60*time.Second, "running", "failed"); v.State != "running" {
		t.Fatalf("vm %+v", v)
	}
	if err := node.Proc.Terminate(30 * time.Second); err != nil {
		t.Fatalf("stop: %v", err)
	}
	node.Start()
	api = node.API()
	// The agent's VM list after the restart settles the VM's state.
	WaitFor(t, 30*time.Second, "the hypervisor back", func() bool {
		var hvs []string
		api.Get("/hypervisors", &hvs)
		return len(hvs) == 1 && api.Hypervisor(hvs[0]).Resources["provisioned-memory"] == 1024
	})
	if v := api.VM(id); v.State != "running" {
		t.Fatalf("vm after the node's restart: %+v", v)
	}
}
