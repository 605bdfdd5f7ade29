package wiggle

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/images"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/apps/sniffle/vms/vmstest"
	"github.com/fifogo/fifo/apps/wiggle/openapi"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// The cloud end-to-end harness: wiggle over the real identity, cloud and
// VM services on an in-memory store, sniffle's application running its
// create flows, sim hypervisors as agents, an IMGAPI server, and a client
// that checks every answer against the API document.

const (
	e2eAdminPassword = "e2e-admin-pw"
	// e2eImage is the image the IMGAPI server offers; the sim hosts have
	// it installed (sniffle's agents do not fetch images).
	e2eImage = "9a1c4f5e-3b2d-4c6a-8e7f-0123456789ab"
)

// event is one event sniffle published.
type event struct {
	channel, event string
	data           any
}

// gate is a sim clock whose delays last until the gate opens: a host
// using it holds its creates until open is called.
type gate struct {
	ch   chan struct{}
	once *sync.Once
}

func (g gate) Now() time.Time { return time.Now() }

func (g gate) After(time.Duration) <-chan time.Time {
	out := make(chan time.Time, 1)
	go func() { <-g.ch; out <- time.Now() }()
	return out
}

// open lets the held creates go (once).
func (g gate) open() { g.once.Do(func() { close(g.ch) }) }

// cloudE2E is one world.
type cloudE2E struct {
	t      *testing.T
	ctx    context.Context
	cloud  *cloud.Service
	agents *vmstest.SimAgents
	sn     *sniffle.Service
	srv    *httptest.Server
	imgapi *httptest.Server
	valid  *openapi.Validator
	client *http.Client
	token  string
	hosts  []string
	gate   gate

	mu     sync.Mutex
	events []event
}

func newCloudE2E(t *testing.T) *cloudE2E {
	t.Helper()
	ctx := context.Background()
	w := &cloudE2E{t: t, ctx: ctx, gate: gate{ch: make(chan struct{}), once: &sync.Once{}}}
	st := recstore.NewMemory(recordCodec{})
	id, err := identity.New(st, identity.Options{Password: credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}})
	must(t, err)
	_, err = id.Bootstrap(ctx, e2eAdminPassword)
	must(t, err)
	w.cloud = cloud.New(st, cloud.Options{})
	w.agents = vmstest.New(w.cloud)
	// Two hosts; their creates wait for the gate.
	for _, hv := range []string{"00000000-0000-4000-8000-0000000000e1", "00000000-0000-4000-8000-0000000000e2"} {
		_, err := w.agents.AddHost(ctx, sim.Options{UUID: hv, Hostname: "hv" + hv[len(hv)-1:], MemoryMB: 4096,
			Images: []driver.Image{{UUID: e2eImage, Type: "zone-dataset", OS: "smartos"}},
			Delays: sim.Delays{Create: time.Millisecond}, Clock: w.gate})
		must(t, err)
		w.hosts = append(w.hosts, hv)
	}
	events := vms.EventsFunc(func(ch, ev string, data any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.events = append(w.events, event{ch, ev, data})
	})
	v := vms.New(vms.Deps{Cloud: w.cloud, Identity: id, Agents: w.agents, Events: events},
		vms.Options{RetryDelay: time.Millisecond})
	w.agents.OnState = v.AgentState
	// One create at a time: while the first waits at the gate, the next
	// stays pooled.
	w.sn = sniffle.New(v, sniffle.Options{Concurrency: 1})
	imp, err := images.New(images.Options{Dir: filepath.Join(t.TempDir(), "images"), Cloud: w.cloud, Events: events, Go: w.sn.Go})
	must(t, err)
	srv, err := New(id, Options{Version: "e2e", Sniffle: w.sn, Images: imp})
	must(t, err)

	node := runtimetest.StartNode(t)
	for _, app := range []supervisors.App{w.sn.App("e2e"), srv.App("e2e")} {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := supervisors.StartApp(sctx, node, app)
		cancel()
		must(t, err)
		t.Cleanup(func() { _ = supervisors.StopApp(context.Background(), node, app) })
	}
	t.Cleanup(w.gate.open) // a failed test must not leave creates waiting
	mux := http.NewServeMux()
	mux.Handle("/api/", srv.Handler())
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)
	w.imgapi = httptest.NewServer(http.HandlerFunc(serveE2EImage))
	t.Cleanup(w.imgapi.Close)
	doc, err := openapi.Load()
	must(t, err)
	w.valid, err = openapi.NewValidator(doc)
	must(t, err)
	w.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	w.token = w.login("admin", e2eAdminPassword)
	return w
}

// e2eImageFile is the file of e2eImage.
var e2eImageFile = bytes.Repeat([]byte("zfs send stream "), 4096)

