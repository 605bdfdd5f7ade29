package rest

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
)

// TestCloudRoutesWithoutSniffle: without a Cloud the cloud routes check
// the token and permission, then answer 503; the cloud status says so.
func TestCloudRoutesWithoutSniffle(t *testing.T) {
	e := newEnv(t)
	e.must(e.do("GET", "/api/2/vms", "", nil), http.StatusUnauthorized)
	_, plain := e.newUser("plain", "plain-pw")
	e.must(e.do("GET", "/api/2/vms", plain, nil), http.StatusForbidden)
	e.mu.Lock()
	e.validate = false // a 503 is the point here
	e.mu.Unlock()
	if r := e.must(e.do("GET", "/api/2/vms", e.adminToken, nil), http.StatusServiceUnavailable); r.errorCode(t) != codeUnavailable {
		t.Fatalf("code %s", r.body)
	}
	e.mu.Lock()
	e.validate = true
	e.mu.Unlock()
	var conn cloudConnectionJSON
	e.must(e.do("GET", "/api/2/cloud/connection", "", nil), 200).json(t, &conn)
	if conn.Sniffle != 0 || conn.Snarl != 1 {
		t.Fatalf("connection %+v", conn)
	}
	var st cloudJSON
	e.must(e.do("GET", "/api/2/cloud", e.adminToken, nil), 200).json(t, &st)
	if len(st.Warnings) != 1 || st.Warnings[0].Category != "sniffle" {
		t.Fatalf("status %+v", st)
	}
}

// cloudSetup is a cloud env with a host, a package, an imported dataset
// and a network with one range of ten addresses, made through the API.
type cloudSetup struct {
	*env
	pkg, network, rng string
}

const setupImage = "00000000-0000-4000-8000-0000000000f1"

func newCloudSetup(t testing.TB) *cloudSetup {
	t.Helper()
	e := newCloudEnv(t)
	e.world.addHost(t, walkHV, 8192, setupImage)
	s := &cloudSetup{env: e}
	tok := e.adminToken
	s.pkg = e.created(e.do("POST", "/api/2/packages", tok, map[string]any{"name": "small", "ram": 512, "cpu_cap": 100}), "2", "packages")
	ds := e.created(e.do("POST", "/api/2/datasets", tok, map[string]any{"url": e.world.imageURL(setupImage)}), "2", "datasets")
	if ds != setupImage {
		t.Fatalf("dataset %s", ds)
	}
	e.world.waitImports()
	var d datasetJSON
	e.must(e.do("GET", "/api/2/datasets/"+ds, tok, nil), 200).json(t, &d)
	if d.Status != cloud.DatasetImported || d.Imported != 1 || d.ImageSize != int64(len(imageFile)) {
		t.Fatalf("dataset %+v", d)
	}
	s.network = e.created(e.do("POST", "/api/2/networks", tok, map[string]any{"name": "public"}), "2", "networks")
	s.rng = e.created(e.do("POST", "/api/2/ipranges", tok, map[string]any{"name": "r", "network": "10.5.0.0",
		"netmask": "255.255.255.0", "gateway": "10.5.0.1", "first": "10.5.0.10", "last": "10.5.0.19", "tag": "external"}), "2", "ipranges")
	e.must(e.do("PUT", "/api/2/networks/"+s.network+"/ipranges/"+s.rng, tok, nil), 204)
	return s
}

func (s *cloudSetup) vmBody(alias string, extra map[string]any) map[string]any {
	cfg := map[string]any{"alias": alias, "networks": map[string]string{"net0": s.network}}
	for k, v := range extra {
		cfg[k] = v
	}
	return map[string]any{"package": s.pkg, "dataset": setupImage, "config": cfg}
}

