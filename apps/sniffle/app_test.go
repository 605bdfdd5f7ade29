package sniffle

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/apps/sniffle/vms/vmstest"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

const dataset = "0f9b8c2e-1d2a-4c1e-9a51-6c8f2b7d4e10"

type world struct {
	svc    *Service
	agents *vmstest.SimAgents
	user   string
	req    vms.CreateRequest
}

// seed makes the snarl and sniffle services over one in-memory store with
// a user holding every permission, a package, an imported dataset and a
// network with one range of 50 addresses; it returns a create request for
// them.
func seed(t *testing.T) (*identity.Service, *cloud.Service, string, vms.CreateRequest) {
	t.Helper()
	ctx := context.Background()
	st := recstore.NewMemory(record.StoreCodec{})
	id, err := identity.New(st, identity.Options{Password: credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	cl := cloud.New(st, cloud.Options{})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	user, err := id.CreateUser(ctx, identity.Session{}, "alice", "pw")
	must(err)
	must(id.Grant(ctx, identity.Users, user, []string{"..."}))
	pkg, err := cl.CreatePackage(ctx, cloud.PackageSpec{Name: "small", RAM: 256, CPUCap: 100})
	must(err)
	must(cl.CreateDataset(ctx, cloud.Manifest{UUID: dataset, Name: "base", OS: "smartos"}))
	must(cl.SetDatasetStatus(ctx, dataset, cloud.DatasetImported, 1))
	net, err := cl.CreateNetwork(ctx, "public")
	must(err)
	r, err := cl.CreateIPRange(ctx, cloud.IPRangeSpec{Name: "r", Network: "10.0.0.0", Netmask: "255.255.255.0",
		Gateway: "10.0.0.1", First: "10.0.0.10", Last: "10.0.0.59", Tag: "external"})
	must(err)
	must(cl.AddNetworkIPRange(ctx, net, r))
	return id, cl, user, vms.CreateRequest{Package: pkg, Dataset: dataset,
		Config: vms.Config{Alias: "vm", Networks: map[string]string{"net0": net}}}
}

// newWorld: seed's world with hosts sim hypervisors (as vmstest agents)
// whose creates take createDelay.
func newWorld(t *testing.T, hosts int, createDelay time.Duration) *world {
	t.Helper()
	ctx := context.Background()
	id, cl, user, req := seed(t)
	agents := vmstest.New(cl)
	for i := range hosts {
		_, err := agents.AddHost(ctx, sim.Options{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), MemoryMB: 8192,
			Delays: sim.Delays{Create: createDelay}, Images: []driver.Image{{UUID: dataset, Type: "zone-dataset", OS: "smartos"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	v := vms.New(vms.Deps{Cloud: cl, Identity: id, Agents: agents}, vms.Options{RetryDelay: time.Millisecond})
	agents.OnState = v.AgentState
	return &world{svc: New(v, Options{}), agents: agents, user: user, req: req}
}

func startApp(t *testing.T, s *Service) (stop func()) {
	t.Helper()
	node := runtimetest.StartNode(t)
	app := s.App("test")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := supervisors.StartApp(ctx, node, app); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			if err := supervisors.StopApp(context.Background(), node, app); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(stop)
	return stop
}

// settled reports whether no VM is being created, and counts states.
func settled(t *testing.T, s *Service, ids []string) (bool, map[string]int) {
	states := map[string]int{}
	for _, id := range ids {
		vm, err := s.VMs().Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !vm.Creating.IsZero() {
			return false, nil
		}
		states[vm.State]++
	}
	return true, states
}

func TestCreatesRunConcurrently(t *testing.T) {
	w := newWorld(t, 4, 0)
	if _, err := w.svc.Create(context.Background(), w.user, w.req, false); err != ErrNotRunning {
		t.Fatalf("create before the app runs: %v", err)
	}
	startApp(t, w.svc)
	var ids []string
	for i := range 40 {
		req := w.req
		req.Config.Alias = fmt.Sprint("vm", i)
		id, err := w.svc.Create(context.Background(), w.user, req, false)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var states map[string]int
	runtimetest.WaitFor(t, "every create settled", func() bool {
		ok, st := settled(t, w.svc, ids)
		states = st
		return ok
	})
	if states[string(driver.StateRunning)] != 40 {
		t.Fatalf("states %v", states)
	}
}

// TestStopMidCreateLeavesNoVMInTransit: stopping sniffle while creates run
// (slow hosts) fails them; the next start leaves none in a transitional
// state.
func TestStopMidCreateLeavesNoVMInTransit(t *testing.T) {
	w := newWorld(t, 2, 200*time.Millisecond)
	stop := startApp(t, w.svc)
	var ids []string
	for i := range 10 {
		req := w.req
		req.Config.Alias = fmt.Sprint("vm", i)
		id, err := w.svc.Create(context.Background(), w.user, req, false)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	stop()
	startApp(t, w.svc)
	var states map[string]int
	runtimetest.WaitFor(t, "every create settled after the restart", func() bool {
		ok, st := settled(t, w.svc, ids)
		states = st
		return ok
	})
	t.Logf("after the restart: %v", states)
	for state, n := range states {
		if state != string(driver.StateRunning) && state != vms.StateFailed {
			t.Fatalf("%d VMs in state %q after the restart: %v", n, state, states)
		}
	}
}