// serveE2EImage is an IMGAPI server offering e2eImage.
func serveE2EImage(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/images/" + e2eImage:
		sum := sha1.Sum(e2eImageFile)
		_ = json.NewEncoder(w).Encode(map[string]any{"v": 2, "uuid": e2eImage, "name": "base-64-e2e", "version": "18.1.0",
			"os": "smartos", "type": "zone-dataset",
			"requirements": map[string]any{"networks": []any{map[string]any{"name": "net0", "description": "public"}}},
			"files":        []any{map[string]any{"size": len(e2eImageFile), "sha1": hex.EncodeToString(sum[:])}}})
	case "/images/" + e2eImage + "/file":
		_, _ = w.Write(e2eImageFile)
	default:
		http.NotFound(w, r)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// answer is a response with its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body.
func (a answer) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// do sends a request under /api/2 (path without it); body is JSON
// unless it is url.Values. Every answer is checked against the document
// and none may be a 5xx.
func (w *cloudE2E) do(method, path, token string, body any) answer {
	w.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		js, err := json.Marshal(b)
		must(w.t, err)
		rd, ctype = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequestWithContext(w.ctx, method, w.srv.URL+"/api/2"+path, rd)
	must(w.t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := w.client.Do(req)
	must(w.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	must(w.t, err)
	if res.StatusCode >= 500 {
		w.t.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	check := req.Clone(w.ctx)
	if err := w.valid.ValidateResponse(check, res.StatusCode, res.Header, b); err != nil {
		w.t.Errorf("%s %s -> %d: the answer does not match the document: %v\n%.300s", method, path, res.StatusCode, err, b)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

// must checks the status of an answer.
func (w *cloudE2E) must(a answer, status int) answer {
	w.t.Helper()
	if a.status != status {
		w.t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	return a
}

// created checks a 303 to /api/2/<coll>/<uuid> and returns the uuid.
func (w *cloudE2E) created(a answer, coll string) string {
	w.t.Helper()
	w.must(a, http.StatusSeeOther)
	id, ok := strings.CutPrefix(a.header.Get("Location"), "/api/2/"+coll+"/")
	if !ok || len(id) != 36 {
		w.t.Fatalf("Location %q", a.header.Get("Location"))
	}
	return id
}

func (w *cloudE2E) login(user, password string) string {
	w.t.Helper()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	w.must(w.do("POST", "/oauth/token", "", url.Values{"grant_type": {"password"}, "username": {user},
		"password": {password}}), 200).json(w.t, &tr)
	return tr.AccessToken
}

// get decodes GET path as the admin.
func (w *cloudE2E) get(path string, v any) {
	w.t.Helper()
	w.must(w.do("GET", path, w.token, nil), 200).json(w.t, v)
}

// eventually polls cond until it holds, for at most 10 s.
func (w *cloudE2E) eventually(what string, cond func() bool) {
	w.t.Helper()
	runtimetest.WaitFor(w.t, what, cond)
}

// seen returns the events published on channel.
func (w *cloudE2E) seen(channel string) []event {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []event
	for _, e := range w.events {
		if e.channel == channel {
			out = append(out, e)
		}
	}
	return out
}

// vmView is the part of a VM's JSON the tests read.
type vmView struct {
	UUID       string `json:"uuid"`
	State      string `json:"state"`
	Hypervisor string `json:"hypervisor"`
	Package    string `json:"package"`
	Creating   bool   `json:"creating"`
	Config     struct {
		// Networks is the create's net0 → network map until the VM is
		// placed, then its interfaces (nics).
		Networks json.RawMessage `json:"networks"`
	} `json:"config"`
	IPRanges  map[string]string         `json:"iprange_mappings"`
	Snapshots map[string]map[string]any `json:"snapshots"`
}

// nic is an interface of a placed VM.
type nic struct {
	IP        string `json:"ip"`
	Interface string `json:"interface"`
	MAC       string `json:"mac"`
}

// nics are a placed VM's interfaces.
func (v vmView) nics() []nic {
	var out []nic
	_ = json.Unmarshal(v.Config.Networks, &out)
	return out
}

func (w *cloudE2E) vm(id string) vmView {
	w.t.Helper()
	var v vmView
	w.get("/vms/"+id, &v)
	return v
}

// provisioned is the provisioned memory (MB) of a host, as sniffle shows
// it.
func (w *cloudE2E) provisioned(hv string) int64 {
	w.t.Helper()
	var h struct {
		Resources map[string]int64 `json:"resources"`
	}
	w.get("/hypervisors/"+hv, &h)
	return h.Resources["provisioned-memory"]
}
