package systest

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/sim"
)

// TestKillChunterMidCreates: creates run over three `chunter --driver
// sim` processes whose hosts take a second to provision a VM; one agent
// is killed with SIGKILL while VMs are being created on its host and
// started again (its simulated host, like a SmartOS host, outlives the
// agent: its state file is the host's truth). Once every create settled,
// every VM's state in sniffle matches its host: a VM sniffle calls
// running or stopped is on that host in that state, every VM a host has
// is in sniffle on that host in the same state, a failed VM is on no host,
// and each host's provisioned memory is that of its VMs.
func TestKillChunterMidCreates(t *testing.T) {
	const (
		hosts   = 3
		creates = 24
		ram     = 1024
	)
	node := StartNode(t, bins, NodeConfig{Env: []string{"FIFO_CREATE_RETRIES=5", "FIFO_CREATE_RETRY_DELAY=200ms"}})
	var agents []*Chunter
	byHV := map[string]*Chunter{}
	for range hosts {
		a := StartChunter(t, bins, ChunterConfig{Join: []*Node{node}, MemoryMB: 8192,
			Args: []string{"--sim-create-delay", "1s", "--sim-boot-delay", "200ms"}})
		agents = append(agents, a)
		byHV[a.HV] = a
	}
	api := node.API()
	WaitFor(t, 60*time.Second, "every hypervisor registered", func() bool {
		var got []string
		api.Get("/hypervisors", &got)
		return len(got) == hosts
	})
	cl := SetupCloud(t, api, NewIMGAPI(t).URL, ram,
		Range{Name: "a", Network: "10.50.0.0", Gateway: "10.50.0.1", First: "10.50.0.10", Last: "10.50.0.200"})

	ids := make([]string, creates)
	var wg sync.WaitGroup
	for i := range creates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := api.Send("POST", "/vms", cl.VMBody(fmt.Sprint("vm", i)))
			if err == nil && r.Status == http.StatusSeeOther {
				ids[i] = r.Location()
			} else {
				t.Errorf("create %d: %v %d %s", i, err, r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Kill the agent of a host where a VM is being created.
	victim := agents[0]
	inFlight := 0
	WaitFor(t, 60*time.Second, "a VM being created on "+victim.HV, func() bool {
		var all []VM
		if err := getJSON(api, "/vms?full-list=true", &all); err != nil {
			t.Fatal(err)
		}
		inFlight = 0
		for _, v := range all {
			if v.Hypervisor == victim.HV && v.Creating {
				inFlight++
			}
		}
		return inFlight > 0
	})
	victim.Proc.Kill()
	victim.Start()

	var all []VM
	WaitFor(t, 3*time.Minute, "every create settled", func() bool {
		all = all[:0]
		if err := getJSON(api, "/vms?full-list=true", &all); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, v := range all {
			if !v.Creating && (v.State == "running" || v.State == "failed" || v.State == "stopped") {
				n++
			}
		}
		return n == creates
	})

	// The hosts' truth, from their state files.
	onHost := map[string]sim.VMState{} // vm → its state on its host
	hostOf := map[string]string{}
	for _, a := range agents {
		s, err := sim.ReadStateFile(filepath.Join(a.DataDir, "sim-host.json"), a.HV)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range s.VMs {
			if prev, dup := hostOf[v.Spec.UUID]; dup {
				t.Errorf("vm %s on two hosts: %s and %s", v.Spec.UUID, prev, a.HV)
			}
			onHost[v.Spec.UUID], hostOf[v.Spec.UUID] = v, a.HV
		}
	}
	states := map[string]int{}
	provisioned := map[string]int64{}
	for _, v := range all {
		states[v.State]++
		hv, there := hostOf[v.UUID]
		switch v.State {
		case "failed":
			if there {
				t.Errorf("failed vm %s is on host %s in state %s", v.UUID, hv, onHost[v.UUID].State)
			}
		default:
			if !there || hv != v.Hypervisor || string(onHost[v.UUID].State) != v.State {
				t.Errorf("vm %s: sniffle says %s on %s, host %q says %q", v.UUID, v.State, v.Hypervisor, hv, onHost[v.UUID].State)
			}
			provisioned[v.Hypervisor] += ram
		}
	}
	known := map[string]bool{}
	for _, v := range all {
		known[v.UUID] = true
	}
	for vm, hv := range hostOf {
		if !known[vm] {
			t.Errorf("host %s has vm %s that sniffle does not know", hv, vm)
		}
	}
	onVictim := 0
	for _, hv := range hostOf {
		if hv == victim.HV {
			onVictim++
		}
	}
	t.Logf("%d creates in flight on the killed agent's host; after the restart: %v, %d VMs on that host", inFlight, states, onVictim)
	WaitFor(t, 30*time.Second, "the hosts' provisioned memory matches their VMs", func() bool {
		for hv := range byHV {
			if api.Hypervisor(hv).Resources["provisioned-memory"] != provisioned[hv] {
				return false
			}
		}
		return true
	})
}
