package recstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Memory is a Store held in maps, for unit tests and tools: the same
// contract as the production store (merge through the Codec, unique
// names, errors), without partitions or durability. Safe for concurrent
// use.
type Memory struct {
	codec Codec

	mu      sync.Mutex
	records map[string]map[string][]byte // bucket → id → value
	names   map[string]map[string]string // bucket → name → id
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty Memory store merging with codec.
func NewMemory(codec Codec) *Memory {
	return &Memory{codec: codec, records: map[string]map[string][]byte{}, names: map[string]map[string]string{}}
}

func checkKey(parts ...string) error {
	for _, p := range parts {
		if p == "" {
			return fmt.Errorf("empty key part: %w", ErrInvalidKey)
		}
	}
	return nil
}

func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Apply implements Store.
func (m *Memory) Apply(ctx context.Context, bucket, id string, delta []byte) ([]byte, error) {
	if err := checkKey(bucket, id); err != nil {
		return nil, err
	}
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.records[bucket][id]
	v, err := m.codec.Merge(old, delta)
	if err != nil {
		return nil, fmt.Errorf("apply %s/%s: %w: %w", bucket, id, ErrBadValue, err)
	}
	if m.records[bucket] == nil {
		m.records[bucket] = map[string][]byte{}
	}
	m.records[bucket][id] = v
	return slices.Clone(v), nil
}

// Get implements Store.
func (m *Memory) Get(ctx context.Context, bucket, id string) ([]byte, error) {
	if err := checkKey(bucket, id); err != nil {
		return nil, err
	}
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.records[bucket][id]
	if !ok {
		return nil, fmt.Errorf("get %s/%s: %w", bucket, id, ErrNotFound)
	}
	return slices.Clone(v), nil
}

// Delete implements Store.
func (m *Memory) Delete(ctx context.Context, bucket, id string) error {
	if err := checkKey(bucket, id); err != nil {
		return err
	}
	if err := ctxErr(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.records[bucket], id)
	return nil
}

// Fold implements Store: records in id order, from a snapshot taken at the
// start (fn may write to the store).
func (m *Memory) Fold(ctx context.Context, bucket string, fn func(id string, value []byte) error) error {
	if err := checkKey(bucket); err != nil {
		return err
	}
	m.mu.Lock()
	snap := maps.Clone(m.records[bucket])
	m.mu.Unlock()
	for _, id := range slices.Sorted(maps.Keys(snap)) {
		if err := ctxErr(ctx); err != nil {
			return err
		}
		if err := fn(id, snap[id]); err != nil {
			return err
		}
	}
	return nil
}

// ClaimName implements Store.
func (m *Memory) ClaimName(ctx context.Context, bucket, name, id string) error {
	if err := checkKey(bucket, name, id); err != nil {
		return err
	}
	if err := ctxErr(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if holder, ok := m.names[bucket][name]; ok && holder != id {
		return fmt.Errorf("claim %s name %q: %w", bucket, name, ErrNameTaken)
	}
	if m.names[bucket] == nil {
		m.names[bucket] = map[string]string{}
	}
	m.names[bucket][name] = id
	return nil
}

// ReleaseName implements Store.
func (m *Memory) ReleaseName(ctx context.Context, bucket, name, id string) error {
	if err := checkKey(bucket, name, id); err != nil {
		return err
	}
	if err := ctxErr(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[bucket][name] == id {
		delete(m.names[bucket], name)
	}
	return nil
}

// LookupName implements Store.
func (m *Memory) LookupName(ctx context.Context, bucket, name string) (string, error) {
	if err := checkKey(bucket, name); err != nil {
		return "", err
	}
	if err := ctxErr(ctx); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.names[bucket][name]
	if !ok {
		return "", fmt.Errorf("lookup %s name %q: %w", bucket, name, ErrNotFound)
	}
	return id, nil
}
