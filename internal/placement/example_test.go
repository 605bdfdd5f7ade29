package placement_test

import (
	"fmt"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/placement"
	"github.com/fifogo/fifo/internal/record"
)

func ExamplePlace() {
	hv := func(uuid string, freeMB int64, tags ...string) record.Hypervisor {
		return record.Hypervisor{
			UUID: uuid, Networks: tags, Virtualisation: []string{"zone", "kvm"},
			Resources:       map[string]any{"free-memory": freeMB},
			Characteristics: map[string]any{"ssd": uuid != "hv3"},
		}
	}
	hvs := []record.Hypervisor{
		hv("hv1", 1024, "admin", "external"),
		hv("hv2", 8192, "admin", "external"),
		hv("hv3", 16384, "admin", "external"),
		hv("hv4", 32768, "admin"),
	}
	ssd, err := placement.ParseRule([]byte(`{"weight": 10, "condition": "=:=", "attribute": "characteristics.ssd", "value": true}`))
	if err != nil {
		panic(err)
	}
	req := placement.Request{
		RAM:            2048,
		Virtualisation: "kvm",
		Networks:       []placement.Network{{Name: "public", Tags: []string{"external"}}},
		Rules:          []placement.Rule{ssd, {Kind: placement.Scale, Attribute: "resources.free-memory", Low: 0, High: 5}},
		Grants:         perm.NewSet(perm.Permission{"hypervisors", "_", "create"}),
	}
	res, err := placement.Place(hvs, req, 42)
	if err != nil {
		panic(err)
	}
	for _, c := range res.Candidates {
		fmt.Println(c.UUID, c.Score)
	}
	fmt.Println(res.Summary())
	// Output:
	// hv2 10
	// hv3 5
	// 1 hypervisor: not enough free memory (needs 2048 MB); 1: missing nic tag external
}

func ExampleResult_Err() {
	res, _ := placement.Place(nil, placement.Request{RAM: 512}, 0)
	fmt.Println(res.Err())
	// Output:
	// placement: no hypervisor fits: no hypervisors known
}
