package rest

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/images"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/apps/sniffle/vms/vmstest"
	"github.com/fifogo/fifo/internal/recstore"
)

// published is one event sent to howl.
type published struct {
	channel, event string
	data           any
}

// cloudWorld is sniffle without actors: the cloud and VM services over
// the env's store, sim hypervisors as agents, creates run synchronously
// (Register then Run, in the request), imports from an in-test IMGAPI
// server, and every event recorded.
type cloudWorld struct {
	cloud  *cloud.Service
	vms    *vms.Service
	agents *vmstest.SimAgents
	api    Cloud
	imgapi *httptest.Server
	images *images.Importer

	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	events []published
}

// imageFile is the file every image of the test IMGAPI server has.
var imageFile = []byte("a tiny zfs stream, as far as sniffle can tell")

func newCloudWorld(t testing.TB, st *recstore.Memory, id *identity.Service) *cloudWorld {
	t.Helper()
	w := &cloudWorld{cloud: cloud.New(st, cloud.Options{Actor: "test"})}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	t.Cleanup(func() { w.cancel(); w.wg.Wait() })
	w.agents = vmstest.New(w.cloud)
	events := vms.EventsFunc(func(ch, ev string, data any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.events = append(w.events, published{ch, ev, data})
	})
	w.vms = vms.New(vms.Deps{Cloud: w.cloud, Identity: id, Agents: w.agents, Events: events},
		vms.Options{RetryDelay: time.Millisecond, MaxRetries: 2})
	w.agents.OnState = w.vms.AgentState
	w.imgapi = httptest.NewServer(http.HandlerFunc(serveImage))
	t.Cleanup(w.imgapi.Close)
	imp, err := images.New(images.Options{Dir: filepath.Join(t.TempDir(), "images"), Cloud: w.cloud, Events: events,
		Go: func(fn func(context.Context)) error {
			w.wg.Add(1)
			go func() { defer w.wg.Done(); fn(w.ctx) }()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	w.images = imp
	w.api = NewCloud(w.vms, func(ctx context.Context, creator string, req vms.CreateRequest, advanced bool) (string, error) {
		id, err := w.vms.Register(ctx, creator, req, advanced)
		if err != nil {
			return "", err
		}
		return id, w.vms.Run(ctx, id)
	}, imp)
	return w
}

// serveImage is an IMGAPI server: GET /images/<uuid> is a manifest of
// that uuid, GET /images/<uuid>/file its file.
func serveImage(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/images/")
	id, file, _ := strings.Cut(rest, "/")
	if !ok || len(id) != 36 || (file != "" && file != "file") {
		http.NotFound(w, r)
		return
	}
	if file == "file" {
		w.Write(imageFile)
		return
	}
	sum := sha1.Sum(imageFile)
	json.NewEncoder(w).Encode(map[string]any{"v": 2, "uuid": id, "name": "imported-" + id[:8], "version": "1.0",
		"os": "smartos", "type": "zone-dataset", "requirements": map[string]any{"networks": []any{map[string]any{"name": "net0", "description": "public"}}},
		"files": []any{map[string]any{"size": len(imageFile), "sha1": hex.EncodeToString(sum[:])}}})
}

// imageURL is the manifest URL of image id on the test IMGAPI server.
func (w *cloudWorld) imageURL(id string) string { return w.imgapi.URL + "/images/" + id }

// waitImports waits for the background imports started so far.
func (w *cloudWorld) waitImports() { w.wg.Wait() }

// addHost starts a sim hypervisor with memMB of memory and the dataset
// images installed.
func (w *cloudWorld) addHost(t testing.TB, uuid string, memMB int64, datasets ...string) {
	t.Helper()
	var imgs []driver.Image
	for _, d := range datasets {
		imgs = append(imgs, driver.Image{UUID: d, Type: "zone-dataset", OS: "smartos"})
	}
	if _, err := w.agents.AddHost(context.Background(), sim.Options{UUID: uuid, Hostname: "hv-" + uuid[:4],
		MemoryMB: memMB, Images: imgs}); err != nil {
		t.Fatal(err)
	}
}

// seen returns the events so far.
func (w *cloudWorld) seen() []published {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]published(nil), w.events...)
}
