package replica

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/internal/ring"
)

// BaselineFile, in the data dir, holds the number of records the store
// held after the node's first start.
const BaselineFile = "join-baseline"

// Join makes this node, alone in its ring, join the cluster of seed (any
// member). The node's own records are dropped first (see the package
// documentation); unless force, Join refuses with ErrHasData when there
// are more of them than after the node's first start.
func (c *Cluster) Join(ctx context.Context, seed string, force bool) error {
	st, err := actorring.GetStatus(ctx, c.node)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	if seed == st.Self {
		return fmt.Errorf("join: %s is this node", seed)
	}
	if live := st.Ring.WithStatus(ring.Joining, ring.Valid, ring.Leaving, ring.Down); len(live) != 1 {
		return fmt.Errorf("join: %w (%d members)", actorring.ErrClustered, len(live))
	}
	if !force {
		n, err := c.countRecords()
		if err != nil {
			return fmt.Errorf("join: %w", err)
		}
		if base := c.baseline(); n > base {
			return fmt.Errorf("join: %w: %d records, %d after the first start (they would be dropped; --force drops them)",
				ErrHasData, n, base)
		}
	}
	if err := c.node.Connect(seed); err != nil {
		return fmt.Errorf("join: %s: %w", seed, err)
	}
	if err := c.svc.Clear(); err != nil {
		return fmt.Errorf("join: drop this node's records: %w", err)
	}
	if err := actorring.Join(ctx, c.node, seed); err != nil {
		return fmt.Errorf("join %s: %w", seed, err)
	}
	return nil
}

// Leave makes this node leave its cluster: its partitions are handed to
// the others, then it is Left.
func (c *Cluster) Leave(ctx context.Context) error {
	if err := actorring.Leave(ctx, c.node); err != nil {
		return fmt.Errorf("leave: %w", err)
	}
	return nil
}

// MarkBaseline records, on the node's first start (no baseline yet), how
// many records its store holds: what Join may drop without force. Call it
// once the release's first-start data is written.
func (c *Cluster) MarkBaseline() error {
	path := filepath.Join(c.o.DataDir, BaselineFile)
	if _, err := os.Stat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	n, err := c.countRecords()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(n)+"\n"), 0o600); err != nil {
		return fmt.Errorf("join baseline: %w", err)
	}
	return nil
}

// baseline returns the recorded baseline (0 without one).
func (c *Cluster) baseline() int {
	b, err := os.ReadFile(filepath.Join(c.o.DataDir, BaselineFile))
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return n
}

// countRecords counts the live records of this node's store.
func (c *Cluster) countRecords() (int, error) {
	n := 0
	for p := range c.svc.Partitions() {
		err := c.svc.FoldPartition(p, func(_, _ string, v []byte) error {
			if !c.codec.IsTombstone(v) {
				n++
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return n, nil
}
