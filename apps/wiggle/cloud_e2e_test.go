package wiggle

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// TestCloudEndToEnd drives sniffle through wiggle over real HTTP: an
// admin creates a package, imports a dataset from an IMGAPI server,
// makes a network with an IP range and creates VMs; a VM exists at once
// (pooled while another create holds the runner, 423 on delete while it
// is created) and reaches running with an address of the range; stop,
// start, reboot, snapshot, rollback and resize work; deleting frees the
// address and the host's memory; the VM's events arrive.
func TestCloudEndToEnd(t *testing.T) {
	w := newCloudE2E(t)
	tok := w.token

	// The cloud is connected.
	var conn map[string]int
	w.get("/cloud/connection", &conn)
	if conn["sniffle"] != 1 {
		t.Fatalf("connection %v", conn)
	}
	var hvs []string
	w.get("/hypervisors", &hvs)
	if len(hvs) != 2 {
		t.Fatalf("hypervisors %v", hvs)
	}

	// Package, dataset (imported from the IMGAPI server), network and range.
	small := w.created(w.do("POST", "/packages", tok, map[string]any{"name": "small", "ram": 1024, "cpu_cap": 100, "quota": 10}), "packages")
	big := w.created(w.do("POST", "/packages", tok, map[string]any{"name": "big", "ram": 2048, "cpu_cap": 200, "quota": 20}), "packages")
	w.must(w.do("PUT", "/packages/"+small, tok, nil), http.StatusBadRequest) // immutable
	ds := w.created(w.do("POST", "/datasets", tok, map[string]any{"url": w.imgapi.URL + "/images/" + e2eImage}), "datasets")
	if ds != e2eImage {
		t.Fatalf("imported dataset %s, want %s", ds, e2eImage)
	}
	var dataset struct {
		Status   string  `json:"status"`
		Imported float64 `json:"imported"`
		Name     string  `json:"name"`
	}
	w.eventually("the dataset imported", func() bool {
		w.get("/datasets/"+ds, &dataset)
		return dataset.Status == cloud.DatasetImported
	})
	if dataset.Imported != 1 || dataset.Name != "base-64-e2e" {
		t.Fatalf("dataset %+v", dataset)
	}
	if ev := w.seen(ds); len(ev) < 2 || ev[len(ev)-1].event != "progress" {
		t.Fatalf("dataset events %v", ev)
	}
	net := w.created(w.do("POST", "/networks", tok, map[string]string{"name": "public"}), "networks")
	rng := w.created(w.do("POST", "/ipranges", tok, map[string]any{"name": "public-1", "network": "10.20.0.0",
		"netmask": "255.255.255.0", "gateway": "10.20.0.1", "first": "10.20.0.100", "last": "10.20.0.109", "tag": "external"}), "ipranges")
	w.must(w.do("PUT", "/networks/"+net+"/ipranges/"+rng, tok, nil), http.StatusNoContent)

	// Create two VMs: the first is held at the hypervisor (its create
	// waits at the gate), so the second stays pooled.
	body := func(alias string) map[string]any {
		return map[string]any{"package": small, "dataset": ds,
			"config": map[string]any{"alias": alias, "networks": map[string]string{"net0": net}}}
	}
	a := w.created(w.do("POST", "/vms", tok, body("web-a")), "vms")
	w.eventually("the first create at the hypervisor", func() bool { return w.vm(a).State == "creating" })
	b := w.created(w.do("POST", "/vms", tok, body("web-b")), "vms")
	if v := w.vm(b); v.State != "pooled" || !v.Creating || v.Hypervisor != "pooled" {
		t.Fatalf("second vm right after its create: %+v", v)
	}
	w.must(w.do("DELETE", "/vms/"+a, tok, nil), http.StatusLocked)
	w.must(w.do("DELETE", "/vms/"+b, tok, nil), http.StatusLocked)
	w.gate.open()
	var va vmView
	for _, id := range []string{a, b} {
		w.eventually("vm "+id+" running", func() bool { va = w.vm(id); return va.State == "running" })
	}
	va = w.vm(a)
	if nics := va.nics(); len(nics) != 1 || va.IPRanges[nics[0].IP] != rng {
		t.Fatalf("vm a's networks %s, ranges %v", va.Config.Networks, va.IPRanges)
	}
	ip := va.nics()[0].IP
	if h, err := w.cloud.LeaseHolder(w.ctx, rng, ip); err != nil || h != a {
		t.Fatalf("lease of %s: %q %v", ip, h, err)
	}
	hv := va.Hypervisor
	before := w.provisioned(hv)

	// Dry runs: one more VM fits, one of a huge package does not.
	w.must(w.do("PUT", "/vms/dry_run", tok, body("dry")), http.StatusCreated)
	huge := w.created(w.do("POST", "/packages", tok, map[string]any{"name": "huge", "ram": 1 << 20, "cpu_cap": 100}), "packages")
	dry := body("dry")
	dry["package"] = huge
	w.must(w.do("PUT", "/vms/dry_run", tok, dry), http.StatusBadRequest)

	// State changes.
	state := func(action string, want string) {
		t.Helper()
		w.must(w.do("PUT", "/vms/"+a+"/state", tok, map[string]any{"action": action}), http.StatusNoContent)
		w.eventually("vm a "+want, func() bool { return w.vm(a).State == want })
	}
	state("stop", "stopped")
	w.must(w.do("POST", "/vms/"+a+"/nics", tok, map[string]string{"network": net}), http.StatusSeeOther)
	state("start", "running")
	w.must(w.do("POST", "/vms/"+a+"/nics", tok, map[string]string{"network": net}), http.StatusPreconditionFailed)
	state("reboot", "running")

	// Snapshot, rollback (stopped only).
	w.must(w.do("POST", "/vms/"+a+"/snapshots", tok, map[string]string{"comment": "before"}), http.StatusSeeOther)
	va = w.vm(a)
	if len(va.Snapshots) != 1 {
		t.Fatalf("snapshots %v", va.Snapshots)
	}
	var snap string
	for id := range va.Snapshots {
		snap = id
	}
	w.must(w.do("PUT", "/vms/"+a+"/snapshots/"+snap, tok, map[string]string{"action": "rollback"}), http.StatusPreconditionFailed)
	state("stop", "stopped")
	w.must(w.do("PUT", "/vms/"+a+"/snapshots/"+snap, tok, map[string]string{"action": "rollback"}), http.StatusNoContent)
	w.must(w.do("DELETE", "/vms/"+a+"/snapshots/"+snap, tok, nil), http.StatusNoContent)
	state("start", "running")

	// Resize: the host's provisioned memory follows.
	w.must(w.do("PUT", "/vms/"+a+"/package", tok, map[string]string{"package": big}), http.StatusNoContent)
	if got := w.vm(a).Package; got != big {
		t.Fatalf("package after resize %s", got)
	}
	if after := w.provisioned(hv); after != before+1024 {
		t.Fatalf("provisioned memory %d after resize, %d before", after, before)
	}

	// Delete: the VM is gone, its addresses and memory are free.
	w.must(w.do("DELETE", "/vms/"+a, tok, nil), http.StatusNoContent)
	w.eventually("vm a gone", func() bool { return w.do("GET", "/vms/"+a, tok, nil).status == http.StatusNotFound })
	for _, n := range va.nics() {
		if _, err := w.cloud.LeaseHolder(w.ctx, rng, n.IP); !errors.Is(err, cloud.ErrNotFound) {
			t.Fatalf("address %s still leased: %v", n.IP, err)
		}
	}
	if after := w.provisioned(hv); after != before-1024 {
		t.Fatalf("provisioned memory %d after delete, %d before (with a 1024 MB vm)", after, before)
	}
	var ids []string
	w.get("/vms", &ids)
	if !slices.Equal(ids, []string{b}) {
		t.Fatalf("vms after delete %v", ids)
	}

	// The VM's events arrived: its states, its hypervisor, its end.
	var states []string
	kinds := map[string]bool{}
	for _, e := range w.seen(a) {
		kinds[e.event] = true
		if e.event == "state" {
			states = append(states, e.data.(string))
		}
	}
	for _, want := range []string{"placing", "fetching_server", "running", "stopped", "deleting"} {
		if !slices.Contains(states, want) {
			t.Errorf("no state event %q in %v", want, states)
		}
	}
	for _, k := range []string{"update", "log", "snapshot", "delete"} {
		if !kinds[k] {
			t.Errorf("no %q event for vm a (%v)", k, kinds)
		}
	}
}
