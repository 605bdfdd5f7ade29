package replica

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fifogo/fifo/actors/store"
)

// ClaimName implements store.Store: the claim runs at the owner of the
// name's partition, never elsewhere.
func (c *Cluster) ClaimName(ctx context.Context, bucket, name, id string) error {
	return c.nameOp(ctx, "claim", bucket, name, id, false)
}

// ReleaseName implements store.Store, at the owner like ClaimName.
func (c *Cluster) ReleaseName(ctx context.Context, bucket, name, id string) error {
	return c.nameOp(ctx, "release", bucket, name, id, true)
}

func (c *Cluster) nameOp(ctx context.Context, op, bucket, name, id string, release bool) error {
	v, err := c.current(ctx)
	if err != nil {
		return err
	}
	if v.alone {
		if release {
			return c.local.ReleaseName(ctx, bucket, name, id)
		}
		return c.local.ClaimName(ctx, bucket, name, id)
	}
	start := time.Now()
	err = c.atOwner(ctx, v, bucket, name, id, release)
	c.m.done(op, start, outcome(err))
	return err
}

// atOwner sends a name operation to the owner of the name's partition.
func (c *Cluster) atOwner(ctx context.Context, v *view, bucket, name, id string, release bool) error {
	if bucket == "" || name == "" {
		return fmt.Errorf("name %q/%q: %w", bucket, name, store.ErrInvalidKey)
	}
	p := v.partitionOfName(bucket, name)
	owner := v.owner(p)
	switch {
	case owner == "":
		return fmt.Errorf("name %s/%s: %w: partition %d has no live owner", bucket, name, ErrUnavailable, p)
	case owner == v.self:
		return c.ownerOp(ctx, NameReq{Partition: int64(p), Bucket: bucket, Name: name, ID: id, Release: release})
	case v.isUnreachable(owner):
		return fmt.Errorf("name %s/%s: %w: owner %s of partition %d is unreachable", bucket, name, ErrUnavailable, owner, p)
	}
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	_, err := c.node.Call(cctx, peer(owner), NameReq{Partition: int64(p), Bucket: bucket, Name: name, ID: id, Release: release})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotOwner), unreachable(err):
		return fmt.Errorf("name %s/%s at %s: %w: %w", bucket, name, owner, ErrUnavailable, err)
	}
	return fmt.Errorf("name %s/%s at %s: %w", bucket, name, owner, err)
}

// ownerOp runs a name operation on this node, the owner of the name's
// partition as far as its own ring says (ErrNotOwner otherwise), then
// copies the name's state to the partition's other primaries.
func (c *Cluster) ownerOp(ctx context.Context, q NameReq) error {
	v := c.view.Load()
	p := int(q.Partition)
	if v == nil || p < 0 || p >= v.r.Partitions() || v.owner(p) != v.self {
		return fmt.Errorf("name %s/%s: %w: partition %d", q.Bucket, q.Name, ErrNotOwner, p)
	}
	var err error
	if q.Release {
		err = c.local.ReleaseName(ctx, q.Bucket, q.Name, q.ID)
	} else {
		err = c.local.ClaimName(ctx, q.Bucket, q.Name, q.ID)
	}
	if err != nil {
		return err
	}
	go c.copyName(v, p, q.Bucket, q.Name)
	return nil
}

// copyName sends the name's state as this node holds it to the other
// primaries of its partition (best effort: a copy lost is repaired by the
// next operation on the name, or by anti-entropy).
func (c *Cluster) copyName(v *view, p int, bucket, name string) {
	holder, err := c.local.LookupName(context.Background(), bucket, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return
	}
	for _, node := range v.r.Preflist(p, c.o.N) {
		if node == v.self || v.isUnreachable(node) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.o.Timeout)
		_, err := c.node.Call(ctx, vnode(node, p), store.PutNameReq{Bucket: bucket, Name: name, ID: holder})
		cancel()
		if err != nil {
			c.m.NameCopies.WithLabelValues("error").Inc()
			c.log.Debug("name copy failed", "node", node, "partition", p, "err", err)
			continue
		}
		c.m.NameCopies.WithLabelValues("ok").Inc()
	}
}

// LookupName implements store.Store: the owner of the name's partition
// answers; when it is unreachable, the other primaries' copies do.
func (c *Cluster) LookupName(ctx context.Context, bucket, name string) (string, error) {
	v, err := c.current(ctx)
	if err != nil {
		return "", err
	}
	if v.alone {
		return c.local.LookupName(ctx, bucket, name)
	}
	start := time.Now()
	id, err := c.lookup(ctx, v, bucket, name)
	c.m.done("lookup", start, outcome(err))
	return id, err
}

func (c *Cluster) lookup(ctx context.Context, v *view, bucket, name string) (string, error) {
	if bucket == "" || name == "" {
		return "", fmt.Errorf("name %q/%q: %w", bucket, name, store.ErrInvalidKey)
	}
	p := v.partitionOfName(bucket, name)
	// The owner grants claims, so its answer is the truth, found or not.
	// A copy (another replica) knows a name the owner gave out, but a
	// copy without the name proves nothing — it may have missed the
	// claim, or be this node's own store before it reached its peers — so
	// with the owner out of reach only a found name is an answer.
	owner := v.owner(p)
	nodes := v.r.Preflist(p, c.o.N)
	if owner != "" && len(nodes) > 0 && nodes[0] != owner {
		nodes = append([]string{owner}, nodes...)
	}
	var last error
	for _, node := range nodes {
		if v.isUnreachable(node) {
			continue
		}
		id, found, err := c.lookupAt(ctx, v, node, p, bucket, name)
		if err != nil {
			last = err
			continue
		}
		switch {
		case found:
			return id, nil
		case node == owner || owner == "":
			return "", fmt.Errorf("name %s/%s: %w", bucket, name, store.ErrNotFound)
		}
	}
	return "", unavailable(fmt.Sprintf("lookup %s/%s", bucket, name), 0, 1, last)
}

// lookupAt asks one replica, this node's store or another node's, for
// the holder of name.
func (c *Cluster) lookupAt(ctx context.Context, v *view, node string, p int, bucket, name string) (string, bool, error) {
	if node == v.self {
		id, err := c.local.LookupName(ctx, bucket, name)
		if errors.Is(err, store.ErrNotFound) {
			return "", false, nil
		}
		return id, err == nil, err
	}
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	r, err := c.node.Call(cctx, peer(node), LookupReq{Partition: int64(p), Bucket: bucket, Name: name})
	if err != nil {
		return "", false, err
	}
	resp, ok := r.(LookupResp)
	if !ok {
		return "", false, fmt.Errorf("lookup at %s: unexpected answer %T", node, r)
	}
	return resp.ID, resp.Found, nil
}
