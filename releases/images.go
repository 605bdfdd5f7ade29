package releases

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/apps/sniffle"
	"github.com/fifogo/fifo/apps/sniffle/images"
	"github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
)

// imageImporter imports datasets for wiggle's POST /datasets {"url"}:
// files go to <data_dir>/images, downloads run under sniffle's runner and
// report progress to howl; each dataset records this node as its import
// node.
func imageImporter(env *Env, sn *sniffle.Service) (*images.Importer, error) {
	imp, err := images.New(images.Options{Dir: filepath.Join(env.Config.Node.DataDir, "images"), Cloud: env.Cloud,
		Node: env.Config.Node.Name, Events: howlEvents(env), Go: sn.Go, Logger: env.Logger.With("app", sniffle.AppName)})
	if err != nil {
		return nil, fmt.Errorf("image importer: %w", err)
	}
	return imp, nil
}

// recoverImports fails the dataset imports the last stop of this node
// cut short, and those of nodes that are no longer ring members; imports
// running on other members are left alone.
func recoverImports(ctx context.Context, env *Env) error {
	n, err := images.Recover(ctx, env.Cloud, images.RecoverOptions{Dir: filepath.Join(env.Config.Node.DataDir, "images"),
		Node: env.Node.Name(), Alive: ringMember(env.Node)})
	if n > 0 {
		env.Logger.Info("interrupted dataset imports failed", "app", sniffle.AppName, "datasets", n)
	}
	return err
}

// ringMember reports whether a node is a member of n's ring (joining,
// valid or leaving), whether or not it is reachable now: a member that
// restarts recovers its own imports. When the ring cannot be read, it
// answers true (leave the import alone).
func ringMember(n *runtime.Node) func(ctx context.Context, node string) bool {
	return func(ctx context.Context, node string) bool {
		st, err := actorring.GetStatus(ctx, n)
		if err != nil || st.Ring == nil {
			return true
		}
		return slices.Contains(st.Ring.WithStatus(ring.Joining, ring.Valid, ring.Leaving), node)
	}
}
