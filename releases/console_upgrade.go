package releases

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/fifogo/fifo/actors/console"
	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/releases/install"
)

// consoleUpgrades pushes chunter releases from the node's releases root
// (install.DefaultDir of its data dir, as `fifo release` finds it) to
// the agents registered with its sniffle (docs/releases.md, "Pushing
// chunter to hypervisors").
type consoleUpgrades struct{ u *client.Upgrader }

// newConsoleUpgrades returns the console's upgrader, or nil when the node
// runs no agents' receiver.
func newConsoleUpgrades(env *Env) (console.HypervisorUpgrades, error) {
	if env.Sniffle == nil || env.Sniffle.Receiver() == nil {
		return nil, nil
	}
	dir, err := filepath.Abs(install.DefaultDir(env.Config.Node.DataDir))
	if err != nil {
		return nil, fmt.Errorf("releases root: %w", err)
	}
	root, err := install.New(install.Options{Dir: dir})
	if err != nil {
		return nil, err
	}
	return consoleUpgrades{u: &client.Upgrader{
		Client: client.New(env.Node),
		Agents: env.Sniffle.Receiver(),
		Binaries: func(version, os, arch string) (client.Binary, error) {
			b, err := root.ChunterBinary(version, install.Platform{OS: os, Arch: arch})
			if err != nil {
				return client.Binary{}, err
			}
			return client.Binary{Version: version, OS: os, Arch: arch, Path: b.Path, Size: b.File.Size, SHA256: b.File.SHA256,
				UpgradeFrom: b.Manifest.UpgradeFrom, Source: fmt.Sprintf("%s release %s (%s)", b.Manifest.Name, b.Manifest.Version, b.Dir)}, nil
		},
	}}, nil
}

// Upgrade implements console.HypervisorUpgrades.
func (c consoleUpgrades) Upgrade(ctx context.Context, r console.UpgradeRequest, progress func(hv, line string)) ([]console.UpgradeResult, error) {
	res, err := c.u.Upgrade(ctx, client.UpgradeOptions{Version: r.Version, Hypervisors: r.Hypervisors, Parallel: r.Parallel, Progress: progress})
	if err != nil {
		return nil, err
	}
	out := make([]console.UpgradeResult, 0, len(res))
	for _, x := range res {
		cr := console.UpgradeResult{HV: x.HV, Node: x.Node, From: x.From, To: x.To, Outcome: x.Outcome,
			Bytes: x.Transfer.Bytes, Chunks: x.Transfer.Chunks, Resent: x.Transfer.Retries,
			PIDBefore: x.PIDBefore, PIDAfter: x.PIDAfter, Seconds: x.Took.Seconds()}
		if x.Err != nil {
			cr.Error = x.Err.Error()
		}
		out = append(out, cr)
	}
	return out, nil
}
