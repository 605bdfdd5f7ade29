package entity

import (
	"context"

	"github.com/fifogo/fifo/internal/record"
)

// Collections serves the calls every domain service offers on each of its
// kinds of record — list, get, and metadata — given how a kind (a REST
// collection name) maps to its bucket. A service embeds it to get them.
type Collections[K ~string] struct {
	// Repo does the record plumbing.
	Repo *Repo
	// Bucket maps a kind to its bucket, or fails with ErrInvalid.
	Bucket func(K) (string, error)
}

// List returns the ids of kind k.
func (c Collections[K]) List(ctx context.Context, k K) ([]string, error) {
	b, err := c.Bucket(k)
	if err != nil {
		return nil, err
	}
	return c.Repo.List(ctx, b)
}

// Get returns the record id of kind k.
func (c Collections[K]) Get(ctx context.Context, k K, id string) (*record.Record, error) {
	b, err := c.Bucket(k)
	if err != nil {
		return nil, err
	}
	return c.Repo.Load(ctx, b, id)
}

// SetMetadata writes value at path in the metadata of record id of kind k.
func (c Collections[K]) SetMetadata(ctx context.Context, k K, id string, path []string, value any) error {
	b, err := c.Bucket(k)
	if err != nil {
		return err
	}
	return c.Repo.SetMetadata(ctx, b, id, path, value)
}

// DeleteMetadata removes path from the metadata of record id of kind k.
func (c Collections[K]) DeleteMetadata(ctx context.Context, k K, id string, path []string) error {
	b, err := c.Bucket(k)
	if err != nil {
		return err
	}
	return c.Repo.DeleteMetadata(ctx, b, id, path)
}