// TestVMPermissionsAndLists: a user allowed to create VMs sees and
// controls only his own; requirements are kept only with
// cloud/vms/advanced_create; full lists and msgpack work on VMs.
func TestVMPermissionsAndLists(t *testing.T) {
	s := newCloudSetup(t)
	e := s.env
	bob, bobTok := e.newUser("bob", "bob-pw")
	// Placement needs hypervisors/<hv>/create of the creator (fifo.md §5.2
	// step 9).
	for _, p := range []string{"cloud/vms/create", "cloud/vms/list", "hypervisors/_/create"} {
		e.must(e.do("PUT", "/api/2/users/"+bob+"/permissions/"+p, e.adminToken, nil), 204)
	}
	rule := []any{map[string]any{"weight": "must", "condition": ">=", "attribute": "resources.free-memory", "value": 1}}
	mine := e.created(e.do("POST", "/api/2/vms", bobTok, s.vmBody("bobs", map[string]any{"requirements": rule})), "2", "vms")
	theirs := e.created(e.do("POST", "/api/2/vms", e.adminToken, s.vmBody("admins", nil)), "2", "vms")

	var ids []string
	e.must(e.do("GET", "/api/2/vms", bobTok, nil), 200).json(t, &ids)
	if !slices.Equal(ids, []string{mine}) {
		t.Fatalf("bob lists %v, want only %s", ids, mine)
	}
	e.must(e.do("GET", "/api/2/vms", e.adminToken, nil), 200).json(t, &ids)
	if len(ids) != 2 {
		t.Fatalf("admin lists %v", ids)
	}
	var full []map[string]any
	e.must(e.do("GET", "/api/2/vms?full-list=true&full-list-fields=uuid,state", bobTok, nil), 200).json(t, &full)
	if len(full) != 1 || full[0]["uuid"] != mine || full[0]["state"] != "running" || len(full[0]) != 2 {
		t.Fatalf("bob's full list %v", full)
	}
	e.must(e.do("GET", "/api/2/vms/"+theirs, bobTok, nil), 403)
	e.must(e.do("PUT", "/api/2/vms/"+theirs+"/state", bobTok, map[string]any{"action": "stop"}), 403)
	e.must(e.do("PUT", "/api/2/vms/"+mine+"/state", bobTok, map[string]any{"action": "stop"}), 204)

	// Without cloud/vms/advanced_create the requirements were dropped.
	var vm vmJSON
	e.must(e.do("GET", "/api/2/vms/"+mine, bobTok, nil), 200).json(t, &vm)
	if _, ok := vm.Config["requirements"]; ok || vm.State != "stopped" || vm.CreatedBy != bob {
		t.Fatalf("bob's vm %+v", vm)
	}
	e.must(e.do("PUT", "/api/2/users/"+bob+"/permissions/cloud/vms/advanced_create", e.adminToken, nil), 204)
	adv := e.created(e.do("POST", "/api/2/vms", bobTok, s.vmBody("advanced", map[string]any{"requirements": rule})), "2", "vms")
	r := e.must(e.do("GET", "/api/2/vms/"+adv, bobTok, nil, "Accept: application/x-msgpack"), 200)
	var packed map[string]any
	must(t, msgpack.Unmarshal(r.body, &packed))
	if reqs, _ := packed["config"].(map[string]any)["requirements"].([]any); len(reqs) != 1 {
		t.Fatalf("advanced vm config %v", packed["config"])
	}

	// A VM being created: 423. Store is not supported.
	ctx := context.Background()
	pooled, err := e.world.vms.Register(ctx, e.adminID, vms.CreateRequest{Package: s.pkg, Dataset: setupImage,
		Config: vms.Config{Alias: "pooled", Networks: map[string]string{"net0": s.network}}}, false)
	must(t, err)
	if r := e.must(e.do("DELETE", "/api/2/vms/"+pooled, e.adminToken, nil), 423); r.errorCode(t) != codeLocked {
		t.Fatalf("code %s", r.body)
	}
	e.must(e.do("DELETE", "/api/2/vms/"+mine, e.adminToken, map[string]string{"location": "hypervisor"}), 400)
	// Config changes outside the schema, an unknown org.
	e.must(e.do("PUT", "/api/2/vms/"+mine+"/config", e.adminToken, map[string]any{"remove_nics": []string{"x"}}), 400)
	e.must(e.do("PUT", "/api/2/vms/"+mine+"/config", e.adminToken, map[string]any{"hostname": "bob.example"}), 204)
	e.must(e.do("PUT", "/api/2/vms/"+mine+"/owner", e.adminToken, map[string]any{"org": nobodyID}), 404)
	// Deleting bob's VM revokes his grants on it.
	e.must(e.do("DELETE", "/api/2/vms/"+mine, bobTok, nil), 204)
	e.must(e.do("GET", "/api/2/vms/"+mine, e.adminToken, nil), 404)
	e.must(e.do("GET", "/api/2/vms", bobTok, nil), 200).json(t, &ids)
	if !slices.Equal(ids, []string{adv}) {
		t.Fatalf("bob lists %v after the delete", ids)
	}
}

