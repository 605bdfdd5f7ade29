package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/supervisors"
)

// benchVMs measures VM creates per second through sniffle's create flow
// with real chunter agents over zero-delay simulated hosts, on the real
// store (synced Pebble), in one node: everything of an all-in-one create
// but the HTTP request. The baseline is the store's synced record writes
// per second in the same run; the store writes a create makes (records,
// names; the services' own, counted at their store) are reported too.
func benchVMs(w io.Writer, dir string, quick bool) error {
	hosts, creates := 100, 2000
	if quick {
		hosts, creates = 10, 200
	}
	sn, err := startStore(filepath.Join(dir, "vms"))
	if err != nil {
		return err
	}
	defer sn.stop()
	ctx := context.Background()

	base, err := storeWritesPerSec(ctx, sn, 2000)
	if err != nil {
		return err
	}

	st := &countingStore{Store: sn.st}
	id, err := identity.New(st, identity.Options{Password: credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}})
	if err != nil {
		return err
	}
	cl := cloud.New(st, cloud.Options{})
	svc, err := sniffle.Build(sniffle.Deps{Node: sn.node, Cloud: cl, Identity: id}, sniffle.Options{Concurrency: 256})
	if err != nil {
		return err
	}
	req, user, err := vmWorld(ctx, id, cl, creates)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := supervisors.StartApp(sctx, sn.node, svc.App("bench")); err != nil {
		return err
	}
	var agents []*chunter.Agent
	for i := range hosts {
		hv := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		d, err := sim.New(sim.Options{UUID: hv, MemoryMB: 1 << 20,
			Images: []driver.Image{{UUID: benchDataset, Type: "zone-dataset", OS: "smartos"}}})
		if err != nil {
			return err
		}
		a, err := chunter.New(chunter.Options{HV: hv, Driver: d, HeartbeatInterval: time.Hour})
		if err != nil {
			return err
		}
		agents = append(agents, a)
	}
	capp, err := chunter.App("bench", agents...)
	if err != nil {
		return err
	}
	if err := supervisors.StartApp(sctx, sn.node, capp); err != nil {
		return err
	}
	for deadline := time.Now().Add(time.Minute); ; {
		ids, _ := cl.List(ctx, cloud.Hypervisors)
		if len(ids) == hosts {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("vms bench: %d of %d hypervisors registered", len(ids), hosts)
		}
		time.Sleep(10 * time.Millisecond)
	}

	start, writes0 := time.Now(), st.writes.Load()
	ids := make([]string, creates)
	var wg sync.WaitGroup
	errs := make(chan error, creates)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := req
			r.Config.Alias = fmt.Sprint("vm", i)
			vid, err := svc.Create(ctx, user, r, false)
			if err != nil {
				errs <- err
				return
			}
			ids[i] = vid
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("vms bench: %w", err)
	}
	failed := 0
	for _, vid := range ids {
		for deadline := time.Now().Add(5 * time.Minute); ; {
			vm, err := svc.VMs().Get(ctx, vid)
			if err == nil && vm.Creating.IsZero() && vm.State != vms.StatePooled {
				if vm.State == vms.StateFailed {
					failed++
				}
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("vms bench: vm %s never settled", vid)
			}
			time.Sleep(time.Millisecond)
		}
	}
	el := time.Since(start)
	rate := float64(creates) / el.Seconds()
	perCreate := float64(st.writes.Load()-writes0) / float64(creates)
	fmt.Fprintf(w, "\nVM creates (sniffle flow + chunter agents over sim hosts, synced store, one node)\n")
	fmt.Fprintf(w, "hypervisors\tcreates\tfailed\ttime\tcreates/s\tstore writes/create\tbaseline store writes/s\tratio\t\n")
	fmt.Fprintf(w, "%d\t%d\t%d\t%s\t%.0f\t%.1f\t%.0f\t%.3f\t\n", hosts, creates, failed, dur(el), rate, perCreate, base, rate/base)
	supervisors.StopApp(ctx, sn.node, capp)
	return supervisors.StopApp(ctx, sn.node, svc.App("bench"))
}

// countingStore counts the writes made through it: every call that
// changes the store (Apply, Delete, ClaimName, ReleaseName) is one synced
// write acknowledged to its caller.
type countingStore struct {
	recstore.Store
	writes atomic.Int64
}

func (c *countingStore) Apply(ctx context.Context, bucket, id string, delta []byte) ([]byte, error) {
	c.writes.Add(1)
	return c.Store.Apply(ctx, bucket, id, delta)
}

func (c *countingStore) Delete(ctx context.Context, bucket, id string) error {
	c.writes.Add(1)
	return c.Store.Delete(ctx, bucket, id)
}

func (c *countingStore) ClaimName(ctx context.Context, bucket, name, id string) error {
	c.writes.Add(1)
	return c.Store.ClaimName(ctx, bucket, name, id)
}

func (c *countingStore) ReleaseName(ctx context.Context, bucket, name, id string) error {
	c.writes.Add(1)
	return c.Store.ReleaseName(ctx, bucket, name, id)
}

const benchDataset = "0f9b8c2e-1d2a-4c1e-9a51-6c8f2b7d4e10"

// vmWorld makes a user with every permission, a package, an imported
// dataset and a network with room for n addresses.
func vmWorld(ctx context.Context, id *identity.Service, cl *cloud.Service, n int) (vms.CreateRequest, string, error) {
	user, err := id.CreateUser(ctx, identity.Session{}, "bench", "pw")
	if err != nil {
		return vms.CreateRequest{}, "", err
	}
	if err := id.Grant(ctx, identity.Users, user, []string{"..."}); err != nil {
		return vms.CreateRequest{}, "", err
	}
	pkg, err := cl.CreatePackage(ctx, cloud.PackageSpec{Name: "tiny", RAM: 128, CPUCap: 100})
	if err != nil {
		return vms.CreateRequest{}, "", err
	}
	if err := cl.CreateDataset(ctx, cloud.Manifest{UUID: benchDataset, Name: "base", OS: "smartos"}); err != nil {
		return vms.CreateRequest{}, "", err
	}
	if err := cl.SetDatasetStatus(ctx, benchDataset, cloud.DatasetImported, 1); err != nil {
		return vms.CreateRequest{}, "", err
	}
	net, err := cl.CreateNetwork(ctx, "bench")
	if err != nil {
		return vms.CreateRequest{}, "", err
	}
	r, err := cl.CreateIPRange(ctx, cloud.IPRangeSpec{Name: "bench", Network: "10.0.0.0", Netmask: "255.255.0.0",
		Gateway: "10.0.0.1", First: "10.0.1.0", Last: cloud.FormatIPv4(0x0a000100 + uint32(n) + 10), Tag: "external"})
	if err != nil {
		return vms.CreateRequest{}, "", err
	}
	if err := cl.AddNetworkIPRange(ctx, net, r); err != nil {
		return vms.CreateRequest{}, "", err
	}
	return vms.CreateRequest{Package: pkg, Dataset: benchDataset, Config: vms.Config{Alias: "vm", Networks: map[string]string{"net0": net}}}, user, nil
}

// storeWritesPerSec is the baseline: synced record writes through the
// store from 64 writers.
func storeWritesPerSec(ctx context.Context, sn *storeNode, n int) (float64, error) {
	ids, recs, err := vmRecords(n)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 64 {
				if _, err := sn.st.Apply(ctx, "vm", ids[i], recs[i]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
