package vms

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms/vmstest"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// event is one published event.
type event struct{ channel, event string }

type fixture struct {
	*Service
	ctx     context.Context
	cloud   *cloud.Service
	id      *identity.Service
	agents  *vmstest.SimAgents
	user    string
	org     string
	pkg     string
	ds      string
	network string
	ranges  []string

	mu     sync.Mutex
	events []event
}

const datasetUUID = "0f9b8c2e-1d2a-4c1e-9a51-6c8f2b7d4e10"

// newFixture: a creator with an active org, a package of ramMB, an
// imported dataset, a network of two IP ranges (sizes given), and n sim
// hypervisors with hvMemMB each.
func newFixture(t *testing.T, n int, hvMemMB, ramMB int64, rangeSizes ...int) *fixture {
	t.Helper()
	ctx := context.Background()
	st := recstore.NewMemory(record.StoreCodec{})
	id, err := identity.New(st, identity.Options{Password: credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	cl := cloud.New(st, cloud.Options{})
	f := &fixture{ctx: ctx, cloud: cl, id: id, agents: vmstest.New(cl)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.user, err = id.CreateUser(ctx, identity.Session{}, "alice", "pw")
	must(err)
	f.org, err = id.CreateOrg(ctx, "acme")
	must(err)
	must(id.JoinOrg(ctx, f.user, f.org, true))
	must(id.Grant(ctx, identity.Users, f.user, []string{"hypervisors", "_", "create"}))
	f.pkg, err = cl.CreatePackage(ctx, cloud.PackageSpec{Name: "small", RAM: ramMB, CPUCap: 100, Quota: 10})
	must(err)
	must(cl.CreateDataset(ctx, cloud.Manifest{UUID: datasetUUID, Name: "base", OS: "smartos"}))
	must(cl.SetDatasetStatus(ctx, datasetUUID, cloud.DatasetImported, 1))
	f.ds = datasetUUID
	f.network, err = cl.CreateNetwork(ctx, "public")
	must(err)
	for i, size := range rangeSizes {
		r, err := cl.CreateIPRange(ctx, cloud.IPRangeSpec{Name: fmt.Sprint("r", i), Network: fmt.Sprintf("10.%d.0.0", i),
			Netmask: "255.255.0.0", Gateway: fmt.Sprintf("10.%d.0.1", i), First: fmt.Sprintf("10.%d.1.0", i),
			Last: cloud.FormatIPv4(mustIP(t, fmt.Sprintf("10.%d.1.0", i)) + uint32(size) - 1), Tag: "external"})
		must(err)
		must(cl.AddNetworkIPRange(ctx, f.network, r))
		f.ranges = append(f.ranges, r)
	}
	for i := range n {
		hv := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		_, err := f.agents.AddHost(ctx, sim.Options{UUID: hv, Hostname: fmt.Sprint("hv", i), MemoryMB: hvMemMB,
			Images: []driver.Image{{UUID: datasetUUID, Type: "zone-dataset", OS: "smartos"}}})
		must(err)
	}
	f.Service = New(Deps{Cloud: cl, Identity: id, Agents: f.agents,
		Events: EventsFunc(func(ch, ev string, _ any) {
			f.mu.Lock()
			f.events = append(f.events, event{ch, ev})
			f.mu.Unlock()
		})}, Options{RetryDelay: time.Millisecond, MaxRetries: 2})
	f.agents.OnState = f.Service.AgentState
	return f
}

func mustIP(t *testing.T, s string) uint32 {
	ip, err := cloud.ParseIPv4(s)
	if err != nil {
		t.Fatal(err)
	}
	return ip
}

func (f *fixture) request(alias string) CreateRequest {
	return CreateRequest{Package: f.pkg, Dataset: f.ds, Config: Config{Alias: alias, Networks: map[string]string{"net0": f.network}}}
}

// create registers and runs one create.
func (f *fixture) create(t *testing.T, alias string) record.VM {
	t.Helper()
	id, err := f.Register(f.ctx, f.user, f.request(alias), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Run(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	vm, err := f.Get(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return vm
}
