package wiggle

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/apps/sniffle"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/apps/wiggle/rest"
)

// cloudOf is the REST handler's Cloud over the options' sniffle, nil
// without one.
func cloudOf(o Options) rest.Cloud {
	if o.Sniffle == nil {
		return nil
	}
	var imp rest.Importer
	if o.Images != nil {
		imp = o.Images
	}
	return rest.NewCloud(o.Sniffle.VMs(), createIn(o.Sniffle), imp)
}

// createIn starts creates with sniffle's runner; sniffle not running is
// the handler's ErrUnavailable (503).
func createIn(sn *sniffle.Service) rest.CreateFunc {
	return func(ctx context.Context, creator string, req vms.CreateRequest, advanced bool) (string, error) {
		id, err := sn.Create(ctx, creator, req, advanced)
		if errors.Is(err, sniffle.ErrNotRunning) {
			return "", fmt.Errorf("%w: %w", rest.ErrUnavailable, err)
		}
		return id, err
	}
}
