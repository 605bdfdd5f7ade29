package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// The all-in-one node runs sniffle with simulated hypervisors and seeds a
// sample package, dataset and network on its first start: the admin
// creates a VM through REST, it reaches running with an address of the
// sample range, its events arrive on the howl websocket (the VM's
// channel, joined with a one-time token), and deleting it releases the
// address.
func TestVMThroughTheAPI(t *testing.T) {
	env, addr := nodeEnv(t, filepath.Join(t.TempDir(), "data"))
	startNode(t, with(env, "FIFO_ADMIN_PASSWORD=s3cret-admin", "FIFO_SIM_HYPERVISORS=2", "FIFO_SIM_MEMORY_MB=8192"), addr)
	api := newAPIClient(t, "http://"+addr+"/api/2", "admin", "s3cret-admin")

	// The seeded cloud, found by name.
	pkg := api.find("/packages", "sample-1g")
	network := api.find("/networks", "sample")
	rng := api.find("/ipranges", "sample")
	var ds struct {
		Status string `json:"status"`
	}
	api.get("/datasets/5e164fac-286d-11e4-9cf7-b3f73eefcd01", &ds)
	if ds.Status != "imported" {
		t.Fatalf("sample dataset %+v", ds)
	}
	var hvs []string
	deadline := time.Now().Add(20 * time.Second)
	for len(hvs) < 2 && time.Now().Before(deadline) {
		api.get("/hypervisors", &hvs)
	}
	if len(hvs) != 2 {
		t.Fatalf("hypervisors %v", hvs)
	}

	// Create: 303 to the VM, which exists at once.
	r := api.do("POST", "/vms", `{"package":"`+pkg+`","dataset":"5e164fac-286d-11e4-9cf7-b3f73eefcd01",`+
		`"config":{"alias":"e2e","networks":{"net0":"`+network+`"}}}`)
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/api/2/vms/") {
		t.Fatalf("create vm: %d %q", r.StatusCode, loc)
	}
	vm := strings.TrimPrefix(loc, "/api/2/vms/")

	// Join the VM's channel on howl.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/howl?fifo_ott="+url.QueryEscape(api.ott()), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close(websocket.StatusNormalClosure, "")
	if err := wsjson.Write(ctx, ws, map[string]any{"join": vm}); err != nil {
		t.Fatal(err)
	}
	frames := make(chan map[string]any, 256)
	go func() {
		defer close(frames)
		for {
			var f map[string]any
			if err := wsjson.Read(ctx, ws, &f); err != nil {
				return
			}
			frames <- f
		}
	}()
	// next returns the next event on the VM's channel (skipping the join
	// reply and events of other channels).
	next := func() (string, any) {
		t.Helper()
		for {
			select {
			case f, ok := <-frames:
				if !ok {
					t.Fatal("the websocket closed")
				}
				m, _ := f["message"].(map[string]any)
				if f["channel"] == vm && m != nil {
					ev, _ := m["event"].(string)
					return ev, m["data"]
				}
			case <-ctx.Done():
				t.Fatal("no more events")
			}
		}
	}

	// Running, with an address of the sample range.
	var v struct {
		State    string            `json:"state"`
		IPRanges map[string]string `json:"iprange_mappings"`
	}
	deadline = time.Now().Add(20 * time.Second)
	for v.State != "running" {
		if time.Now().After(deadline) {
			t.Fatalf("vm not running: %+v", v)
		}
		api.get("/vms/"+vm, &v)
	}
	var ip string
	for a, r := range v.IPRanges {
		if r == rng {
			ip = a
		}
	}
	if !strings.HasPrefix(ip, "10.99.0.") {
		t.Fatalf("vm addresses %v", v.IPRanges)
	}
	api.waitLeased(rng, ip, true)

	// Stop it: the state arrives on howl.
	if r := api.do("PUT", "/vms/"+vm+"/state", `{"action":"stop"}`); r.StatusCode != http.StatusNoContent {
		t.Fatalf("stop: %d", r.StatusCode)
	}
	for {
		if ev, data := next(); ev == "state" && data == "stopped" {
			break
		}
	}

	// Delete: a delete event, the VM gone, the address free.
	if r := api.do("DELETE", "/vms/"+vm, ""); r.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	for {
		if ev, _ := next(); ev == "delete" {
			break
		}
	}
	if r := api.do("GET", "/vms/"+vm, ""); r.StatusCode != http.StatusNotFound {
		t.Fatalf("get after delete: %d", r.StatusCode)
	}
	api.waitLeased(rng, ip, false)
}

// apiClient is a logged-in REST client of a node.
type apiClient struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

func newAPIClient(t *testing.T, base, user, password string) *apiClient {
	t.Helper()
	resp, err := http.PostForm(base+"/oauth/token", url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	return &apiClient{t: t, base: base, token: tok.AccessToken,
		http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request; its body is read and closed at the end of the test.
func (c *apiClient) do(method, path, body string) *http.Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	r, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { r.Body.Close() })
	if r.StatusCode >= 500 {
		b, _ := io.ReadAll(r.Body)
		c.t.Fatalf("%s %s: %d %s", method, path, r.StatusCode, b)
	}
	return r
}

// get decodes a 200 answer.
func (c *apiClient) get(path string, v any) {
	c.t.Helper()
	r := c.do("GET", path, "")
	if r.StatusCode != 200 {
		c.t.Fatalf("GET %s: %d", path, r.StatusCode)
	}
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
}

// find returns the uuid of the element of a collection called name.
func (c *apiClient) find(coll, name string) string {
	c.t.Helper()
	var all []struct {
		UUID string `json:"uuid"`
		Name string `json:"name"`
	}
	c.get(coll+"?full-list=true&full-list-fields=uuid,name", &all)
	for _, e := range all {
		if e.Name == name {
			return e.UUID
		}
	}
	c.t.Fatalf("no %s called %q in %+v", coll, name, all)
	return ""
}

// ott mints a one-time token for the websocket.
func (c *apiClient) ott() string {
	c.t.Helper()
	var v struct {
		Token string `json:"token"`
	}
	c.get("/sessions/one_time_token", &v)
	return v.Token
}

// waitLeased waits until the range shows ip as used (or, with want
// false, as free): the range's view may lag the lease a little.
func (c *apiClient) waitLeased(rng, ip string, want bool) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var r struct {
			Used []string `json:"used"`
			Free []string `json:"free"`
		}
		c.get("/ipranges/"+rng, &r)
		if slices.Contains(r.Used, ip) == want && slices.Contains(r.Free, ip) != want {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s: leased is not %v (used %v)", ip, want, r.Used)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
