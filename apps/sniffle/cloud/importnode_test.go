package cloud

import "testing"

// TestDatasetImportNode: the node recorded is read back from the dataset.
func TestDatasetImportNode(t *testing.T) {
	s, ctx := newService(t)
	id := "7b5981c4-1889-11e7-b4c5-3f3bdfc9b88b"
	must(t, s.CreateDataset(ctx, Manifest{UUID: id, Name: "x"}))
	must(t, s.SetDatasetImportNode(ctx, id, "fifo@a"))
	d, err := s.Dataset(ctx, id)
	must(t, err)
	if DatasetImportNode(d) != "fifo@a" {
		t.Fatal(DatasetImportNode(d))
	}
}

// TestDatasetImportNodeMissing: no node recorded reads as "", and "" is
// not recorded.
func TestDatasetImportNodeMissing(t *testing.T) {
	s, ctx := newService(t)
	id := "7b5981c4-1889-11e7-b4c5-3f3bdfc9b88b"
	must(t, s.CreateDataset(ctx, Manifest{UUID: id, Name: "x"}))
	must(t, s.SetMetadata(ctx, Datasets, id, []string{"fifo", "other"}, "y"))
	d, err := s.Dataset(ctx, id)
	must(t, err)
	if n := DatasetImportNode(d); n != "" {
		t.Fatalf("import node %q", n)
	}
	if err := s.SetDatasetImportNode(ctx, id, ""); err == nil {
		t.Fatal("empty node recorded")
	}
}
