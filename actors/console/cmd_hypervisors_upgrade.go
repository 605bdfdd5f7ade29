package console

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// UpgradeBudget bounds a `hypervisors upgrade` on the node, instead of the
// console's per-command Timeout: pushing binaries and waiting for agents
// to come back takes minutes. A client that stops waiting (fifo admin
// --timeout) does not stop it.
const UpgradeBudget = time.Hour

// UpgradeRequest is what `hypervisors upgrade` asks for.
type UpgradeRequest struct {
	// Version is the chunter version to run.
	Version string
	// Hypervisors are the uuids to upgrade; empty: every connected agent.
	Hypervisors []string
	// Parallel is how many are upgraded at once.
	Parallel int
}

// UpgradeResult is one hypervisor's upgrade.
type UpgradeResult struct {
	HV   string `json:"uuid"`
	Node string `json:"node"`
	From string `json:"from"`
	To   string `json:"to"`
	// Outcome is "upgraded", "already", "skipped" or "failed".
	Outcome string `json:"outcome"`
	// Error says why it failed or was skipped.
	Error string `json:"error,omitempty"`
	// Bytes and Chunks were sent, Resent of them again.
	Bytes  int64 `json:"bytes"`
	Chunks int   `json:"chunks"`
	Resent int   `json:"resent"`
	// PIDBefore and PIDAfter are the agent's process ids.
	PIDBefore int64   `json:"pid_before"`
	PIDAfter  int64   `json:"pid_after"`
	Seconds   float64 `json:"seconds"`
}

// HypervisorUpgrades pushes chunter releases from this node's releases
// root to hypervisors (the release fills it in on nodes that run
// sniffle). Upgrade reports each step through progress (concurrently
// for several hypervisors) and returns one result per hypervisor; its
// error is for a request it could not start.
type HypervisorUpgrades interface {
	Upgrade(ctx context.Context, r UpgradeRequest, progress func(hv, line string)) ([]UpgradeResult, error)
}

// upgradeUsage is the synopsis of hypervisors upgrade's arguments.
const upgradeUsage = "<version> [--hypervisor <uuid>]... [--parallel N]"

func upgradeCommand() command {
	return command{path: []string{"hypervisors", "upgrade"}, args: upgradeUsage, min: 1, max: -1,
		help: "push a chunter release to the connected hypervisors (VMs keep running)", run: runHypervisorsUpgrade}
}

// parseUpgrade parses hypervisors upgrade's arguments.
func parseUpgrade(args []string) (UpgradeRequest, error) {
	r := UpgradeRequest{Parallel: 1}
	bad := func(format string, a ...any) error {
		return usagef("hypervisors upgrade: "+format+"\nusage: hypervisors upgrade "+upgradeUsage, a...)
	}
	v, err := versionAndFlags(args, func(name, val string) error {
		switch name {
		case "--hypervisor":
			r.Hypervisors = append(r.Hypervisors, val)
		case "--parallel":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 64 {
				return fmt.Errorf("--parallel %q: want 1..64", val)
			}
			r.Parallel = n
		default:
			return fmt.Errorf("unknown flag %s", name)
		}
		return nil
	})
	if err != nil {
		return r, bad("%v", err)
	}
	r.Version = v
	return r, nil
}

func runHypervisorsUpgrade(ctx context.Context, s *Shell, args []string) (result, error) {
	req, err := parseUpgrade(args)
	if err != nil {
		return result{}, err
	}
	if err := need(s.deps.Upgrades != nil, "hypervisors upgrade (sniffle does not run here)"); err != nil {
		return result{}, err
	}
	// The upgrade's own budget replaces the console's deadline; stopping
	// the console still cancels it.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), UpgradeBudget)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			cancel()
		}
	})
	defer stop()

	start := s.deps.Now()
	var mu sync.Mutex
	var log strings.Builder
	progress := func(hv, line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&log, "[%6.1fs] %s: %s\n", s.deps.Now().Sub(start).Seconds(), hv, line)
		s.deps.Logger.Info("hypervisor upgrade", "hv", hv, "version", req.Version, "step", line)
	}
	res, err := s.deps.Upgrades.Upgrade(uctx, req, progress)
	if err != nil {
		return result{}, fmt.Errorf("hypervisors upgrade %s: %w", req.Version, err)
	}
	mu.Lock()
	text := log.String()
	mu.Unlock()
	text += upgradeTable(res)
	var failed []string
	counts := map[string]int{}
	for _, r := range res {
		counts[r.Outcome]++
		if r.Outcome == "failed" {
			failed = append(failed, fmt.Sprintf("  %s: %s", r.HV, r.Error))
		}
	}
	text += fmt.Sprintf("%d upgraded, %d already at %s, %d skipped, %d failed\n",
		counts["upgraded"], counts["already"], req.Version, counts["skipped"], counts["failed"])
	if len(res) == 0 {
		return result{}, fmt.Errorf("hypervisors upgrade %s: no hypervisor agent is connected", req.Version)
	}
	if len(failed) > 0 {
		return result{}, fmt.Errorf("hypervisors upgrade %s failed on %d of %d hypervisors:\n%s\n\n%s",
			req.Version, len(failed), len(res), strings.Join(failed, "\n"), text)
	}
	return result{text: text, data: res}, nil
}

// upgradeTable renders the results.
func upgradeTable(res []UpgradeResult) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "UUID\tNODE\tFROM\tTO\tOUTCOME\tSENT\tPID")
	for _, r := range res {
		pid := "-"
		if r.PIDBefore != 0 {
			pid = strconv.FormatInt(r.PIDBefore, 10)
			if r.PIDAfter != r.PIDBefore && r.PIDAfter != 0 {
				pid += "->" + strconv.FormatInt(r.PIDAfter, 10)
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d chunks (%d resent)\t%s\n", r.HV, dash(r.Node), dash(r.From), dash(r.To), r.Outcome, r.Chunks, r.Resent, pid)
	}
	w.Flush()
	return b.String()
}
