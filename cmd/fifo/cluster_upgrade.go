package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/fifogo/fifo/actors/console"
	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/releases/rolling"
)

// clusterCallTimeout bounds one console call of the upgrade (a node that
// hands over does not answer for a while: the next poll asks again).
const clusterCallTimeout = 10 * time.Second

// newClusterUpgradeCmd is `fifo cluster upgrade <version>`: a rolling
// live upgrade of every member, the local node last (releases/rolling).
func newClusterUpgradeCmd(f *consoleFlags, env func(string) (string, bool), asJSON *bool) *cobra.Command {
	var nodeTimeout, readyTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "upgrade <version>",
		Short: "Upgrade every member to an unpacked release, live, one node at a time (this node last)",
		Long: "Upgrade the cluster of the running node to <version>, live, one member at a time: the others in\n" +
			"name order, this node last. Every member must run, be valid and reachable, and have <version>\n" +
			"unpacked in its own releases root (fifo release unpack on each host); otherwise nothing changes.\n" +
			"Each member is asked over its console to install the release (the same live hand-off as\n" +
			"fifo release install there); the command waits until it answers again under its name, runs\n" +
			"<version> and is ready, and until every member sees every member valid and reachable with no\n" +
			"handoff pending and no hint held, then goes on to the next. It stops at the first member that\n" +
			"fails, saying which and why; the cluster then runs mixed versions, which is supported.\n" +
			"Peers are reached at the configuration's dist.routes, else through EPMD on their host.\n" +
			"Exit status: 0 every member runs <version>, 1 the upgrade failed on a member (or was refused\n" +
			"before any change), 2 usage error or cannot connect to this node.",
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			return runClusterUpgrade(c, f, env, args[0], nodeTimeout, readyTimeout, *asJSON)
		},
	}
	cmd.Flags().DurationVar(&nodeTimeout, "timeout", 5*time.Minute,
		"how long each member may take: its install, its return, and the cluster's health after it")
	cmd.Flags().DurationVar(&readyTimeout, "ready-timeout", 0,
		"how long each new binary may take to serve once the old one released its services (default: the node's, 60s)")
	return cmd
}

// runClusterUpgrade runs the upgrade from this node's console and prints
// the progress and a summary.
func runClusterUpgrade(cmd *cobra.Command, f *consoleFlags, env func(string) (string, bool), version string,
	nodeTimeout, readyTimeout time.Duration, asJSON bool) error {
	cfg, err := config.Load(f.configPath, env)
	if err != nil {
		return usageError{err}
	}
	local := f.node
	if local == "" {
		local = cfg.Node.Name
	}
	out := cmd.OutOrStdout()
	if asJSON {
		out = cmd.ErrOrStderr() // progress; the result goes to stdout
	}
	nodes := &consoleNodes{f: f, env: env, cfg: cfg, local: local, stderr: cmd.ErrOrStderr(),
		readyTimeout: readyTimeout, clients: map[string]*console.Client{}}
	defer nodes.close()
	// This node must answer: otherwise it is a usage error (exit 2), as
	// for every console command.
	if _, err := nodes.client(cmd.Context(), local); err != nil {
		return err
	}
	id, err := upgradeID()
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := rolling.Upgrade(cmd.Context(), nodes, rolling.Options{
		Version: version, Local: local, NodeTimeout: nodeTimeout, ID: id,
		Progress: func(line string) { fmt.Fprintf(out, "[%6.1fs] %s\n", time.Since(start).Seconds(), line) },
	})
	if asJSON {
		b, jerr := json.Marshal(res)
		if jerr != nil {
			return jerr
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
	} else {
		printUpgradeSummary(out, res)
	}
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "fifo: cluster upgrade to %s: %v\n", version, err)
		var ne *rolling.NodeError
		if errors.As(err, &ne) {
			fmt.Fprintf(cmd.ErrOrStderr(), "the cluster runs mixed versions now (supported); fix %s, then run the command again to go on\n", ne.Node)
		}
		return exitCode(exitFailure)
	}
	fmt.Fprintf(out, "every member runs %s (%v)\n", version, time.Since(start).Round(100*time.Millisecond))
	return nil
}

