package console

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

func hypervisorCommands() []command {
	return []command{
		{path: []string{"hypervisors", "list"}, help: "every hypervisor known to sniffle", run: runHypervisorsList},
		upgradeCommand(),
	}
}

func runHypervisorsList(ctx context.Context, s *Shell, _ []string) (result, error) {
	if err := need(s.deps.Hypervisors != nil, "hypervisors (sniffle does not run here)"); err != nil {
		return result{}, err
	}
	hs, err := s.deps.Hypervisors.List(ctx)
	if err != nil {
		return result{}, fmt.Errorf("hypervisors list: %w", err)
	}
	sort.Slice(hs, func(i, j int) bool {
		if hs[i].Alias != hs[j].Alias {
			return hs[i].Alias < hs[j].Alias
		}
		return hs[i].ID < hs[j].ID
	})
	now := s.deps.Now()
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "UUID\tALIAS\tHOST\tVERSION\tLAST SEEN")
	for _, h := range hs {
		seen := "never"
		if !h.LastSeen.IsZero() {
			seen = now.Sub(h.LastSeen).Round(time.Second).String() + " ago"
		}
		host := h.Host
		if h.Port != 0 {
			host = fmt.Sprintf("%s:%d", h.Host, h.Port)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", h.ID, dash(h.Alias), dash(host), dash(h.Version), seen)
	}
	w.Flush()
	fmt.Fprintf(&b, "%d hypervisors\n", len(hs))
	if hs == nil {
		hs = []Hypervisor{}
	}
	return result{text: b.String(), data: hs}, nil
}

// dash stands in for an empty column.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
