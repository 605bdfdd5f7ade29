package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/systest"
)

// The all-in-one node runs sniffle with simulated hypervisors and seeds a
// sample package, dataset and network on its first start: the admin
// creates a VM through REST, it reaches running with an address of the
// sample range, its events arrive on the howl websocket (the VM's
// channel, joined with a one-time token), and deleting it releases the
// address.
func TestVMThroughTheAPI(t *testing.T) {
	env, addr := nodeEnv(t, filepath.Join(t.TempDir(), "data"))
	startNode(t, with(env, "FIFO_ADMIN_PASSWORD=s3cret-admin", "FIFO_SIM_HYPERVISORS=2", "FIFO_SIM_MEMORY_MB=8192"), addr)
	api := systest.Login(t, "http://"+addr, "admin", "s3cret-admin")

	// The seeded cloud, found by name.
	pkg := api.Find("/packages", "sample-1g")
	network := api.Find("/networks", "sample")
	rng := api.Find("/ipranges", "sample")
	var ds struct {
		Status string `json:"status"`
	}
	api.Get("/datasets/5e164fac-286d-11e4-9cf7-b3f73eefcd01", &ds)
	if ds.Status != "imported" {
		t.Fatalf("sample dataset %+v", ds)
	}
	systest.WaitFor(t, 20*time.Second, "two hypervisors", func() bool {
		var hvs []string
		api.Get("/hypervisors", &hvs)
		return len(hvs) == 2
	})

	// Create: 303 to the VM, which exists at once.
	r := api.Do("POST", "/vms", `{"package":"`+pkg+`","dataset":"5e164fac-286d-11e4-9cf7-b3f73eefcd01",`+
		`"config":{"alias":"e2e","networks":{"net0":"`+network+`"}}}`)
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/api/2/vms/") {
		t.Fatalf("create vm: %d %q", r.Status, loc)
	}
	vm := r.Location()
	events := api.Events(vm)

	// Running, with an address of the sample range.
	v := api.WaitVM(vm, 30*time.Second, "running")
	var ip string
	for a, r := range v.IPRanges {
		if r == rng {
			ip = a
		}
	}
	if !strings.HasPrefix(ip, "10.99.0.") || !api.Leased(rng, ip) {
		t.Fatalf("vm addresses %v", v.IPRanges)
	}

	// Stop it: the state arrives on howl.
	api.Expect(http.StatusNoContent, "PUT", "/vms/"+vm+"/state", `{"action":"stop"}`)
	events.WaitEvent(vm, 30*time.Second, func(e systest.Event) bool { return e.Event == "state" && e.Data == "stopped" })

	// Delete: a delete event, the VM gone, the address free.
	api.Expect(http.StatusNoContent, "DELETE", "/vms/"+vm, "")
	events.WaitEvent(vm, 30*time.Second, func(e systest.Event) bool { return e.Event == "delete" })
	api.Expect(http.StatusNotFound, "GET", "/vms/"+vm, "")
	systest.WaitFor(t, 10*time.Second, "the address free", func() bool { return !api.Leased(rng, ip) })
}
