package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/placement"
	"github.com/fifogo/fifo/internal/record"
)

// benchPlacement measures ranking a snapshot of N hypervisors for one VM
// create with a realistic request (memory, kvm, one network, the
// creator's grants, package and dataset rules, a score, a scale, a random
// spread, a cluster and a stack), beside two measures taken in the same
// run: the same snapshot through placement with only the memory
// requirement, and a baseline plain loop that only keeps the hypervisors
// with enough free memory. Ratios are against the baseline.
func benchPlacement(w io.Writer, quick bool) error {
	sizes := []int{1000, 10000}
	if quick {
		sizes = []int{1000}
	}
	fmt.Fprintln(w, "\nPlacement: rank N hypervisors for one create (realistic request: 2 GB kvm, 1 network, grants, 7 rules, cluster + stack)")
	fmt.Fprintln(w, "hypervisors\tcandidates\tplacement ns/op\tallocs/op\tmemory-only ns/op\tbaseline loop ns/op\tratio\tmemory-only ratio\t")
	for _, n := range sizes {
		hvs := benchHypervisors(n)
		p, err := placement.New(benchPlacementRequest(hvs))
		if err != nil {
			return fmt.Errorf("placement, %d hypervisors: %w", n, err)
		}
		memOnly, err := placement.New(placement.Request{RAM: 2048})
		if err != nil {
			return err
		}
		cands := len(p.Rank(hvs, 1).Candidates)
		full := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				p.Rank(hvs, uint64(i))
			}
		})
		mem := testing.Benchmark(func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				memOnly.Rank(hvs, uint64(i))
			}
		})
		base := testing.Benchmark(func(b *testing.B) {
			for b.Loop() {
				baselineFilter(hvs, 2048)
			}
		})
		fmt.Fprintf(w, "%d\t%d\t%d\t%d\t%d\t%d\t%.1f×\t%.1f×\t\n", n, cands, full.NsPerOp(), full.AllocsPerOp(),
			mem.NsPerOp(), base.NsPerOp(), nsRatio(full, base), nsRatio(mem, base))
	}
	return nil
}

// nsRatio is a's time per operation over b's.
func nsRatio(a, b testing.BenchmarkResult) float64 {
	if b.NsPerOp() == 0 {
		return 0
	}
	return float64(a.NsPerOp()) / float64(b.NsPerOp())
}

// baselineFilter is the baseline: the indexes of the hypervisors that
// report at least ram MB of free memory, in one plain loop.
func baselineFilter(hvs []record.Hypervisor, ram int64) []int {
	out := make([]int, 0, len(hvs))
	for i := range hvs {
		if f, ok := hvs[i].Resources["free-memory"].(int64); ok && f >= ram {
			out = append(out, i)
		}
	}
	return out
}

