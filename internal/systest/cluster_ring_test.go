package systest

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// fifoCLI runs `fifo args...` as an operator on n's host would: with n's
// environment (its configuration), so the CLI talks to n's console.
func fifoCLI(n *Node, args ...string) (string, error) {
	cmd := exec.Command(n.bins.Fifo, args...)
	cmd.Env = append(os.Environ(), n.env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// clusterStatus is what `fifo cluster status --json` prints.
type clusterStatus struct {
	Cluster struct {
		Self       string `json:"self"`
		Partitions int    `json:"partitions"`
		Members    []struct {
			Name      string `json:"name"`
			Status    string `json:"status"`
			Owned     int    `json:"owned"`
			Reachable bool   `json:"reachable"`
		} `json:"members"`
		Handoffs []struct {
			Partition int    `json:"partition"`
			From      string `json:"from"`
			To        string `json:"to"`
		} `json:"handoffs"`
		Unreachable []string `json:"unreachable"`
	} `json:"cluster"`
}

// TestClusterJoinRing: three real nodes; `fifo cluster join` run on b and
// c (one command each, no configuration change anywhere) makes one ring
// of three valid members, which every node's `fifo cluster status` shows
// alike, with the partitions spread over the three (owned, or planned to
// move there by a pending handoff); a user created through a is read
// through c, and c logs in its admin (a's, the cluster's).
func TestClusterJoinRing(t *testing.T) {
	c := StartCluster(t, bins, ClusterConfig{Nodes: 3})
	a, b, cn := c.Nodes[0], c.Nodes[1], c.Nodes[2]
	for _, n := range []*Node{b, cn} {
		if out, err := fifoCLI(n, "cluster", "join", a.Name); err != nil {
			t.Fatalf("fifo cluster join on %s: %v\n%s", n.Name, err, out)
		}
	}
	if out, err := fifoCLI(b, "cluster", "join", a.Name); err == nil || !strings.Contains(out, "already in a cluster") {
		t.Fatalf("a second join: %v\n%s", err, out)
	}
	status := func(n *Node) clusterStatus {
		t.Helper()
		out, err := fifoCLI(n, "cluster", "status", "--json")
		if err != nil {
			t.Fatalf("fifo cluster status on %s: %v\n%s", n.Name, err, out)
		}
		var s clusterStatus
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("status of %s: %v\n%s", n.Name, err, out)
		}
		return s
	}
	// Each member's share: partitions it owns or is the next owner of.
	shares := func(s clusterStatus) map[string]int {
		out := map[string]int{}
		for _, m := range s.Cluster.Members {
			out[m.Name] += m.Owned
		}
		for _, h := range s.Cluster.Handoffs {
			out[h.From]--
			out[h.To]++
		}
		return out
	}
	WaitFor(t, 60*time.Second, "three valid, reachable members on every node, partitions spread", func() bool {
		for _, n := range c.Nodes {
			s := status(n)
			if len(s.Cluster.Members) != 3 || len(s.Cluster.Unreachable) != 0 {
				return false
			}
			for _, m := range s.Cluster.Members {
				if m.Status != "valid" || !m.Reachable {
					return false
				}
			}
			p := s.Cluster.Partitions
			for _, x := range c.Nodes {
				if sh := shares(s)[x.Name]; sh < p/3 || sh > (p+2)/3 {
					return false
				}
			}
		}
		return true
	})
	s := status(a)
	t.Logf("cluster status of a: %+v", s.Cluster)
	text, err := fifoCLI(cn, "cluster", "status")
	if err != nil || strings.Count(text, " valid ") != 3 {
		t.Fatalf("fifo cluster status on c: %v\n%s", err, text)
	}

	apiA := Login(t, "http://"+a.HTTPAddr, "admin", a.Password)
	id := apiA.Create("/users", `{"user":"carol","password":"carol-pw"}`)
	apiC := Login(t, "http://"+cn.HTTPAddr, "admin", a.Password)
	var u struct {
		UUID string `json:"uuid"`
		Name string `json:"name"`
	}
	apiC.Get("/users/"+id, &u)
	if u.UUID != id || u.Name != "carol" {
		t.Fatalf("user %s through c: %+v", id, u)
	}
	Login(t, "http://"+b.HTTPAddr, "carol", "carol-pw")
}
