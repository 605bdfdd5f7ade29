package systest

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestConcurrentCreatesOverChunterProcesses: 500 VM creates at once
// through REST over 20 `chunter --driver sim` processes of 4 GiB each
// (80 VMs of 1 GiB fit) and two small IP ranges (90 addresses): no
// address leased twice, no hypervisor over capacity — neither by sniffle's
// records nor by the hosts' own accounts — every VM ends running or
// failed with a reason, and the counts add up.
func TestConcurrentCreatesOverChunterProcesses(t *testing.T) {
	const (
		hosts   = 20
		hostMB  = 4096
		ram     = 1024
		creates = 500
		slots   = hosts * hostMB / ram // 80
	)
	node := StartNode(t, bins, NodeConfig{Env: []string{"FIFO_CREATE_RETRIES=3", "FIFO_CREATE_RETRY_DELAY=50ms"}})
	var agents []*Chunter
	for range hosts {
		agents = append(agents, StartChunter(t, bins, ChunterConfig{Join: []*Node{node}, MemoryMB: hostMB}))
	}
	api := node.API()
	WaitFor(t, 60*time.Second, "every hypervisor registered", func() bool {
		var got []string
		api.Get("/hypervisors", &got)
		return len(got) == hosts
	})
	cl := SetupCloud(t, api, NewIMGAPI(t).URL, ram,
		Range{Name: "a", Network: "10.40.0.0", Gateway: "10.40.0.1", First: "10.40.0.10", Last: "10.40.0.54"},
		Range{Name: "b", Network: "10.41.0.0", Gateway: "10.41.0.1", First: "10.41.0.10", Last: "10.41.0.54"})

	// 500 creates at once (64 clients in flight).
	ids := make([]string, creates)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	errs := make(chan error, creates)
	for i := range creates {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r, err := api.Send("POST", "/vms", cl.VMBody(fmt.Sprint("vm", i)))
			switch {
			case err != nil:
				errs <- err
			case r.Status != http.StatusSeeOther:
				errs <- fmt.Errorf("create %d: %d %s", i, r.Status, r.Body)
			default:
				ids[i] = r.Location()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// Every create settles.
	var all []VM
	WaitFor(t, 5*time.Minute, "every create settled", func() bool {
		all = all[:0]
		if err := getJSON(api, "/vms?full-list=true", &all); err != nil {
			t.Fatal(err)
		}
		settled := 0
		for _, v := range all {
			if !v.Creating && (v.State == "running" || v.State == "failed") {
				settled++
			}
		}
		return settled == creates
	})

	ipOwner := map[string]string{}
	perHV := map[string]int64{}
	running, failed := 0, 0
	for _, v := range all {
		switch v.State {
		case "failed":
			failed++
			if len(v.Log) == 0 || v.Log[len(v.Log)-1].Log == "" {
				t.Errorf("vm %s failed without a reason", v.UUID)
			}
			if len(v.IPRanges) != 0 {
				t.Errorf("failed vm %s keeps addresses %v", v.UUID, v.IPRanges)
			}
		case "running":
			running++
			perHV[v.Hypervisor] += ram
			for ip := range v.IPRanges {
				if prev, dup := ipOwner[ip]; dup {
					t.Errorf("%s leased to %s and %s", ip, prev, v.UUID)
				}
				ipOwner[ip] = v.UUID
			}
		}
	}
	t.Logf("%d running, %d failed over %d hosts", running, failed, hosts)
	if running+failed != creates {
		t.Fatalf("%d running + %d failed != %d", running, failed, creates)
	}
	if running != slots {
		t.Errorf("%d running, want %d (every host full)", running, slots)
	}
	for hv, used := range perHV {
		if used > hostMB {
			t.Errorf("%s over capacity in sniffle: %d MB", hv, used)
		}
	}
	// The hosts' own accounts (their heartbeats) agree.
	WaitFor(t, 30*time.Second, "the hosts' reports of provisioned memory", func() bool {
		for _, a := range agents {
			if api.Hypervisor(a.HV).Resources["provisioned-memory"] != perHV[a.HV] {
				return false
			}
		}
		return true
	})
	for _, a := range agents {
		if h := api.Hypervisor(a.HV); h.Resources["provisioned-memory"] > h.Resources["total-memory"] {
			t.Errorf("%s over capacity by its own report: %v", a.HV, h.Resources)
		}
	}
}

// getJSON decodes the 200 answer of GET p, returning errors instead of
// failing (for polling loops).
func getJSON(a *API, p string, v any) error {
	r, err := a.Send("GET", p, "")
	if err != nil {
		return err
	}
	if r.Status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", p, r.Status, r.Body)
	}
	return r.Decode(v)
}