// printUpgradeSummary writes one line per member.
func printUpgradeSummary(w io.Writer, res rolling.Result) {
	for _, n := range res.Nodes {
		line := fmt.Sprintf("  %-32s %-10s -> %-10s %s", n.Node, n.From, n.To, n.Outcome)
		if n.Outcome == rolling.OutcomeUpgraded {
			line += fmt.Sprintf(" (pid %d -> %d, %v)", n.PIDs[0], n.PIDs[1], n.Took.Round(100*time.Millisecond))
		}
		if n.Error != "" {
			line += ": " + n.Error
		}
		fmt.Fprintln(w, line)
	}
}

// upgradeID names one run of the command (each node's install is it plus
// the node's name).
func upgradeID() (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("upgrade id: %w", err)
	}
	return "cu-" + hex.EncodeToString(b), nil
}

// consoleNodes is rolling.Nodes over the members' consoles: one console
// client per member, dialled again after a call that got no answer.
type consoleNodes struct {
	f            *consoleFlags
	env          func(string) (string, bool)
	cfg          config.Config
	local        string
	stderr       io.Writer
	readyTimeout time.Duration

	mu      sync.Mutex
	clients map[string]*console.Client
}

// client returns the console client of node, dialling it when needed:
// this node as the configuration says, a peer at its configured route or
// through EPMD on its host.
func (n *consoleNodes) client(ctx context.Context, node string) (*console.Client, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if c := n.clients[node]; c != nil {
		return c, nil
	}
	t, err := n.f.resolve(node, n.env)
	if err != nil {
		return nil, err
	}
	if node != n.cfg.Node.Name {
		for _, r := range n.cfg.Dist.Routes {
			if r.Node == node {
				t.opts.Host, t.opts.Port = r.Host, uint16(r.Port)
			}
		}
	}
	dctx, cancel := context.WithTimeout(ctx, clusterCallTimeout)
	defer cancel()
	c, err := n.f.dial(dctx, t, n.stderr)
	if err != nil {
		return nil, err
	}
	n.clients[node] = c
	return c, nil
}

// drop closes node's client after a failed call.
func (n *consoleNodes) drop(node string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if c := n.clients[node]; c != nil {
		c.Close()
		delete(n.clients, node)
	}
}

// close closes every client.
func (n *consoleNodes) close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for name, c := range n.clients {
		c.Close()
		delete(n.clients, name)
	}
}

// run runs a console command on node and decodes its JSON result into v.
func (n *consoleNodes) run(ctx context.Context, node string, args []string, v any) error {
	c, err := n.client(ctx, node)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, clusterCallTimeout)
	defer cancel()
	r, err := c.Run(cctx, args, true)
	if err != nil {
		n.drop(node)
		return err
	}
	if r.Status != console.StatusOK {
		return errors.New(strings.TrimSpace(strings.TrimPrefix(r.Output, "error: ")))
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		return fmt.Errorf("%s: %s: %w", node, strings.Join(args, " "), err)
	}
	return nil
}

// Ring implements rolling.Nodes.
func (n *consoleNodes) Ring(ctx context.Context, node string) (rolling.Ring, error) {
	var d struct {
		Cluster *rolling.Ring `json:"cluster"`
	}
	if err := n.run(ctx, node, []string{"cluster", "status"}, &d); err != nil {
		return rolling.Ring{}, err
	}
	if d.Cluster == nil {
		return rolling.Ring{}, fmt.Errorf("%s runs no ring: it is not clustered", node)
	}
	return *d.Cluster, nil
}

// Status implements rolling.Nodes.
func (n *consoleNodes) Status(ctx context.Context, node, version string) (rolling.NodeStatus, error) {
	var st rolling.NodeStatus
	err := n.run(ctx, node, []string{"release", "status", version}, &st)
	return st, err
}

// Install implements rolling.Nodes.
func (n *consoleNodes) Install(ctx context.Context, node, version, id string) error {
	args := []string{"release", "install", version, "--id", id}
	if n.readyTimeout > 0 {
		args = append(args, "--ready-timeout", n.readyTimeout.String())
	}
	return n.run(ctx, node, args, nil)
}
