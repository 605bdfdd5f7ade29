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

// RecoverOptions say whose imports Recover fails.
type RecoverOptions struct {
	// Dir is this node's image directory (Options.Dir), where cut
	// imports leave <uuid>.part files.
	Dir string
	// Node is this node's name, as the Importer records it
	// (Options.Node).
	Node string
	// Alive reports whether a node is still a live member of the
	// cluster, whose imports must be left alone. When it cannot tell, it
	// must answer true. Nil: every node but this one is alive.
	Alive func(ctx context.Context, node string) bool
}

// Recover fails the imports a stop cut short: a dataset still
// "importing" whose import ran on this node, on a node that is no longer
// a live member (RecoverOptions.Alive), or on no recorded node (an
// import started before import nodes were recorded) is marked "failed"
// and its partial file in Dir removed. Imports running on other live
// nodes are left alone. It returns how many it failed. Call it at start,
// before this node's importer takes requests.
func Recover(ctx context.Context, st Store, o RecoverOptions) (int, error) {
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
		if d.Status != cloud.DatasetImporting || !o.cut(ctx, cloud.DatasetImportNode(d)) {
			continue
		}
		if err := st.SetDatasetStatus(ctx, id, cloud.DatasetFailed, 0); err != nil {
			return n, fmt.Errorf("images: recover %s: %w", id, err)
		}
		if err := os.Remove(filepath.Join(o.Dir, id+".part")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return n, fmt.Errorf("images: recover %s: %w", id, err)
		}
		n++
	}
	return n, nil
}

// cut reports whether an import that ran on node is over: this node
// restarted, or node left the cluster.
func (o RecoverOptions) cut(ctx context.Context, node string) bool {
	switch {
	case node == "" || node == o.Node:
		return true
	case o.Alive == nil:
		return false
	}
	return !o.Alive(ctx, node)
}
