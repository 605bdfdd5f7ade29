package cloud

import (
	"errors"
	"testing"

	"github.com/fifogo/fifo/internal/record"
)

func TestPackages(t *testing.T) {
	s, ctx := newService(t)
	for name, p := range map[string]PackageSpec{
		"no ram":      {Name: "a", CPUCap: 100},
		"no cpu":      {Name: "a", RAM: 512},
		"compression": {Name: "a", RAM: 512, CPUCap: 100, Compression: "zip"},
		"negative":    {Name: "a", RAM: 512, CPUCap: 100, Quota: -1},
		"no name":     {RAM: 512, CPUCap: 100},
	} {
		if _, err := s.CreatePackage(ctx, p); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	id, err := s.CreatePackage(ctx, PackageSpec{Name: "small", RAM: 512, CPUCap: 100, Quota: 10, Org: map[string]int64{"vms": 1}})
	must(t, err)
	if _, err := s.CreatePackage(ctx, PackageSpec{Name: "small", RAM: 1, CPUCap: 1}); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	r, err := s.Get(ctx, Packages, id)
	must(t, err)
	p, err := record.PackageFromRecord(r)
	must(t, err)
	if p.RAM != 512 || p.Compression != "off" || p.OrgResources["vms"] != 1 {
		t.Fatalf("package %+v", p)
	}
	must(t, s.DeletePackage(ctx, id))
}

func TestGroupings(t *testing.T) {
	s, ctx := newService(t)
	c, err := s.CreateGrouping(ctx, "web", GroupingCluster)
	must(t, err)
	st, err := s.CreateGrouping(ctx, "app", GroupingStack)
	must(t, err)
	other, err := s.CreateGrouping(ctx, "misc", "whatever")
	must(t, err)
	if g, _ := s.Grouping(ctx, other); g.GroupingType != GroupingNone {
		t.Fatalf("unknown type kept: %q", g.GroupingType)
	}
	if err := s.AddGroupingElement(ctx, c, "no-such-vm"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cluster member must be a VM: %v", err)
	}
	if err := s.AddGroupingElement(ctx, st, other); !errors.Is(err, ErrInvalid) {
		t.Fatalf("stack member must be a cluster: %v", err)
	}
	must(t, s.AddGroupingElement(ctx, st, c))
	must(t, s.AddGroupingParent(ctx, c, st))
	must(t, s.SetGroupingConfig(ctx, c, []string{"size"}, int64(3)))
	g, err := s.Grouping(ctx, c)
	must(t, err)
	if len(g.Groupings) != 1 || g.Config["size"] != int64(3) {
		t.Fatalf("grouping %+v", g)
	}
	must(t, s.RemoveGroupingElement(ctx, st, c))
	if g, _ := s.Grouping(ctx, st); len(g.Elements) != 0 {
		t.Fatalf("element not removed: %v", g.Elements)
	}
}

func TestHypervisorRegistration(t *testing.T) {
	s, ctx := newService(t)
	must(t, s.RegisterHypervisor(ctx, HostReport{UUID: "hv1", Alias: "first", Host: "10.0.0.5", Networks: []string{"admin"},
		Resources: map[string]int64{"free-memory": 4096, "total-memory": 8192}, Services: map[string]string{"svc:/a": "online"}}))
	must(t, s.RegisterHypervisor(ctx, HostReport{UUID: "hv1", Resources: map[string]int64{"free-memory": 2048}}))
	h, err := s.Hypervisor(ctx, "hv1")
	must(t, err)
	if h.Alias != "first" || h.Host != "10.0.0.5" || h.Resources["free-memory"] != int64(2048) || h.Resources["total-memory"] != int64(8192) {
		t.Fatalf("hypervisor after refresh %+v", h)
	}
	must(t, s.SetHypervisorAlias(ctx, "hv1", "renamed"))
	if err := s.SetHypervisorPath(ctx, "hv1", []record.PathElem{{Name: "", Cost: 1}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad path: %v", err)
	}
	must(t, s.SetHypervisorPath(ctx, "hv1", []record.PathElem{{Name: "rack1", Cost: 1}}))
	must(t, s.SetCharacteristic(ctx, "hv1", []string{"ssd"}, true))
	h, _ = s.Hypervisor(ctx, "hv1")
	if h.Alias != "renamed" || len(h.Path) != 1 || h.Characteristics["ssd"] != true {
		t.Fatalf("hypervisor %+v", h)
	}
	if err := s.RegisterHypervisor(ctx, HostReport{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("no uuid: %v", err)
	}
	must(t, s.UnregisterHypervisor(ctx, "hv1"))
}

const manifest = `{"uuid":"8e7b7bd2-6f6c-11e5-bf3e-7b2b9c3d4ea1","name":"base64","version":"15.3.0","os":"smartos","type":"zone-dataset",
"requirements":{"networks":[{"name":"net0","description":"public"}],"min_platform":{"7.0":"20141030T081701Z"}},
"files":[{"url":"http://x/file","size":1234,"sha1":"abc"}]}`

func TestDatasets(t *testing.T) {
	s, ctx := newService(t)
	if _, err := ParseManifest([]byte(`{"uuid":"nope","name":"x"}`)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad uuid: %v", err)
	}
	if _, err := ParseManifest([]byte(`{`)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad json: %v", err)
	}
	m, err := ParseManifest([]byte(manifest))
	must(t, err)
	must(t, s.CreateDataset(ctx, m))
	if err := s.CreateDataset(ctx, m); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	d, err := s.Dataset(ctx, m.UUID)
	must(t, err)
	if d.DatasetType != "zone" || d.Status != DatasetPending || d.ImageSize != 1234 || len(d.Networks) != 1 || len(d.Requirements) != 1 {
		t.Fatalf("dataset %+v", d)
	}
	must(t, s.SetDatasetStatus(ctx, m.UUID, DatasetImporting, 0.5))
	if err := s.DeleteDataset(ctx, m.UUID); !errors.Is(err, ErrConflict) {
		t.Fatalf("delete while importing: %v", err)
	}
	if err := s.SetDatasetStatus(ctx, m.UUID, "bogus", 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad status: %v", err)
	}
	must(t, s.SetDatasetNetwork(ctx, m.UUID, "net0", "internal"))
	must(t, s.SetDatasetNetwork(ctx, m.UUID, "net1", "storage"))
	d, _ = s.Dataset(ctx, m.UUID)
	if len(d.Networks) != 2 {
		t.Fatalf("networks %+v", d.Networks)
	}
	must(t, s.DeleteDatasetNetwork(ctx, m.UUID, "net1"))
	must(t, s.SetDatasetStatus(ctx, m.UUID, DatasetImported, 1))
	must(t, s.DeleteDataset(ctx, m.UUID))
}

func TestDTraces(t *testing.T) {
	s, ctx := newService(t)
	if _, err := s.CreateDTrace(ctx, "x", "", nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty script: %v", err)
	}
	id, err := s.CreateDTrace(ctx, "syscalls", "syscall:::entry { @[probefunc] = count(); }", map[string]any{"interval": int64(1)})
	must(t, err)
	must(t, s.UpdateDTrace(ctx, id, "profile-97 { @[stack()] = count(); }", map[string]any{"interval": int64(5)}))
	r, err := s.Get(ctx, DTraces, id)
	must(t, err)
	d, err := record.DTraceFromRecord(r)
	must(t, err)
	if d.Script[:7] != "profile" || d.Config["interval"] != int64(5) {
		t.Fatalf("dtrace %+v", d)
	}
	must(t, s.DeleteDTrace(ctx, id))
}