// TestDatasetsIPRangesGroupings: manifests, imports and their 409,
// claims until exhausted and releases, the grouping_create trigger,
// package checks, hypervisor config.
func TestDatasetsIPRangesGroupings(t *testing.T) {
	s := newCloudSetup(t)
	e, tok := s.env, s.adminToken

	// Manifests: an existing dataset is 400, a new one pending (201).
	e.must(e.do("PUT", "/api/2/datasets/"+setupImage, tok, map[string]any{"name": "again"}), 400)
	fresh := "00000000-0000-4000-8000-0000000000f2"
	e.must(e.do("PUT", "/api/2/datasets/"+fresh, tok, map[string]any{"uuid": setupImage, "name": "x"}), 400)
	e.must(e.do("PUT", "/api/2/datasets/"+fresh, tok, map[string]any{"name": "fresh", "os": "linux"}), 201)
	var d datasetJSON
	e.must(e.do("GET", "/api/2/datasets/"+fresh, tok, nil), 200).json(t, &d)
	if d.Status != cloud.DatasetPending || d.Name != "fresh" || d.Type != "kvm" {
		t.Fatalf("dataset %+v", d)
	}
	e.must(e.do("POST", "/api/2/datasets", tok, map[string]any{"url": e.world.imageURL(setupImage)}), 409)
	e.must(e.do("POST", "/api/2/datasets", tok, map[string]any{"url": "ftp://nowhere/x"}), 400)
	must(t, e.world.cloud.SetDatasetStatus(context.Background(), fresh, cloud.DatasetImporting, 0.5))
	e.must(e.do("DELETE", "/api/2/datasets/"+fresh, tok, nil), 409)

	// Claims: the lowest free address until none is left (409).
	var first leaseJSON
	e.must(e.do("PUT", "/api/2/ipranges/"+s.rng, tok, nil), 200).json(t, &first)
	if first.IP != "10.5.0.10" || first.Gateway != "10.5.0.1" || first.Tag != "external" {
		t.Fatalf("lease %+v", first)
	}
	for i := 1; i < 10; i++ {
		e.must(e.do("PUT", "/api/2/ipranges/"+s.rng, tok, nil), 200)
	}
	e.must(e.do("PUT", "/api/2/ipranges/"+s.rng, tok, nil), 409)
	e.must(e.do("DELETE", "/api/2/ipranges/"+s.rng, tok, nil), 409)
	e.must(e.do("DELETE", "/api/2/ipranges/"+s.rng+"/10.5.0.10", tok, nil), 204)
	var again leaseJSON
	e.must(e.do("PUT", "/api/2/ipranges/"+s.rng, tok, nil), 200).json(t, &again)
	if again.IP != "10.5.0.10" {
		t.Fatalf("after release %+v", again)
	}
	// A VM now finds no address: it fails, and says why.
	vm := e.created(e.do("POST", "/api/2/vms", tok, s.vmBody("nowhere", nil)), "2", "vms")
	var v vmJSON
	e.must(e.do("GET", "/api/2/vms/"+vm, tok, nil), 200).json(t, &v)
	if v.State != vms.StateFailed || v.Error == "" {
		t.Fatalf("vm without addresses %+v", v)
	}
	e.must(e.do("PUT", "/api/2/vms/dry_run", tok, s.vmBody("dry", nil)), 400)

	// grouping_create triggers of the creator's active org.
	var me userJSON
	e.must(e.do("GET", "/api/2/sessions", tok, nil), 200).json(t, &me)
	role := e.created(e.do("POST", "/api/2/roles", tok, map[string]string{"name": "watchers"}), "2", "roles")
	e.must(e.do("POST", "/api/2/orgs/"+me.Org+"/triggers/grouping_create", tok,
		map[string]any{"action": "role_grant", "base": "groupings", "permission": []string{"get"}, "target": role}), 303)
	g := e.created(e.do("POST", "/api/2/groupings", tok, map[string]string{"name": "web", "type": "cluster"}), "2", "groupings")
	var rj roleJSON
	e.must(e.do("GET", "/api/2/roles/"+role, tok, nil), 200).json(t, &rj)
	if !slices.ContainsFunc(rj.Permissions, func(p []string) bool { return slices.Equal(p, []string{"groupings", g, "get"}) }) {
		t.Fatalf("role permissions %v", rj.Permissions)
	}
	e.must(e.do("PUT", "/api/2/groupings/"+g+"/config", tok, map[string]any{"spread": 2}), 204)
	var gj groupingJSON
	e.must(e.do("GET", "/api/2/groupings/"+g, tok, nil), 200).json(t, &gj)
	if gj.Type != cloud.GroupingCluster || gj.Config["spread"] != float64(2) {
		t.Fatalf("grouping %+v", gj)
	}

	// Packages: unique names, valid requirements.
	e.must(e.do("POST", "/api/2/packages", tok, map[string]any{"name": "small", "ram": 1, "cpu_cap": 1}), 409)
	e.must(e.do("POST", "/api/2/packages", tok, map[string]any{"name": "bad", "ram": 1, "cpu_cap": 1,
		"requirements": []any{map[string]any{"weight": "must", "condition": "??", "attribute": "x", "value": 1}}}), 400)

	// Hypervisor topology path and characteristics.
	e.must(e.do("PUT", "/api/2/hypervisors/"+walkHV+"/config", tok, map[string]any{"path": []any{map[string]any{"name": "rack1", "cost": 2}}}), 204)
	e.must(e.do("PUT", "/api/2/hypervisors/"+walkHV+"/characteristics", tok, map[string]any{"ssd": true}), 204)
	var h hypervisorJSON
	e.must(e.do("GET", "/api/2/hypervisors/"+walkHV, tok, nil), 200).json(t, &h)
	if len(h.Path) != 1 || h.Path[0].Name != "rack1" || h.Characteristics["ssd"] != true || h.Resources["total-memory"] != 8192 {
		t.Fatalf("hypervisor %+v", h)
	}
}

// leaseJSON is the Lease schema.
type leaseJSON struct {
	IP, Netmask, Gateway, Tag string
	VLAN                      int64
}
