package chunter_test

import (
	"context"
	"log"
	"path/filepath"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/chunter/hostid"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// An all-in-one node runs simulated hypervisors beside its control-plane
// applications: each keeps its uuid in its own directory, and with no
// Controls each registers with the receiver (proto.ControlName) of the
// node itself.
func Example_allInOne() {
	var node *runtime.Node // the node the release started
	dataDir := "/var/fifo/data"
	var agents []*chunter.Agent
	for _, name := range []string{"sim-1", "sim-2"} {
		hv, err := hostid.LoadOrCreate(filepath.Join(dataDir, "chunter", name), func() (string, error) { return hostid.New(nil) })
		if err != nil {
			log.Fatal(err)
		}
		d, err := sim.New(sim.Options{UUID: hv, Hostname: name, MemoryMB: 32 << 10})
		if err != nil {
			log.Fatal(err)
		}
		a, err := chunter.New(chunter.Options{HV: hv, Driver: d, Version: "1.0.0"})
		if err != nil {
			log.Fatal(err)
		}
		agents = append(agents, a)
	}
	app, err := chunter.App("1.0.0", agents...)
	if err != nil {
		log.Fatal(err)
	}
	if err := supervisors.StartApp(context.Background(), node, app); err != nil {
		log.Fatal(err)
	}
}
