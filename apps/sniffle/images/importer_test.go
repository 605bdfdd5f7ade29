package images

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

type recordCodec struct{}

func (recordCodec) Check(v []byte) error                    { return record.Check(v) }
func (recordCodec) Merge(old, delta []byte) ([]byte, error) { return record.MergeBytes(old, delta) }

const dsUUID = "7b5981c4-1889-11e7-b4c5-3f3bdfc9b88b"

// event is one published event.
type event struct {
	channel, event string
	data           map[string]any
}

// fixture is an importer over a real cloud service, whose background
// runs are waited for with wait.
type fixture struct {
	t      *testing.T
	cloud  *cloud.Service
	im     *Importer
	dir    string
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	events []event
}

func newFixture(t *testing.T, mods ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, cloud: cloud.New(recstore.NewMemory(recordCodec{}), cloud.Options{}), dir: filepath.Join(t.TempDir(), "images")}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	t.Cleanup(f.cancel)
	o := Options{Dir: f.dir, Cloud: f.cloud, ProgressStep: 0.2,
		Events: eventsFunc(func(ch, ev string, data any) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.events = append(f.events, event{ch, ev, data.(map[string]any)})
		}),
		Go: func(fn func(context.Context)) error {
			f.wg.Add(1)
			go func() { defer f.wg.Done(); fn(f.ctx) }()
			return nil
		}}
	for _, m := range mods {
		m(&o)
	}
	im, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	f.im = im
	return f
}

func (f *fixture) dataset(id string) record.Dataset {
	f.t.Helper()
	d, err := f.cloud.Dataset(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func (f *fixture) seen() []event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]event(nil), f.events...)
}

// imgapi serves one image the IMGAPI way (/images/<uuid> and its /file)
// and the DSAPI way (/datasets/<uuid>, files[0].url).
type imgapi struct {
	file     []byte
	manifest map[string]any
	// block, when set, holds the file's second half until closed.
	block chan struct{}
}

func newImage(size int) *imgapi {
	file := bytes.Repeat([]byte("fifo"), size/4)
	sum := sha1.Sum(file)
	return &imgapi{file: file, manifest: map[string]any{
		"v": 2, "uuid": dsUUID, "name": "base-64", "version": "17.1.0", "os": "smartos", "type": "zone-dataset",
		"description": "a base image", "requirements": map[string]any{"networks": []any{map[string]any{"name": "net0", "description": "public"}}},
		"files": []any{map[string]any{"size": len(file), "sha1": hex.EncodeToString(sum[:]), "compression": "gzip"}},
	}}
}

func (s *imgapi) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /images/{id}", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(s.manifest)
	})
	mux.HandleFunc("GET /images/{id}/file", s.serveFile)
	mux.HandleFunc("GET /datasets/{id}", func(w http.ResponseWriter, r *http.Request) {
		m := map[string]any{}
		for k, v := range s.manifest {
			m[k] = v
		}
		f := s.manifest["files"].([]any)[0].(map[string]any)
		m["files"] = []any{map[string]any{"size": f["size"], "sha1": f["sha1"], "url": "/blobs/" + dsUUID}}
		_ = json.NewEncoder(w).Encode(m)
	})
	mux.HandleFunc("GET /blobs/{id}", s.serveFile)
	return mux
}

func (s *imgapi) serveFile(w http.ResponseWriter, r *http.Request) {
	half := len(s.file) / 2
	w.Write(s.file[:half])
	if s.block != nil {
		w.(http.Flusher).Flush()
		select {
		case <-s.block:
		case <-r.Context().Done():
			return
		}
	}
	w.Write(s.file[half:])
}

func TestImportIMGAPI(t *testing.T) {
	img := newImage(1 << 20)
	srv := httptest.NewServer(img.handler())
	defer srv.Close()
	f := newFixture(t)
	id, err := f.im.Import(context.Background(), srv.URL+"/images/"+dsUUID)
	if err != nil || id != dsUUID {
		t.Fatalf("import: %q %v", id, err)
	}
	f.wg.Wait()
	d := f.dataset(id)
	if d.Status != cloud.DatasetImported || d.Imported != 1 || d.Name != "base-64" || d.DatasetVersion != "17.1.0" ||
		len(d.Networks) != 1 || d.ImageSize != int64(len(img.file)) {
		t.Fatalf("dataset %+v", d)
	}
	b, err := os.ReadFile(filepath.Join(f.dir, id))
	if err != nil || !bytes.Equal(b, img.file) {
		t.Fatalf("image file: %d bytes, %v", len(b), err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, id+".part")); !os.IsNotExist(err) {
		t.Fatalf("the part file remains: %v", err)
	}
	ev := f.seen()
	if len(ev) < 3 {
		t.Fatalf("events %v", ev)
	}
	prev := -1.0
	for _, e := range ev {
		frac, _ := e.data["imported"].(float64)
		if e.channel != id || e.event != "progress" || frac < prev {
			t.Fatalf("events %v", ev)
		}
		prev = frac
	}
	if prev != 1 {
		t.Fatalf("last progress %v", prev)
	}
	// The same image again is a conflict.
	if _, err := f.im.Import(context.Background(), srv.URL+"/images/"+dsUUID); !errors.Is(err, cloud.ErrConflict) {
		t.Fatalf("second import: %v", err)
	}
}