// benchHypervisors returns n hypervisors shaped like agents report them:
// memory, pools, nic tags, virtualisation, a dc/rack path, a few
// characteristics, a sysinfo of some twenty keys and a few services.
func benchHypervisors(n int) []record.Hypervisor {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([]record.Hypervisor, n)
	for i := range out {
		total := int64(65536 << r.IntN(2))
		free := int64(r.IntN(int(total)))
		tags := []string{"admin", "external"}
		switch r.IntN(10) {
		case 0:
			tags = []string{"admin"}
		case 1:
			tags = []string{"admin", "external", "storage"}
		}
		virt := []string{"zone", "kvm"}
		if r.IntN(8) == 0 {
			virt = []string{"zone"}
		}
		sysinfo := map[string]any{
			"Live Image": "20240101T000000Z", "System Type": "SunOS", "Boot Time": fmt.Sprint(1700000000 + r.IntN(1e6)),
			"Datacenter Name": "dc1", "SDC Version": "7.0", "Manufacturer": "Oxide", "Product": "Gimlet",
			"Serial Number": fmt.Sprintf("SN%08d", i), "SKU Number": "1", "HW Version": "1", "HW Family": "x",
			"Setup": "true", "VM Capable": true, "CPU Type": "AMD EPYC", "CPU Virtualization": "svm",
			"CPU Physical Cores": int64(2), "CPU Total Cores": int64(64), "MiB of Memory": total, "Zpool": "zones",
			"Hostname": fmt.Sprintf("hv%05d", i), "Boot Parameters": map[string]any{"console": "ttya", "smartos": "true"},
		}
		out[i] = record.Hypervisor{
			UUID:           fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), i),
			Alias:          fmt.Sprintf("hv%05d", i),
			Host:           fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			Port:           4200,
			ChunterVersion: "0.9.0",
			Architecture:   "x86_64",
			Networks:       tags,
			Virtualisation: virt,
			Path:           []record.PathElem{{Name: fmt.Sprintf("dc%d", r.IntN(2)), Cost: 10}, {Name: fmt.Sprintf("rack%d", r.IntN(40)), Cost: 5}},
			Sysinfo:        sysinfo,
			Resources: map[string]any{
				"free-memory": free, "total-memory": total, "reserved-memory": int64(4096), "provisioned-memory": total - free - 4096,
			},
			Characteristics: map[string]any{"zone": fmt.Sprintf("z%d", r.IntN(3)), "ssd": r.IntN(2) == 0, "gen": int64(r.IntN(4))},
			Pools: map[string]any{"zones": map[string]any{
				"size": int64(4 << 20), "used": int64(r.IntN(4 << 20)), "free": int64(r.IntN(4 << 20)), "dedup": int64(100), "health": "ONLINE",
			}},
			Services: map[string]any{
				"svc:/system/smartdc/vminfod:default": "online", "svc:/network/ssh:default": "online",
				"svc:/system/zones:default": "online", "svc:/fifo/chunter:default": "online",
			},
		}
		if r.IntN(50) == 0 {
			out[i].Characteristics["maintenance"] = true
		}
	}
	return out
}

// benchPlacementRequest is the realistic request: what a create of a
// 2 GB kvm VM on one network asks, with the creator's grants, package and
// dataset requirements, and a cluster of 4 and a stack of 6 members.
func benchPlacementRequest(hvs []record.Hypervisor) placement.Request {
	var cluster, stack []string
	for i := 0; i < 4; i++ {
		cluster = append(cluster, hvs[i*13%len(hvs)].UUID)
	}
	for i := 0; i < 6; i++ {
		stack = append(stack, hvs[(5+i*11)%len(hvs)].UUID)
	}
	return placement.Request{
		RAM:            2048,
		Virtualisation: "kvm",
		Networks:       []placement.Network{{Name: "public", Tags: []string{"external"}}},
		Grants:         perm.NewSet(perm.Permission{"hypervisors", "_", "create"}, perm.Permission{"cloud", "vms", "create"}, perm.Permission{"vms", "_", "get"}),
		Rules: []placement.Rule{
			{Kind: placement.Must, Condition: placement.GreaterEq, Attribute: "pools.zones.free", Value: 10240},
			{Kind: placement.Cant, Condition: placement.Equal, Attribute: "characteristics.maintenance", Value: true},
			{Kind: placement.Must, Condition: placement.OneOf, Attribute: "characteristics.zone", Value: []any{"z0", "z1"}},
			{Kind: placement.Points, Points: 5, Condition: placement.Equal, Attribute: "characteristics.ssd", Value: true},
			{Kind: placement.Points, Points: -3, Condition: placement.Less, Attribute: "characteristics.gen", Value: 2},
			{Kind: placement.Scale, Attribute: "resources.free-memory", Low: 0, High: 10},
			{Kind: placement.Random, Low: 0, High: 3},
		},
		Groupings: []placement.Grouping{
			{Name: "db", Type: placement.Cluster, Hypervisors: cluster},
			{Name: "app", Type: placement.Stack, Hypervisors: stack},
		},
	}
}
