package placement

import (
	"fmt"
	"math/rand/v2"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// uuidOf returns a deterministic UUID-shaped string whose leading bytes
// vary, as those of random uuids do.
func uuidOf(i int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", uint32(mix64(uint64(i))), i)
}

// hyp returns a small hypervisor: zone and kvm, nic tags admin and
// external, 16 GB free in rack r1 of dc1.
func hyp(uuid string) record.Hypervisor {
	return record.Hypervisor{
		UUID:           uuid,
		Alias:          "hv-" + uuid,
		Virtualisation: []string{"zone", "kvm"},
		Networks:       []string{"admin", "external"},
		Path:           []record.PathElem{{Name: "dc1", Cost: 10}, {Name: "r1", Cost: 5}},
		Resources:      map[string]any{"free-memory": int64(16384), "total-memory": int64(65536)},
		Characteristics: map[string]any{
			"zone": "z1", "ssd": true, "gen": int64(3),
		},
		Pools:   map[string]any{"zones": map[string]any{"free": int64(500000), "size": int64(1000000)}},
		Sysinfo: map[string]any{"Live Image": "20240101T000000Z", "CPU Total Cores": int64(32)},
	}
}

// with applies edits to a copy of h.
func with(h record.Hypervisor, edits ...func(*record.Hypervisor)) record.Hypervisor {
	for _, e := range edits {
		e(&h)
	}
	return h
}

// fleet returns n varied hypervisors, deterministic in seed: memory,
// networks, virtualisation, racks, characteristics and pools vary.
func fleet(n int, seed uint64) []record.Hypervisor {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]record.Hypervisor, n)
	for i := range out {
		h := hyp(uuidOf(i))
		h.Resources = map[string]any{
			"free-memory":  int64(r.IntN(65536)),
			"total-memory": int64(65536),
		}
		switch r.IntN(10) {
		case 0:
			h.Networks = []string{"admin"}
		case 1:
			h.Networks = []string{"admin", "storage"}
		}
		if r.IntN(8) == 0 {
			h.Virtualisation = []string{"zone"}
		}
		if r.IntN(20) == 0 {
			h.Virtualisation = []string{"zone", "kvm", "lx"}
		}
		h.Path = []record.PathElem{{Name: fmt.Sprintf("dc%d", r.IntN(2)), Cost: 10}, {Name: fmt.Sprintf("r%d", r.IntN(20)), Cost: 5}}
		h.Characteristics = map[string]any{"zone": fmt.Sprintf("z%d", r.IntN(3)), "ssd": r.IntN(2) == 0, "gen": int64(r.IntN(4))}
		if r.IntN(50) == 0 {
			h.Characteristics["maintenance"] = true
		}
		h.Pools = map[string]any{"zones": map[string]any{"free": int64(r.IntN(1 << 20)), "size": int64(1 << 20)}}
		out[i] = h
	}
	return out
}

// realisticRequest is a create of a 2 GB kvm VM on one network, with the
// creator's grants, package and dataset requirements, a score and a
// random spread, and a cluster and a stack of a few members.
func realisticRequest(hvs []record.Hypervisor) Request {
	grants := perm.NewSet(perm.Permission{"hypervisors", "_", "create"}, perm.Permission{"cloud", "vms", "create"})
	var cluster, stack []string
	for i := 0; i < len(hvs) && i < 40; i += 13 {
		cluster = append(cluster, hvs[i].UUID)
	}
	for i := 5; i < len(hvs) && i < 60; i += 11 {
		stack = append(stack, hvs[i].UUID)
	}
	return Request{
		RAM:            2048,
		Virtualisation: "kvm",
		Networks:       []Network{{Name: "public", Tags: []string{"external"}}},
		Grants:         grants,
		Rules: []Rule{
			{Kind: Must, Condition: GreaterEq, Attribute: "pools.zones.free", Value: 10240},
			{Kind: Cant, Condition: Equal, Attribute: "characteristics.maintenance", Value: true},
			{Kind: Must, Condition: OneOf, Attribute: "characteristics.zone", Value: []any{"z0", "z1"}},
			{Kind: Points, Points: 5, Condition: Equal, Attribute: "characteristics.ssd", Value: true},
			{Kind: Points, Points: -3, Condition: Less, Attribute: "characteristics.gen", Value: 2},
			{Kind: Scale, Attribute: "resources.free-memory", Low: 0, High: 10},
			{Kind: Random, Low: 0, High: 3},
		},
		Groupings: []Grouping{
			{Name: "db", Type: Cluster, Hypervisors: cluster},
			{Name: "app", Type: Stack, Hypervisors: stack},
		},
	}
}