func TestImportDSAPI(t *testing.T) {
	img := newImage(4096)
	srv := httptest.NewServer(img.handler())
	defer srv.Close()
	f := newFixture(t)
	if _, err := f.im.Import(context.Background(), srv.URL+"/datasets/"+dsUUID); err != nil {
		t.Fatal(err)
	}
	f.wg.Wait()
	if d := f.dataset(dsUUID); d.Status != cloud.DatasetImported {
		t.Fatalf("status %q", d.Status)
	}
}

func TestImportFailures(t *testing.T) {
	cases := []struct {
		name   string
		change func(m map[string]any)
	}{
		{"wrong sha1", func(m map[string]any) { m["files"].([]any)[0].(map[string]any)["sha1"] = "00" }},
		{"short file", func(m map[string]any) { m["files"].([]any)[0].(map[string]any)["size"] = 1 << 21 }},
		{"long file", func(m map[string]any) { m["files"].([]any)[0].(map[string]any)["size"] = 10 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img := newImage(8192)
			c.change(img.manifest)
			srv := httptest.NewServer(img.handler())
			defer srv.Close()
			f := newFixture(t)
			if _, err := f.im.Import(context.Background(), srv.URL+"/images/"+dsUUID); err != nil {
				t.Fatal(err)
			}
			f.wg.Wait()
			f.failed(t)
		})
	}
}

// failed checks a failed import: status, no file, an error event.
func (f *fixture) failed(t *testing.T) {
	t.Helper()
	if d := f.dataset(dsUUID); d.Status != cloud.DatasetFailed {
		t.Fatalf("status %q", d.Status)
	}
	entries, _ := os.ReadDir(f.dir)
	if len(entries) != 0 {
		t.Fatalf("files left: %v", entries)
	}
	ev := f.seen()
	if last := ev[len(ev)-1]; last.event != "error" || last.channel != dsUUID || last.data["message"] == "" {
		t.Fatalf("events %v", ev)
	}
}

func TestImportBadManifests(t *testing.T) {
	img := newImage(4096)
	srv := httptest.NewServer(img.handler())
	defer srv.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"uuid":"not-a-uuid","name":"x"}`))
	}))
	defer bad.Close()
	f := newFixture(t)
	for _, u := range []string{"ftp://host/x", "/images/x", srv.URL + "/nothing", bad.URL, "http://127.0.0.1:1/x"} {
		if _, err := f.im.Import(context.Background(), u); !errors.Is(err, cloud.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", u, err)
		}
	}
	ids, _ := f.cloud.List(context.Background(), cloud.Datasets)
	if len(ids) != 0 {
		t.Fatalf("datasets %v", ids)
	}
}

// TestImportInterrupted: a stop of the runner mid-download fails the
// import and leaves no file.
func TestImportInterrupted(t *testing.T) {
	img := newImage(1 << 16)
	img.block = make(chan struct{})
	defer close(img.block)
	srv := httptest.NewServer(img.handler())
	defer srv.Close()
	f := newFixture(t)
	if _, err := f.im.Import(context.Background(), srv.URL+"/images/"+dsUUID); err != nil {
		t.Fatal(err)
	}
	// Wait for the importing status, then stop the runner.
	for {
		if d := f.dataset(dsUUID); d.Status == cloud.DatasetImporting && d.Imported > 0 {
			break
		}
		select {
		case <-t.Context().Done():
			t.Fatal("never importing")
		default:
		}
	}
	f.cancel()
	f.wg.Wait()
	f.failed(t)
}

func TestNewNeedsDirAndCloud(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without Dir and Cloud succeeded")
	}
}

// TestRecoverFailsCutImports: a dataset left importing by a stop is
// failed, and its partial file removed; others are left alone.
func TestRecoverFailsCutImports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	other := "7b5981c4-1889-11e7-b4c5-3f3bdfc9b88c"
	must(f.cloud.CreateDataset(ctx, cloud.Manifest{UUID: dsUUID, Name: "cut"}))
	must(f.cloud.SetDatasetStatus(ctx, dsUUID, cloud.DatasetImporting, 0.4))
	must(f.cloud.CreateDataset(ctx, cloud.Manifest{UUID: other, Name: "done"}))
	must(f.cloud.SetDatasetStatus(ctx, other, cloud.DatasetImported, 1))
	must(os.MkdirAll(f.dir, 0o755))
	must(os.WriteFile(filepath.Join(f.dir, dsUUID+".part"), []byte("half"), 0o644))
	n, err := Recover(ctx, f.cloud, RecoverOptions{Dir: f.dir})
	if err != nil || n != 1 {
		t.Fatalf("recover: %d %v", n, err)
	}
	if d := f.dataset(dsUUID); d.Status != cloud.DatasetFailed {
		t.Fatalf("cut import %q", d.Status)
	}
	if d := f.dataset(other); d.Status != cloud.DatasetImported {
		t.Fatalf("finished import %q", d.Status)
	}
	if _, err := os.Stat(filepath.Join(f.dir, dsUUID+".part")); !os.IsNotExist(err) {
		t.Fatalf("part file: %v", err)
	}
}
