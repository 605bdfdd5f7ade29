package sniffle

import (
	"context"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// A host without the VM's image gets it installed, by the dataset's
// manifest, before the VM is created on it; a second VM needs no second
// install.
func TestCreateInstallsTheImage(t *testing.T) {
	ctx := context.Background()
	node := runtimetest.StartNode(t)
	id, cl, user, req := seed(t)
	svc, err := Build(Deps{Node: node, Cloud: cl, Identity: id}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	app := svc.App("test")
	if err := supervisors.StartApp(sctx, node, app); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { supervisors.StopApp(context.Background(), node, app) })

	hv := "00000000-0000-4000-8000-0000000000aa"
	host, err := sim.New(sim.Options{UUID: hv, MemoryMB: 4096}) // no images
	if err != nil {
		t.Fatal(err)
	}
	a, err := chunter.New(chunter.Options{HV: hv, Driver: host, HeartbeatInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	capp, err := chunter.App("test", a)
	if err != nil {
		t.Fatal(err)
	}
	if err := supervisors.StartApp(sctx, node, capp); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { supervisors.StopApp(context.Background(), node, capp) })
	runtimetest.WaitFor(t, "the hypervisor registered", func() bool {
		ids, _ := cl.List(ctx, cloud.Hypervisors)
		return len(ids) == 1 && len(svc.rcv.Agents()) == 1
	})

	for _, alias := range []string{"first", "second"} {
		r := req
		r.Config.Alias = alias
		vid, err := svc.Create(ctx, user, r, false)
		if err != nil {
			t.Fatal(err)
		}
		var vm record.VM
		runtimetest.WaitFor(t, alias+" running", func() bool {
			vm, err = svc.VMs().Get(ctx, vid)
			return err == nil && (vm.State == string(driver.StateRunning) || vm.State == "failed")
		})
		if vm.State != string(driver.StateRunning) {
			t.Fatalf("%s: state %q error %q", alias, vm.State, vm.Error)
		}
	}
	imgs, err := host.Images(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 1 || imgs[0].UUID != dataset || imgs[0].Type != "zone-dataset" || imgs[0].Name != "base" || imgs[0].OS != "smartos" {
		t.Fatalf("images on the host: %+v", imgs)
	}
}

func TestImageOf(t *testing.T) {
	for _, c := range []struct {
		ds   record.Dataset
		want string
	}{
		{record.Dataset{DatasetType: "zone"}, "zone-dataset"},
		{record.Dataset{DatasetType: "zone", ZoneType: "lx"}, "lx-dataset"},
		{record.Dataset{DatasetType: "zone", ZoneType: "docker"}, "docker"},
		{record.Dataset{DatasetType: "kvm"}, "zvol"},
	} {
		if got := imageOf(c.ds).Type; got != c.want {
			t.Errorf("%+v: %s, want %s", c.ds, got, c.want)
		}
	}
}
