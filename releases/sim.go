package releases

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/chunter/hostid"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/supervisors"
)

// SampleDataset is the image every simulated hypervisor has installed and
// the first start of an all-in-one node imports, so `make run` can create
// VMs at once.
const SampleDataset = "5e164fac-286d-11e4-9cf7-b3f73eefcd01"

// simAgents returns the chunter application running cfg.Sim.Hypervisors
// simulated hypervisors in this node; their uuids are kept under
// <data_dir>/sim/<n>, with the simulated host's state (sim-host.json:
// VMs, snapshots, images), so the hosts and their VMs outlive a restart
// of the node, as real hypervisors outlive their control plane.
func simAgents(env *Env) (supervisors.App, bool, error) {
	n := env.Config.Sim.Hypervisors
	if n == 0 {
		return supervisors.App{}, false, nil
	}
	m, err := chunter.NewMetrics(env.Registry)
	if err != nil {
		return supervisors.App{}, false, err
	}
	var agents []*chunter.Agent
	for i := range n {
		dir := filepath.Join(env.Config.Node.DataDir, "sim", fmt.Sprint(i))
		hv, err := hostid.LoadOrCreate(dir, func() (string, error) { return hostid.New(rand.Reader) })
		if err != nil {
			return supervisors.App{}, false, fmt.Errorf("sim hypervisor %d: %w", i, err)
		}
		d, err := sim.New(sim.Options{UUID: hv, Hostname: fmt.Sprintf("sim%d", i), MemoryMB: int64(env.Config.Sim.MemoryMB),
			StateFile: filepath.Join(dir, "sim-host.json"),
			Images:    []driver.Image{{UUID: SampleDataset, Name: "base-64", Version: "sim", Type: "zone-dataset", OS: "smartos"}}})
		if err != nil {
			return supervisors.App{}, false, fmt.Errorf("sim hypervisor %d: %w", i, err)
		}
		a, err := chunter.New(chunter.Options{HV: hv, Driver: d, Version: env.Version, Metrics: m,
			Logger: env.Logger.With("app", chunter.AppName, "hypervisor", hv)})
		if err != nil {
			return supervisors.App{}, false, err
		}
		agents = append(agents, a)
	}
	app, err := chunter.App(env.Version, agents...)
	return app, err == nil, err
}

// seedMarker marks a store whose sample cloud was made (realm bucket).
const seedMarker = "sim-sample-cloud"

// seedSampleCloud makes, once, what creating a VM on the simulated
// hypervisors needs: a package, the sample dataset (imported) and a
// network with an IP range on nic tag "external".
func seedSampleCloud(ctx context.Context, st recstore.Store, cl *cloud.Service) error {
	if _, err := st.LookupName(ctx, "realm", seedMarker); err == nil {
		return nil
	} else if !errors.Is(err, recstore.ErrNotFound) {
		return err
	}
	if _, err := cl.CreatePackage(ctx, cloud.PackageSpec{Name: "sample-1g", RAM: 1024, CPUCap: 100, Quota: 10}); err != nil && !errors.Is(err, cloud.ErrConflict) {
		return fmt.Errorf("sample package: %w", err)
	}
	err := cl.CreateDataset(ctx, cloud.Manifest{UUID: SampleDataset, Name: "base-64", Version: "sim", OS: "smartos", Type: "zone-dataset",
		Description: "the simulated hypervisors' built-in image"})
	if err != nil && !errors.Is(err, cloud.ErrConflict) {
		return fmt.Errorf("sample dataset: %w", err)
	}
	if err := cl.SetDatasetStatus(ctx, SampleDataset, cloud.DatasetImported, 1); err != nil {
		return fmt.Errorf("sample dataset: %w", err)
	}
	net, err := cl.CreateNetwork(ctx, "sample")
	if err != nil {
		return fmt.Errorf("sample network: %w", err)
	}
	r, err := cl.CreateIPRange(ctx, cloud.IPRangeSpec{Name: "sample", Network: "10.99.0.0", Netmask: "255.255.255.0",
		Gateway: "10.99.0.1", First: "10.99.0.10", Last: "10.99.0.250", Tag: "external"})
	if err != nil {
		return fmt.Errorf("sample ip range: %w", err)
	}
	if err := cl.AddNetworkIPRange(ctx, net, r); err != nil {
		return fmt.Errorf("sample network: %w", err)
	}
	return st.ClaimName(ctx, "realm", seedMarker, "done")
}
