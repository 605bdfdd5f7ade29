package systest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestClusterVMAcrossNodes: three nodes joined in one settled ring and a
// `chunter --driver sim` agent that prefers a (one registered with b or c
// before the join would make their join refuse: the node's store would
// hold the hypervisor's record, data of its own), the cloud (package,
// dataset from an IMGAPI server, network with a range) made through a's
// REST API. A VM created through a reaches running on the agent's host; through c it is visible with the same host and address, and it
// stops, starts and is deleted there; a websocket on b sees the states c
// asked for and the delete; afterwards no node lists the VM and its
// address is free on every node.
func TestClusterVMAcrossNodes(t *testing.T) {
	c := StartCluster(t, bins, ClusterConfig{Nodes: 3, Chunters: 1})
	a, b, cn := c.Nodes[0], c.Nodes[1], c.Nodes[2]
	joinRing(t, c, true)
	apiA, apiB, apiC := a.API(), b.API(), cn.API()
	hvs := []string{c.Chunters[0].HV}
	for _, api := range []*API{apiA, apiC} {
		WaitFor(t, 60*time.Second, "the hypervisor listed through "+api.Base, func() bool {
			var got []string
			api.Get("/hypervisors", &got)
			return slices.Equal(got, hvs)
		})
	}
	imgapi := NewIMGAPI(t)
	cl := SetupCloud(t, apiA, imgapi.URL, 1024, Range{Name: "r1", Network: "10.50.0.0", Gateway: "10.50.0.1", First: "10.50.0.10", Last: "10.50.0.19"})

	id := apiA.Create("/vms", cl.VMBody("across"))
	ev := apiB.Events(id)
	vm := apiA.WaitVM(id, 90*time.Second, "running", "failed")
	if vm.State != "running" || !slices.Contains(hvs, vm.Hypervisor) {
		t.Fatalf("vm through a: %+v", vm)
	}
	var ip string
	for addr, r := range vm.IPRanges {
		if r == cl.Ranges[0] {
			ip = addr
		}
	}
	if !strings.HasPrefix(ip, "10.50.0.") {
		t.Fatalf("vm addresses %v", vm.IPRanges)
	}
	seen := apiC.WaitVM(id, 30*time.Second, "running")
	if seen.Hypervisor != vm.Hypervisor || seen.IPRanges[ip] != cl.Ranges[0] {
		t.Fatalf("vm through c %+v, through a %+v", seen, vm)
	}
	var list []string
	apiC.Get("/vms", &list)
	if !slices.Contains(list, id) {
		t.Fatalf("c lists vms %v without %s", list, id)
	}

	state := func(action, want string) {
		t.Helper()
		apiC.Expect(http.StatusNoContent, "PUT", "/vms/"+id+"/state", `{"action":"`+action+`"}`)
		apiC.WaitVM(id, 60*time.Second, want)
		ev.WaitEvent(id, 60*time.Second, func(e Event) bool { return e.Event == "state" && e.Data == want })
	}
	state("stop", "stopped")
	state("start", "running")
	apiA.WaitVM(id, 30*time.Second, "running")

	apiC.Expect(http.StatusNoContent, "DELETE", "/vms/"+id, "")
	ev.WaitEvent(id, 60*time.Second, func(e Event) bool { return e.Event == "delete" })
	for _, api := range []*API{apiA, apiB, apiC} {
		WaitFor(t, 60*time.Second, "the vm gone and its address free through "+api.Base, func() bool {
			return api.Do("GET", "/vms/"+id, "").Status == http.StatusNotFound && !api.Leased(cl.Ranges[0], ip)
		})
	}
}
