package console

import (
	"context"
	"fmt"
	"strings"
)

// errNoClustering answers cluster join and leave until the ring lands.
var errNoClustering error = unavailable{"clustering is not available yet: this node runs alone and owns every partition"}

func clusterCommands() []command {
	return []command{
		{path: []string{"ring"}, help: "partition ownership", run: runRing},
		{path: []string{"members"}, help: "the cluster's members and the connected nodes", run: runMembers},
		{path: []string{"cluster", "status"}, help: "same as members", run: runMembers},
		{path: []string{"cluster", "join"}, args: "<node>", min: 1, max: 1, help: "join a cluster (not available yet)",
			run: func(context.Context, *Shell, []string) (result, error) { return result{}, errNoClustering }},
		{path: []string{"cluster", "leave"}, help: "leave the cluster (not available yet)",
			run: func(context.Context, *Shell, []string) (result, error) { return result{}, errNoClustering }},
	}
}

// ringData is the structured result of ring.
type ringData struct {
	Partitions int            `json:"partitions"`
	Owners     map[string]int `json:"owners"`
	Clustered  bool           `json:"clustered"`
}

// There is no ring yet (DESIGN.md §6): the one node owns every partition
// of its store. ring and members say so rather than invent a ring.
func runRing(_ context.Context, s *Shell, _ []string) (result, error) {
	if err := need(s.deps.Store != nil, "ring (no store)"); err != nil {
		return result{}, err
	}
	n, p := s.deps.Node.Name(), s.deps.Store.Partitions()
	text := fmt.Sprintf("no ring yet: single node, no replication\n%s owns all %d partitions (0..%d)\n", n, p, p-1)
	return result{text: text, data: ringData{Partitions: p, Owners: map[string]int{n: p}}}, nil
}

// membersData is the structured result of members.
type membersData struct {
	Members   []string `json:"members"`
	Connected []string `json:"connected"`
	Consoles  []string `json:"consoles"`
}

func runMembers(_ context.Context, s *Shell, _ []string) (result, error) {
	d := membersData{Members: []string{s.deps.Node.Name()}, Connected: []string{}, Consoles: []string{}}
	for _, p := range s.deps.Node.Peers() {
		if strings.HasPrefix(p, ClientPrefix) {
			d.Consoles = append(d.Consoles, p)
		} else {
			d.Connected = append(d.Connected, p)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "members: %s (this node; no ring yet, so no other members)\n", d.Members[0])
	fmt.Fprintf(&b, "connected nodes: %s\n", listOrNone(d.Connected))
	fmt.Fprintf(&b, "console clients: %s\n", listOrNone(d.Consoles))
	return result{text: b.String(), data: d}, nil
}

// listOrNone joins names, or says none.
func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
