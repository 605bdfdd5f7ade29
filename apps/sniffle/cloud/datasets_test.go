package cloud

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// tombStore is a recstore.Memory that deletes as a replicated store does
// (actors/replica): by merging the record's tombstone, its causal context
// without fields, and that hands tombstones over through GetWithTombstone
// (entity.TombstoneReader).
type tombStore struct{ *recstore.Memory }

func (s tombStore) Get(ctx context.Context, bucket, id string) ([]byte, error) {
	v, err := s.Memory.Get(ctx, bucket, id)
	if err == nil && record.IsTombstone(v) {
		return nil, fmt.Errorf("get %s/%s: %w (deleted)", bucket, id, recstore.ErrNotFound)
	}
	return v, err
}

func (s tombStore) Delete(ctx context.Context, bucket, id string) error {
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

func (s tombStore) GetWithTombstone(ctx context.Context, bucket, id string) ([]byte, error) {
	return s.Memory.Get(ctx, bucket, id)
}

// hiddenTombs is a tombStore without GetWithTombstone: a writer cannot
// start from the tombstone.
type hiddenTombs struct{ recstore.Store }

// TestCreateDatasetAfterDeleteKeepsWrites: a dataset created, deleted (a
// tombstone, as in a cluster) and imported again under the same uuid is
// readable with the second manifest's fields, set fields included, takes
// later updates, and a third create is ErrConflict. Over a store that
// cannot hand the tombstone over the same sequence loses the re-import,
// as the old Put of a fresh record did: the check that the test can fail.
func TestCreateDatasetAfterDeleteKeepsWrites(t *testing.T) {
	const id = "3c8e4c7a-0000-4000-8000-00000000d5e7"
	first := Manifest{UUID: id, Name: "base64", Version: "1.0", OS: "smartos"}
	second := Manifest{UUID: id, Name: "base64-again", Version: "2.0", OS: "linux", Type: "lx-dataset",
		ImageSize: 1024}
	second.Requirements.Networks = append(second.Requirements.Networks, struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}{Name: "net0", Description: "public"})
	second.Requirements.MinPlatform = map[string]string{"7.0": "20140101T000000Z"}

	run := func(st recstore.Store) (record.Dataset, error) {
		s, ctx := New(st, Options{Actor: "test"}), context.Background()
		if err := s.CreateDataset(ctx, first); err != nil {
			return record.Dataset{}, err
		}
		if err := s.SetDatasetStatus(ctx, id, DatasetImported, 1); err != nil {
			return record.Dataset{}, err
		}
		if err := s.DeleteDataset(ctx, id); err != nil {
			return record.Dataset{}, err
		}
		if _, err := s.Dataset(ctx, id); !errors.Is(err, ErrNotFound) {
			return record.Dataset{}, fmt.Errorf("deleted dataset loads: %v", err)
		}
		if err := s.CreateDataset(ctx, second); err != nil {
			return record.Dataset{}, fmt.Errorf("re-import: %w", err)
		}
		if err := s.CreateDataset(ctx, second); !errors.Is(err, ErrConflict) {
			return record.Dataset{}, fmt.Errorf("create over a live dataset: %v, want ErrConflict", err)
		}
		if err := s.SetDatasetStatus(ctx, id, DatasetImporting, 0.5); err != nil {
			return record.Dataset{}, err
		}
		return s.Dataset(ctx, id)
	}

	d, err := run(tombStore{recstore.NewMemory(record.StoreCodec{})})
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "base64-again" || d.DatasetVersion != "2.0" || d.OS != "linux" || d.DatasetType != "zone" ||
		d.ZoneType != "lx" || d.ImageSize != 1024 || d.Status != DatasetImporting || d.Imported != 0.5 {
		t.Errorf("re-imported dataset: %+v", d)
	}
	if want := []record.DatasetNetwork{{Name: "net0", Desc: "public"}}; !slices.Equal(d.Networks, want) {
		t.Errorf("networks %+v, want %+v", d.Networks, want)
	}
	if len(d.Requirements) != 1 {
		t.Errorf("requirements %+v, want the min_platform rule", d.Requirements)
	}

	d, err = run(hiddenTombs{tombStore{recstore.NewMemory(record.StoreCodec{})}})
	if err == nil && d.Name == "base64-again" && d.Status == DatasetImporting {
		t.Fatalf("without the tombstone the re-import kept its writes: the test cannot tell")
	}
	t.Logf("without the tombstone: %+v, %v", d, err)
}
