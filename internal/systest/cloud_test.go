package systest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCloudWithChunterProcesses: a control node without simulated
// hypervisors of its own and two `chunter --driver sim` processes that
// join it. Through REST: a package, a dataset imported from an IMGAPI
// server, a network with an IP range, a VM that reaches running with an
// address of the range on a host that installs the image; stop, start,
// reboot, snapshot, rollback, resize and delete work; deleting frees the
// address and the host's memory; the VM's events arrive on the websocket.
func TestCloudWithChunterProcesses(t *testing.T) {
	node := StartNode(t, bins, NodeConfig{})
	var hvs []string
	for range 2 {
		hvs = append(hvs, StartChunter(t, bins, ChunterConfig{Join: []*Node{node}, MemoryMB: 4096}).HV)
	}
	api := node.API()
	WaitFor(t, 30*time.Second, "both hypervisors registered", func() bool {
		var got []string
		api.Get("/hypervisors", &got)
		slices.Sort(got)
		return slices.Equal(got, slices.Sorted(slices.Values(hvs)))
	})
	WaitFor(t, 30*time.Second, "the hypervisors' memory reported", func() bool {
		for _, hv := range hvs {
			if api.Hypervisor(hv).Resources["total-memory"] != 4096 {
				return false
			}
		}
		return true
	})

	imgapi := NewIMGAPI(t)
	cl := SetupCloud(t, api, imgapi.URL, 1024, Range{Name: "r1", Network: "10.30.0.0", Gateway: "10.30.0.1", First: "10.30.0.10", Last: "10.30.0.19"})
	big := api.Create("/packages", `{"name":"big","ram":2048,"cpu_cap":100,"quota":20}`)

	id := api.Create("/vms", cl.VMBody("web"))
	ev := api.Events(id)
	vm := api.WaitVM(id, 60*time.Second, "running", "failed")
	if vm.State != "running" {
		t.Fatalf("vm %+v", vm)
	}
	if !slices.Contains(hvs, vm.Hypervisor) {
		t.Fatalf("vm on %q, not one of %v", vm.Hypervisor, hvs)
	}
	var ip string
	for a, r := range vm.IPRanges {
		if r == cl.Ranges[0] {
			ip = a
		}
	}
	if !strings.HasPrefix(ip, "10.30.0.") || !api.Leased(cl.Ranges[0], ip) {
		t.Fatalf("vm addresses %v", vm.IPRanges)
	}
	hv := vm.Hypervisor
	provisioned := func(want int64) {
		t.Helper()
		WaitFor(t, 30*time.Second, fmt.Sprintf("provisioned memory %d MB on %s", want, hv), func() bool {
			return api.Hypervisor(hv).Resources["provisioned-memory"] == want
		})
	}
	provisioned(1024)

	state := func(action, want string) {
		t.Helper()
		api.Expect(http.StatusNoContent, "PUT", "/vms/"+id+"/state", `{"action":"`+action+`"}`)
		api.WaitVM(id, 30*time.Second, want)
		ev.WaitEvent(id, 30*time.Second, func(e Event) bool { return e.Event == "state" && e.Data == want })
	}
	state("stop", "stopped")
	state("start", "running")
	state("reboot", "running")

	api.Expect(http.StatusSeeOther, "POST", "/vms/"+id+"/snapshots", `{"comment":"before"}`)
	ev.WaitEvent(id, 30*time.Second, func(e Event) bool { return e.Event == "snapshot" })
	vm = api.VM(id)
	if len(vm.Snapshots) != 1 {
		t.Fatalf("snapshots %v", vm.Snapshots)
	}
	var snap string
	for s := range vm.Snapshots {
		snap = s
	}
	api.Expect(http.StatusPreconditionFailed, "PUT", "/vms/"+id+"/snapshots/"+snap, `{"action":"rollback"}`) // running
	state("stop", "stopped")
	api.Expect(http.StatusNoContent, "PUT", "/vms/"+id+"/snapshots/"+snap, `{"action":"rollback"}`)
	state("start", "running")

	api.Expect(http.StatusNoContent, "PUT", "/vms/"+id+"/package", `{"package":"`+big+`"}`)
	if got := api.VM(id).Package; got != big {
		t.Fatalf("package after resize %s", got)
	}
	provisioned(2048)
	WaitFor(t, 30*time.Second, "the VM and its host's memory in /metrics", func() bool {
		m := node.Metrics()
		return strings.Contains(m, `fifo_vms{state="running"} 1`+"\n") && strings.Contains(m, "fifo_hypervisors 2\n") &&
			strings.Contains(m, `fifo_hypervisor_memory_bytes{hypervisor="`+hv+`",kind="provisioned"} 2.147483648e+09`)
	})

	api.Expect(http.StatusNoContent, "DELETE", "/vms/"+id, "")
	ev.WaitEvent(id, 30*time.Second, func(e Event) bool { return e.Event == "delete" })
	WaitFor(t, 30*time.Second, "the vm gone", func() bool { return api.Do("GET", "/vms/"+id, "").Status == http.StatusNotFound })
	WaitFor(t, 30*time.Second, "the address free", func() bool { return !api.Leased(cl.Ranges[0], ip) })
	provisioned(0)
}
