package systest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// Range describes an IP range to create.
type Range struct {
	Name        string
	Network     string // e.g. 10.20.0.0
	Gateway     string
	First, Last string
}

// Cloud is what creating VMs needs, made through REST.
type Cloud struct {
	Package string   // a package of PackageRAM MB
	Dataset string   // ImageUUID, imported
	Network string   // with every range
	Ranges  []string // IP range uuids, in order
}

// SetupCloud creates a package of ram MB, imports ImageUUID from imgapi
// (waiting until it is imported), and makes a network with the ranges
// (netmask 255.255.255.0, nic tag external).
func SetupCloud(t testing.TB, a *API, imgapiURL string, ram int, ranges ...Range) Cloud {
	t.Helper()
	var c Cloud
	c.Package = a.Create("/packages", fmt.Sprintf(`{"name":"p%d","ram":%d,"cpu_cap":100,"quota":10}`, ram, ram))
	c.Dataset = a.Create("/datasets", `{"url":"`+imgapiURL+`/images/`+ImageUUID+`"}`)
	WaitFor(t, 60*time.Second, "the dataset imported", func() bool {
		var ds struct {
			Status string `json:"status"`
		}
		a.Get("/datasets/"+c.Dataset, &ds)
		if ds.Status == "failed" {
			t.Fatal("dataset import failed")
		}
		return ds.Status == "imported"
	})
	c.Network = a.Create("/networks", `{"name":"public"}`)
	for _, r := range ranges {
		b, _ := json.Marshal(map[string]string{"name": r.Name, "network": r.Network, "netmask": "255.255.255.0",
			"gateway": r.Gateway, "first": r.First, "last": r.Last, "tag": "external"})
		id := a.Create("/ipranges", string(b))
		a.Expect(http.StatusNoContent, "PUT", "/networks/"+c.Network+"/ipranges/"+id, "")
		c.Ranges = append(c.Ranges, id)
	}
	return c
}

// VMBody is the body of a VM create on c's package, dataset and network.
func (c Cloud) VMBody(alias string) string {
	return fmt.Sprintf(`{"package":%q,"dataset":%q,"config":{"alias":%q,"networks":{"net0":%q}}}`,
		c.Package, c.Dataset, alias, c.Network)
}

// VM is the REST view of a VM, the fields system tests look at.
type VM struct {
	UUID       string            `json:"uuid"`
	State      string            `json:"state"`
	Hypervisor string            `json:"hypervisor"`
	Package    string            `json:"package"`
	Creating   bool              `json:"creating"`
	IPRanges   map[string]string `json:"iprange_mappings"` // ip → range
	Snapshots  map[string]any    `json:"snapshots"`
	Log        []struct {
		Log string `json:"log"`
	} `json:"log"`
}

// VM reads a VM.
func (a *API) VM(id string) VM {
	a.t.Helper()
	var v VM
	a.Get("/vms/"+id, &v)
	return v
}

// WaitVM waits until VM id's state is one of states and returns it.
func (a *API) WaitVM(id string, timeout time.Duration, states ...string) VM {
	a.t.Helper()
	var v VM
	WaitFor(a.t, timeout, fmt.Sprintf("vm %s in %v", id, states), func() bool {
		v = a.VM(id)
		for _, s := range states {
			if v.State == s && !v.Creating {
				return true
			}
		}
		return false
	})
	return v
}

// Hypervisor is the REST view of a hypervisor's memory.
type Hypervisor struct {
	UUID      string           `json:"uuid"`
	Resources map[string]int64 `json:"resources"`
}

// Hypervisor reads hypervisor id.
func (a *API) Hypervisor(id string) Hypervisor {
	a.t.Helper()
	var h Hypervisor
	a.Get("/hypervisors/"+id, &h)
	return h
}

// Leased reports whether ip is used in IP range rng.
func (a *API) Leased(rng, ip string) bool {
	a.t.Helper()
	var r struct {
		Used []string `json:"used"`
	}
	a.Get("/ipranges/"+rng, &r)
	for _, u := range r.Used {
		if u == ip {
			return true
		}
	}
	return false
}
