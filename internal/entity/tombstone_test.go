package entity

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// tombStore is a recstore.Memory that deletes as a replicated store does:
// by merging the record's tombstone (its causal context, no fields), and
// that hands tombstones over through GetWithTombstone unless hide is set.
type tombStore struct {
	*recstore.Memory
	hide bool
}

func (s *tombStore) Get(ctx context.Context, bucket, id string) ([]byte, error) {
	v, err := s.Memory.Get(ctx, bucket, id)
	if err == nil && record.IsTombstone(v) {
		return nil, fmt.Errorf("get %s/%s: %w (deleted)", bucket, id, recstore.ErrNotFound)
	}
	return v, err
}

func (s *tombStore) Delete(ctx context.Context, bucket, id string) error {
	v, err := s.Memory.Get(ctx, bucket, id)
	if errors.Is(err, recstore.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	tomb, err := record.Tombstone(v)
	if err != nil {
		return err
	}
	_, err = s.Memory.Apply(ctx, bucket, id, tomb)
	return err
}

func (s *tombStore) GetWithTombstone(ctx context.Context, bucket, id string) ([]byte, error) {
	return s.Memory.Get(ctx, bucket, id)
}

// hidden is the store without GetWithTombstone.
type hidden struct{ recstore.Store }

// TestUpsertRecreatesOnTombstone: a record upserted, deleted (a
// tombstone) and upserted again under the same id by the same actor —
// a hypervisor registered again after its delete — holds the second
// write, and later updates land too. Without the tombstone (a store that
// cannot hand it over) the same sequence loses the write: the check that
// the test can fail.
func TestUpsertRecreatesOnTombstone(t *testing.T) {
	ctx := context.Background()
	setName := func(name string) Mutator {
		return func(rec *record.Record, st record.Stamp) (*record.Record, error) {
			return rec.SetField(st, "alias", name)
		}
	}
	run := func(st recstore.Store) (string, error) {
		r := NewRepo(st, "node-a", func() int64 { return time.Now().UnixNano() }, rand.Reader)
		const id = "7f1c3c0e-0000-4000-8000-000000000001"
		if err := r.Upsert(ctx, record.BucketHypervisor, id, setName("first")); err != nil {
			return "", err
		}
		if err := r.Update(ctx, record.BucketHypervisor, id, setName("renamed")); err != nil {
			return "", err
		}
		if err := st.Delete(ctx, record.BucketHypervisor, id); err != nil {
			return "", err
		}
		if _, err := r.Load(ctx, record.BucketHypervisor, id); !errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("deleted record loads: %v", err)
		}
		// A new Repo: the actor's dots of this record restart from the
		// store's state, as after a restart of the node.
		r = NewRepo(st, "node-a", func() int64 { return time.Now().UnixNano() }, rand.Reader)
		if err := r.Upsert(ctx, record.BucketHypervisor, id, setName("second")); err != nil {
			return "", err
		}
		rec, err := r.Load(ctx, record.BucketHypervisor, id)
		if err != nil {
			return "", err
		}
		if alias(rec) != "second" {
			return alias(rec), nil
		}
		if err := r.Update(ctx, record.BucketHypervisor, id, setName("third")); err != nil {
			return "", err
		}
		if rec, err = r.Load(ctx, record.BucketHypervisor, id); err != nil {
			return "", err
		}
		return alias(rec), nil
	}
	got, err := run(&tombStore{Memory: recstore.NewMemory(record.StoreCodec{})})
	if err != nil || got != "third" {
		t.Fatalf("re-created record: alias %q, %v; want third", got, err)
	}
	got, err = run(hidden{&tombStore{Memory: recstore.NewMemory(record.StoreCodec{})}})
	if err == nil && got == "third" {
		t.Fatalf("without the tombstone the re-created record kept its writes: the test cannot tell")
	}
	t.Logf("without the tombstone: alias %q, %v", got, err)
}

// alias reads a hypervisor's alias register.
func alias(rec *record.Record) string {
	var a string
	if v, ok := rec.Fields.Get("alias"); ok && v.LWW != nil {
		_ = v.LWW.Decode(&a)
	}
	return a
}
