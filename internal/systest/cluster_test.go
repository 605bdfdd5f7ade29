package systest

import (
	"bufio"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/netfault"
)

// TestClusterFaults drives the cluster harness with real processes: two
// control nodes a and b and one agent that prefers a, every connection
// between them through the cluster's proxies. Each node reports on
// /metrics how many agents are registered with it (fifo_sniffle_agents),
// which shows whom the agent talks to:
//
//   - {a} | {b, agent}: the partition resets the agent's connection to a;
//     a sees it go, and it registers with b, through its proxy to b.
//   - heal, then {b} | {a, agent}: it returns to a, so the healed path
//     to a works again.
//   - SIGKILL a: the agent goes to b; a restarts with its ports and data
//     (the hypervisor it had recorded), and after {b} | {a, agent} the
//     agent is back on the restarted a.
//   - SIGSTOP b: b answers nothing (not even /readyz); SIGCONT: it does.
func TestClusterFaults(t *testing.T) {
	begin := time.Now()
	c := StartCluster(t, bins, ClusterConfig{Nodes: 2, Chunters: 1})
	a, b, ag := c.Nodes[0], c.Nodes[1], c.Chunters[0]
	t.Logf("cluster of %s, %s and agent %s up in %v", a.Name, b.Name, ag.Name, time.Since(begin))
	registeredWith := func(n *Node, others ...*Node) {
		t.Helper()
		WaitFor(t, 30*time.Second, "the agent registered with "+n.Name+" only", func() bool {
			for _, o := range others {
				if agents(o) != 0 {
					return false
				}
			}
			return agents(n) == 1
		})
	}
	registeredWith(a, b)
	pair := func(from, to string) netfault.Stats { return c.Net.Stats()[netfault.Pair{From: from, To: to}] }
	if st := pair(ag.Name, a.Name); st.Accepted == 0 || st.BytesUp == 0 || st.BytesDown == 0 {
		t.Fatalf("agent->a proxy %+v: the agent did not reach a through it", st)
	}

	mark := time.Now()
	c.Partition([]string{a.Name}, []string{b.Name, ag.Name})
	registeredWith(b, a)
	t.Logf("{a}|{b, agent}: the agent moved to b in %v", time.Since(mark))
	if st := pair(ag.Name, a.Name); st.Cut == 0 {
		t.Fatalf("agent->a proxy %+v: no connection cut", st)
	}
	if st := pair(ag.Name, b.Name); st.Accepted == 0 || st.BytesUp == 0 {
		t.Fatalf("agent->b proxy %+v: the agent did not reach b through it", st)
	}

	c.Heal()
	mark = time.Now()
	c.Partition([]string{b.Name}, []string{a.Name, ag.Name})
	registeredWith(a, b)
	t.Logf("healed, then {b}|{a, agent}: the agent moved back to a in %v", time.Since(mark))
	c.Heal()

	c.Kill(a.Name)
	registeredWith(b)
	mark = time.Now()
	c.Restart(a.Name)
	t.Logf("a restarted in %v", time.Since(mark))
	var hvs []string
	a.API().Get("/hypervisors", &hvs)
	if !slices.Contains(hvs, ag.HV) {
		t.Fatalf("restarted a lists hypervisors %v, lost %s", hvs, ag.HV)
	}
	c.Partition([]string{b.Name}, []string{a.Name, ag.Name})
	registeredWith(a, b)
	c.Heal()

	c.Stop(b.Name)
	if !c.Stopped(b.Name) || ready(b, time.Second) {
		t.Fatal("b answers while stopped")
	}
	c.Cont(b.Name)
	WaitFor(t, 30*time.Second, "b ready after SIGCONT", func() bool { return ready(b, 5*time.Second) })
	t.Logf("whole test %v", time.Since(begin))
}

// agents is the node's fifo_sniffle_agents gauge, -1 when unreadable.
func agents(n *Node) int {
	sc := bufio.NewScanner(strings.NewReader(n.Metrics()))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "fifo_sniffle_agents "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return -1
			}
			return int(f)
		}
	}
	return -1
}

// ready reports whether the node's /readyz answers 200 within timeout.
func ready(n *Node, timeout time.Duration) bool {
	resp, err := (&http.Client{Timeout: timeout}).Get("http://" + n.HTTPAddr + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
