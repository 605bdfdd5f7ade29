package images

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// TestRecoverOnlyCutImports: with imports recorded per node, Recover on
// node a fails a's own imports, those of a node gone from the cluster and
// those of no recorded node, and leaves a live node's import running.
func TestRecoverOnlyCutImports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	byNode := map[string]string{ // dataset → import node
		"7b5981c4-1889-11e7-b4c5-3f3bdfc9b8a1": "fifo@a",
		"7b5981c4-1889-11e7-b4c5-3f3bdfc9b8a2": "fifo@b",
		"7b5981c4-1889-11e7-b4c5-3f3bdfc9b8a3": "fifo@c",
		"7b5981c4-1889-11e7-b4c5-3f3bdfc9b8a4": "",
	}
	must(os.MkdirAll(f.dir, 0o755))
	for id, node := range byNode {
		must(f.cloud.CreateDataset(ctx, cloud.Manifest{UUID: id, Name: "d" + id[len(id)-1:]}))
		if node != "" {
			must(f.cloud.SetDatasetImportNode(ctx, id, node))
		}
		must(f.cloud.SetDatasetStatus(ctx, id, cloud.DatasetImporting, 0.4))
		must(os.WriteFile(filepath.Join(f.dir, id+".part"), []byte("half"), 0o644))
	}
	var asked []string
	alive := func(_ context.Context, node string) bool {
		asked = append(asked, node)
		return node == "fifo@b"
	}
	n, err := Recover(ctx, f.cloud, RecoverOptions{Dir: f.dir, Node: "fifo@a", Alive: alive})
	if err != nil || n != 3 {
		t.Fatalf("recover: %d %v", n, err)
	}
	for id, node := range byNode {
		want := cloud.DatasetFailed
		if node == "fifo@b" {
			want = cloud.DatasetImporting
		}
		if d := f.dataset(id); d.Status != want {
			t.Errorf("import on %q: %s, want %s", node, d.Status, want)
		}
	}
	if len(asked) != 2 {
		t.Errorf("asked about %v: want fifo@b and fifo@c only", asked)
	}
	// Without Alive, every other node is taken for alive.
	id := "7b5981c4-1889-11e7-b4c5-3f3bdfc9b8a5"
	must(f.cloud.CreateDataset(ctx, cloud.Manifest{UUID: id, Name: "d5"}))
	must(f.cloud.SetDatasetImportNode(ctx, id, "fifo@c"))
	must(f.cloud.SetDatasetStatus(ctx, id, cloud.DatasetImporting, 0.1))
	if n, err := Recover(ctx, f.cloud, RecoverOptions{Dir: f.dir, Node: "fifo@a"}); err != nil || n != 0 {
		t.Fatalf("recover without Alive: %d %v", n, err)
	}
}

// TestRecoverLeavesAnotherNodesImport: node b imports (its download
// held mid-file) while node a starts over the same records and recovers:
// b's import goes on and completes.
func TestRecoverLeavesAnotherNodesImport(t *testing.T) {
	img := newImage(1 << 16)
	img.block = make(chan struct{})
	srv := httptest.NewServer(img.handler())
	t.Cleanup(srv.Close)             // after the fixture's cancel, which ends a held download
	midway := make(chan struct{}, 1) // an imported fraction above 0 is recorded
	b := newFixture(t, func(o *Options) {
		o.Node = "fifo@b"
		o.Events = eventsFunc(func(_, ev string, data any) {
			if f, _ := data.(map[string]any)["imported"].(float64); ev == "progress" && f > 0 {
				select {
				case midway <- struct{}{}:
				default:
				}
			}
		})
	})
	if _, err := b.im.Import(context.Background(), srv.URL+"/images/"+dsUUID); err != nil {
		t.Fatal(err)
	}
	select {
	case <-midway:
	case <-time.After(30 * time.Second):
		t.Fatal("the import never got half way")
	}
	aDir := filepath.Join(t.TempDir(), "a-images")
	n, err := Recover(context.Background(), b.cloud, RecoverOptions{Dir: aDir, Node: "fifo@a",
		Alive: func(context.Context, string) bool { return true }})
	if err != nil || n != 0 {
		t.Fatalf("recover on a: %d %v", n, err)
	}
	if d := b.dataset(dsUUID); d.Status != cloud.DatasetImporting {
		t.Fatalf("b's import after a's recovery: %s", d.Status)
	}
	close(img.block)
	b.wg.Wait()
	if d := b.dataset(dsUUID); d.Status != cloud.DatasetImported || cloud.DatasetImportNode(d) != "fifo@b" {
		t.Fatalf("b's import: %s on %q", d.Status, cloud.DatasetImportNode(d))
	}
}
