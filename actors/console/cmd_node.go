package console

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// defaultProcs is how many processes `procs` shows.
const defaultProcs = 20

func nodeCommands() []command {
	return []command{
		{path: []string{"status"}, help: "node name, release, version, uptime, applications", run: runStatus},
		{path: []string{"apps"}, help: "the running applications", run: runApps},
		{path: []string{"procs"}, args: "[N|all]", max: 1,
			help: fmt.Sprintf("the top processes by mailbox length and restarts (default %d)", defaultProcs), run: runProcs},
	}
}

// statusData is the structured result of status.
type statusData struct {
	Node          string   `json:"node"`
	Release       string   `json:"release"`
	Version       string   `json:"version"`
	Commit        string   `json:"commit"`
	UptimeSeconds float64  `json:"uptime_seconds"`
	Apps          []string `json:"apps"`
	LogLevel      string   `json:"log_level,omitempty"`
}

func runStatus(_ context.Context, s *Shell, _ []string) (result, error) {
	n := s.deps.Node
	d := statusData{Node: n.Name(), Release: s.deps.Release, Version: s.deps.Version, Commit: s.deps.Commit,
		UptimeSeconds: n.Uptime().Seconds()}
	for _, a := range n.Applications() {
		d.Apps = append(d.Apps, a.Name)
	}
	if s.deps.Level != nil {
		d.LogLevel = strings.ToLower(s.deps.Level.Level().String())
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "node\t%s\n", d.Node)
	fmt.Fprintf(w, "release\t%s\n", d.Release)
	version := d.Version
	if d.Commit != "" {
		version += " (" + d.Commit + ")"
	}
	fmt.Fprintf(w, "version\t%s\n", version)
	fmt.Fprintf(w, "uptime\t%s\n", n.Uptime().Round(time.Second))
	fmt.Fprintf(w, "apps\t%s\n", strings.Join(d.Apps, ", "))
	if d.LogLevel != "" {
		fmt.Fprintf(w, "log level\t%s\n", d.LogLevel)
	}
	w.Flush()
	return result{text: b.String(), data: d}, nil
}

func runApps(_ context.Context, s *Shell, _ []string) (result, error) {
	apps := s.deps.Node.Applications()
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tVERSION\tDESCRIPTION")
	for _, a := range apps {
		fmt.Fprintf(w, "%s\t%s\t%s\n", a.Name, a.Version, a.Description)
	}
	w.Flush()
	if apps == nil {
		apps = []supervisors.AppInfo{}
	}
	return result{text: b.String(), data: apps}, nil
}

func runProcs(_ context.Context, s *Shell, args []string) (result, error) {
	limit := defaultProcs
	if len(args) == 1 {
		if args[0] == "all" {
			limit = -1
		} else if n, err := strconv.Atoi(args[0]); err == nil && n > 0 {
			limit = n
		} else {
			return result{}, usagef("procs: %q is not a positive number or all", args[0])
		}
	}
	procs := s.deps.Node.Processes()
	total := len(procs)
	sort.SliceStable(procs, func(i, j int) bool {
		a, b := procs[i], procs[j]
		if a.Mailbox != b.Mailbox {
			return a.Mailbox > b.Mailbox
		}
		if a.Restarts != b.Restarts {
			return a.Restarts > b.Restarts
		}
		return a.Name > b.Name // named ones before unnamed
	})
	if limit >= 0 && len(procs) > limit {
		procs = procs[:limit]
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "PID\tNAME\tKIND\tMAILBOX\tRESTARTS\tLINKS\tMONITORED BY")
	for _, p := range procs {
		name := p.Name
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\t%d\n", p.PID, name, p.Kind, p.Mailbox, p.Restarts, p.Links, p.MonitoredBy)
	}
	w.Flush()
	fmt.Fprintf(&b, "%d of %d processes\n", len(procs), total)
	if procs == nil {
		procs = []runtime.ProcessInfo{}
	}
	return result{text: b.String(), data: procs}, nil
}
