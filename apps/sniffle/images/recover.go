package images

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// Store is what Recover needs of sniffle's cloud service
// (*cloud.Service implements it).
type Store interface {
	Cloud
	List(ctx context.Context, k cloud.Kind) ([]string, error)
	Dataset(ctx context.Context, id string) (record.Dataset, error)
}

// Recover fails the imports a stop cut short: every dataset still
// "importing" is marked "failed" and its partial file in dir removed. It
// returns how many it failed. Call it before imports start, and only
// where this node is the one that imports (the all-in-one release): an
// import running on another node would be failed too.
func Recover(ctx context.Context, st Store, dir string) (int, error) {
	ids, err := st.List(ctx, cloud.Datasets)
	if err != nil {
		return 0, fmt.Errorf("images: recover: %w", err)
	}
	n := 0
	for _, id := range ids {
		d, err := st.Dataset(ctx, id)
		if errors.Is(err, cloud.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("images: recover %s: %w", id, err)
		}
		if d.Status != cloud.DatasetImporting {
			continue
		}
		if err := st.SetDatasetStatus(ctx, id, cloud.DatasetFailed, 0); err != nil {
			return n, fmt.Errorf("images: recover %s: %w", id, err)
		}
		if err := os.Remove(filepath.Join(dir, id+".part")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return n, fmt.Errorf("images: recover %s: %w", id, err)
		}
		n++
	}
	return n, nil
}
