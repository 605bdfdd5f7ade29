package recstore

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// concat merges by appending, which makes lost or repeated merges visible.
type concat struct{}

func (concat) Check([]byte) error { return nil }
func (concat) Merge(old, delta []byte) ([]byte, error) {
	if bytes.Equal(delta, []byte("bad")) {
		return nil, errors.New("bad delta")
	}
	return append(append([]byte{}, old...), delta...), nil
}

func TestMemoryRecords(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(concat{})
	if _, err := m.Get(ctx, "b", "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get missing: %v", err)
	}
	if _, err := m.Apply(ctx, "b", "x", []byte("a")); err != nil {
		t.Fatal(err)
	}
	v, err := m.Apply(ctx, "b", "x", []byte("b"))
	if err != nil || string(v) != "ab" {
		t.Fatalf("apply = %q, %v", v, err)
	}
	if _, err := m.Apply(ctx, "b", "x", []byte("bad")); !errors.Is(err, ErrBadValue) {
		t.Fatalf("bad delta: %v", err)
	}
	if v, _ := m.Get(ctx, "b", "x"); string(v) != "ab" {
		t.Fatalf("bad delta changed the record: %q", v)
	}
	if _, err := m.Apply(ctx, "", "x", []byte("a")); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("empty bucket: %v", err)
	}
	m.Apply(ctx, "b", "a", []byte("1"))
	var ids []string
	if err := m.Fold(ctx, "b", func(id string, _ []byte) error { ids = append(ids, id); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || ids[0] != "a" || ids[1] != "x" {
		t.Fatalf("fold order %v", ids)
	}
	if err := m.Delete(ctx, "b", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ctx, "b", "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted record: %v", err)
	}
}

func TestMemoryNames(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(concat{})
	if err := m.ClaimName(ctx, "user", "alice", "1"); err != nil {
		t.Fatal(err)
	}
	if err := m.ClaimName(ctx, "user", "alice", "1"); err != nil {
		t.Fatalf("re-claim by holder: %v", err)
	}
	if err := m.ClaimName(ctx, "user", "alice", "2"); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("claim by other: %v", err)
	}
	if err := m.ReleaseName(ctx, "user", "alice", "2"); err != nil {
		t.Fatal(err)
	}
	if id, _ := m.LookupName(ctx, "user", "alice"); id != "1" {
		t.Fatalf("release by non-holder freed the name: %q", id)
	}
	if err := m.ReleaseName(ctx, "user", "alice", "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.LookupName(ctx, "user", "alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("released name: %v", err)
	}
}

func TestMemoryCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := NewMemory(concat{})
	if _, err := m.Apply(ctx, "b", "x", []byte("a")); !errors.Is(err, context.Canceled) {
		t.Fatalf("apply on cancelled ctx: %v", err)
	}
}
