package console

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/fifogo/fifo/actors/replica"
)

// errNoClustering answers cluster join and leave on a node without the
// ring.
var errNoClustering error = unavailable{"clustering is not available on this node: it runs alone and owns every partition"}

func clusterCommands() []command {
	return []command{
		{path: []string{"ring"}, help: "partition ownership and handoffs", run: runRing},
		{path: []string{"members"}, help: "the cluster's members and the connected nodes", run: runMembers},
		{path: []string{"cluster", "status"}, help: "members, partitions owned, handoffs, unreachable members, hints", run: runMembers},
		{path: []string{"cluster", "join"}, args: "<node> [--force]", min: 1, max: 2,
			help: "join the cluster of <node> (drops this node's records; --force even beyond its first start's)", run: runJoin},
		{path: []string{"cluster", "leave"}, help: "leave the cluster (partitions are handed to the others)", run: runLeave},
	}
}

// ringData is the structured result of ring.
type ringData struct {
	Partitions int                     `json:"partitions"`
	Owners     map[string]int          `json:"owners"`
	Clustered  bool                    `json:"clustered"`
	Handoffs   []replica.HandoffStatus `json:"handoffs"`
}

func runRing(ctx context.Context, s *Shell, _ []string) (result, error) {
	if s.deps.Cluster == nil {
		// Without the ring the one node owns every partition of its store.
		if err := need(s.deps.Store != nil, "ring (no store)"); err != nil {
			return result{}, err
		}
		n, p := s.deps.Node.Name(), s.deps.Store.Partitions()
		text := fmt.Sprintf("no ring: single node, no replication\n%s owns all %d partitions (0..%d)\n", n, p, p-1)
		return result{text: text, data: ringData{Partitions: p, Owners: map[string]int{n: p}, Handoffs: []replica.HandoffStatus{}}}, nil
	}
	st, err := s.deps.Cluster.Status(ctx)
	if err != nil {
		return result{}, err
	}
	d := ringData{Partitions: st.Partitions, Owners: map[string]int{}, Handoffs: st.Handoffs}
	var b strings.Builder
	fmt.Fprintf(&b, "cluster %s: %d partitions, n_val %d, r %d, w %d\n", st.Cluster, st.Partitions, st.N, st.R, st.W)
	live := 0
	for _, m := range st.Members {
		if m.Owned > 0 {
			d.Owners[m.Name] = m.Owned
			fmt.Fprintf(&b, "%s owns %d partitions\n", m.Name, m.Owned)
		}
		if m.Status != "left" {
			live++
		}
	}
	d.Clustered = live > 1
	fmt.Fprintf(&b, "pending handoffs: %d\n", len(st.Handoffs))
	for _, h := range st.Handoffs {
		fmt.Fprintf(&b, "  partition %d: %s -> %s\n", h.Partition, h.From, h.To)
	}
	return result{text: b.String(), data: d}, nil
}

// membersData is the structured result of members.
type membersData struct {
	Members   []string `json:"members"`
	Connected []string `json:"connected"`
	Consoles  []string `json:"consoles"`
	// Cluster is the ring's view, on a node with the ring.
	Cluster *replica.Status `json:"cluster,omitempty"`
}

func runMembers(ctx context.Context, s *Shell, _ []string) (result, error) {
	d := membersData{Members: []string{s.deps.Node.Name()}, Connected: []string{}, Consoles: []string{}}
	for _, p := range s.deps.Node.Peers() {
		if strings.HasPrefix(p, ClientPrefix) {
			d.Consoles = append(d.Consoles, p)
		} else {
			d.Connected = append(d.Connected, p)
		}
	}
	var b strings.Builder
	if s.deps.Cluster == nil {
		fmt.Fprintf(&b, "members: %s (this node; no ring, so no other members)\n", d.Members[0])
	} else {
		st, err := s.deps.Cluster.Status(ctx)
		if err != nil {
			return result{}, err
		}
		d.Cluster = &st
		d.Members = d.Members[:0]
		fmt.Fprintf(&b, "cluster %s: %d partitions, n_val %d, r %d, w %d\n", st.Cluster, st.Partitions, st.N, st.R, st.W)
		fmt.Fprintf(&b, "%-40s %-8s %6s %s\n", "member", "status", "owned", "reachable")
		for _, m := range st.Members {
			d.Members = append(d.Members, m.Name)
			reach := "yes"
			if !m.Reachable {
				reach = "NO"
			}
			self := ""
			if m.Name == st.Self {
				self = " (this node)"
			}
			fmt.Fprintf(&b, "%-40s %-8s %6d %s%s\n", m.Name, m.Status, m.Owned, reach, self)
		}
		fmt.Fprintf(&b, "pending handoffs: %d\n", len(st.Handoffs))
		for _, h := range st.Handoffs {
			fmt.Fprintf(&b, "  partition %d: %s -> %s\n", h.Partition, h.From, h.To)
		}
		fmt.Fprintf(&b, "unreachable members: %s\n", listOrNone(st.Unreachable))
		fmt.Fprintf(&b, "hints held for unreachable replicas: %d\n", st.Hints)
	}
	fmt.Fprintf(&b, "connected nodes: %s\n", listOrNone(d.Connected))
	fmt.Fprintf(&b, "console clients: %s\n", listOrNone(d.Consoles))
	return result{text: b.String(), data: d}, nil
}

func runJoin(ctx context.Context, s *Shell, args []string) (result, error) {
	if s.deps.Cluster == nil {
		return result{}, errNoClustering
	}
	force := false
	if len(args) == 2 {
		if !slices.Contains([]string{"--force", "force"}, args[1]) {
			return result{}, usagef("cluster join: unknown argument %q (want --force)", args[1])
		}
		force = true
	}
	if err := s.deps.Cluster.Join(ctx, args[0], force); err != nil {
		return result{}, err
	}
	return result{text: fmt.Sprintf("joined the cluster of %s; partitions move to this node as handoffs complete (see cluster status)\n", args[0])}, nil
}

func runLeave(ctx context.Context, s *Shell, _ []string) (result, error) {
	if s.deps.Cluster == nil {
		return result{}, errNoClustering
	}
	if err := s.deps.Cluster.Leave(ctx); err != nil {
		return result{}, err
	}
	return result{text: "leaving: partitions are handed to the other members, then this node is left (see cluster status)\n"}, nil
}

// listOrNone joins names, or says none.
func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
