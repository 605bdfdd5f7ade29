package releases

import (
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
