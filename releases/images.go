package releases

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/fifogo/fifo/apps/sniffle"
	"github.com/fifogo/fifo/apps/sniffle/images"
)

// imageImporter imports datasets for wiggle's POST /datasets {"url"}:
// files go to <data_dir>/images, downloads run under sniffle's runner and
// report progress to howl.
func imageImporter(env *Env, sn *sniffle.Service) (*images.Importer, error) {
	imp, err := images.New(images.Options{Dir: filepath.Join(env.Config.Node.DataDir, "images"), Cloud: env.Cloud,
		Events: howlEvents(env), Go: sn.Go, Logger: env.Logger.With("app", sniffle.AppName)})
	if err != nil {
		return nil, fmt.Errorf("image importer: %w", err)
	}
	return imp, nil
}

// recoverImports fails the dataset imports the last stop cut short (this
// node is the only importer of an all-in-one cloud).
func recoverImports(ctx context.Context, env *Env) error {
	n, err := images.Recover(ctx, env.Cloud, filepath.Join(env.Config.Node.DataDir, "images"))
	if n > 0 {
		env.Logger.Info("interrupted dataset imports failed", "app", sniffle.AppName, "datasets", n)
	}
	return err
}
