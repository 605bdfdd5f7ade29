package cloud

import (
	"context"
	"fmt"

	"github.com/fifogo/fifo/internal/record"
)

// The control node that runs a dataset's import (the download to its
// data directory) is kept in the dataset's metadata, under
// fifo.import_node, so that a node recovering from a stop fails only its
// own cut imports (and those of nodes gone from the cluster), not the
// ones running on other nodes.

// importNodePath is the metadata path of a dataset's import node.
func importNodePath() []string { return []string{"fifo", "import_node"} }

// SetDatasetImportNode records that node runs dataset id's import.
func (s *Service) SetDatasetImportNode(ctx context.Context, id, node string) error {
	if node == "" {
		return fmt.Errorf("dataset %s: import node: empty: %w", id, ErrInvalid)
	}
	return s.repo.SetMetadata(ctx, record.BucketDataset, id, importNodePath(), node)
}

// DatasetImportNode returns the node recorded as running d's import, or
// "" when none is (an import started by a release that did not record
// it).
func DatasetImportNode(d record.Dataset) string {
	m := d.Metadata
	path := importNodePath()
	for _, k := range path[:len(path)-1] {
		m, _ = m[k].(map[string]any)
	}
	n, _ := m[path[len(path)-1]].(string)
	return n
}
