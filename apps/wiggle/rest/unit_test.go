package rest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/apps/wiggle/openapi"
	"github.com/fifogo/fifo/internal/perm"
)

// The nested element of a role grant check is matched by "_" and a
// trailing "..." only, never by a literal grant made through the edge.
func TestNestedPermission(t *testing.T) {
	tail := []string{"vms", "_", "get"}
	p, err := expand(openapi.Template{"permissions", "{permission[]}", "grant"}, templateArgs{tail: tail})
	must(t, err)
	if len(p) != 3 || p[0] != "permissions" || p[2] != "grant" {
		t.Fatalf("expanded %q", p)
	}
	for _, c := range []struct {
		grant perm.Permission
		ok    bool
	}{
		{perm.Permission{"..."}, true},
		{perm.Permission{"permissions", "..."}, true},
		{perm.Permission{"permissions", "_", "grant"}, true},
		{perm.Permission{"permissions", "_", "revoke"}, false},
		{perm.Permission{"permissions", "vms", "grant"}, false},
		{perm.Permission{"permissions", "vms/_/get", "grant"}, false},
		{perm.Permission{"permissions", "vms", "_", "get", "grant"}, false},
	} {
		if got := perm.NewSet(c.grant).Allowed(p); got != c.ok {
			t.Errorf("grant %q: allowed %v, want %v", c.grant, got, c.ok)
		}
	}
	// The element cannot be granted through the edge: it is not UTF-8.
	if _, err := perm.ParsePath(perm.Permission{"permissions", p[1], "grant"}.Path()); err == nil {
		t.Error("the nested element parses as a grantable permission")
	}
}

func TestExpand(t *testing.T) {
	a := templateArgs{params: map[string]string{"id": "u1", "org": "o1"}, tail: []string{"a", "b"},
		body: map[string]any{"target": "r1", "n": 3}}
	cases := []struct {
		t    openapi.Template
		want string
		ok   bool
	}{
		{openapi.Template{"users", "{id}", "grant"}, "users/u1/grant", true},
		{openapi.Template{"{permission...}"}, "a/b", true},
		{openapi.Template{"roles", "{body.target}", "join"}, "roles/r1/join", true},
		{openapi.Template{"roles", "{body.n}", "join"}, "", false},
		{openapi.Template{"roles", "{body.missing}", "join"}, "", false},
	}
	for _, c := range cases {
		p, err := expand(c.t, a)
		if (err == nil) != c.ok || (c.ok && p.Path() != c.want) {
			t.Errorf("%v: %q %v", c.t, p, err)
		}
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct {
		accept string
		f      format
		ok     bool
	}{
		{"", formatJSON, true},
		{"*/*", formatJSON, true},
		{"application/json", formatJSON, true},
		{"application/x-msgpack", formatMsgpack, true},
		{"application/x-msgpack, application/json", formatMsgpack, true},
		{"application/json, application/x-msgpack", formatJSON, true},
		{"application/json;q=0.1, application/x-msgpack;q=0.9", formatMsgpack, true},
		{"text/html, application/xhtml+xml, */*;q=0.8", formatJSON, true},
		{"application/x-msgpack;q=0", formatJSON, false},
		{"text/html", formatJSON, false},
		{"garbage;;", formatJSON, false},
	}
	for _, c := range cases {
		f, ok := negotiate(c.accept)
		if f != c.f || ok != c.ok {
			t.Errorf("%q: %v %v, want %v %v", c.accept, f, ok, c.f, c.ok)
		}
	}
}

func TestCacheGenerations(t *testing.T) {
	now := time.Unix(1000, 0)
	c := newTTLCache[int](time.Second, 2)
	gen := c.generation()
	c.put("a", 1, gen, now, time.Time{})
	if v, ok := c.get("a", now); !ok || v != 1 {
		t.Fatal("miss after put")
	}
	if _, ok := c.get("a", now.Add(time.Second)); ok {
		t.Fatal("hit after the TTL")
	}
	// An answer fetched before a clear is not cached after it.
	old := c.generation()
	c.clear()
	c.put("b", 2, old, now, time.Time{})
	if _, ok := c.get("b", now); ok {
		t.Fatal("a stale answer was cached across a clear")
	}
	// A limit (token expiry) earlier than the TTL wins.
	gen = c.generation()
	c.put("c", 3, gen, now, now.Add(time.Millisecond))
	if _, ok := c.get("c", now.Add(2*time.Millisecond)); ok {
		t.Fatal("hit after the limit")
	}
	// Bounded.
	for _, k := range []string{"x", "y", "z"} {
		c.put(k, 0, gen, now, time.Time{})
	}
	if c.len() > 2 {
		t.Fatalf("%d entries in a cache of 2", c.len())
	}
	// Disabled.
	d := newTTLCache[int](-1, 10)
	d.put("a", 1, d.generation(), now, time.Time{})
	if _, ok := d.get("a", now); ok {
		t.Fatal("a disabled cache hit")
	}
}

func TestMetricsLabels(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := newEnv(t, func(_ *identityOptions, o *Options) { o.Registry = reg })
	e.must(e.do("GET", "/api/2/users/"+e.adminID, e.adminToken, nil), 200)
	e.must(e.do("GET", "/api/3/users/"+e.adminID, e.adminToken, nil), 200)
	e.must(e.do("GET", "/api/2/nowhere/at/all", e.adminToken, nil), 404)
	e.must(e.do("BREW", "/api/2/users", e.adminToken, nil), 405)
	m := e.handler.Metrics()
	if got := testutil.ToFloat64(m.Requests.WithLabelValues("/api/{version}/users/{id}", "GET", "200")); got != 2 {
		t.Errorf("GET users/{id} 200 = %v", got)
	}
	if got := testutil.ToFloat64(m.Requests.WithLabelValues("unmatched", "GET", "404")); got != 1 {
		t.Errorf("unmatched 404 = %v", got)
	}
	if got := testutil.ToFloat64(m.Requests.WithLabelValues("/api/{version}/users", "OTHER", "405")); got != 1 {
		t.Errorf("405 = %v", got)
	}
	if n := testutil.CollectAndCount(m.Duration); n == 0 {
		t.Error("no duration series")
	}
	// A second handler on the same registry shares the metrics.
	h2, err := New(e.svc, Options{Registry: reg})
	must(t, err)
	if h2.Metrics().Requests != m.Requests {
		t.Error("the second handler did not share the registered metrics")
	}
	names, err := reg.Gather()
	must(t, err)
	found := map[string]bool{}
	for _, mf := range names {
		found[mf.GetName()] = true
	}
	if !found["fifo_http_requests_total"] || !found["fifo_http_request_duration_seconds"] {
		t.Errorf("registered: %v", found)
	}
}

func TestETagAndHead(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.do("GET", "/api/2/users/"+e.adminID, e.adminToken, nil), 200)
	tag := r.header.Get("ETag")
	if len(tag) < 10 || tag[0] != '"' {
		t.Fatalf("ETag %q", tag)
	}
	if r2 := e.must(e.do("GET", "/api/3/users/"+e.adminID, e.adminToken, nil), 200); r2.header.Get("ETag") != tag {
		t.Error("the ETag differs between equal answers")
	}
	e.must(e.do("PUT", "/api/2/users/"+e.adminID+"/metadata", e.adminToken, map[string]int{"k": 1}), 204)
	if r3 := e.must(e.do("GET", "/api/2/users/"+e.adminID, e.adminToken, nil), 200); r3.header.Get("ETag") == tag {
		t.Error("the ETag did not change with the object")
	}
	h := e.must(e.do("HEAD", "/api/2/users/"+e.adminID, e.adminToken, nil), 200)
	if len(h.body) != 0 {
		t.Error("HEAD with a body")
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	e := newEnv(t)
	if _, err := New(nil, Options{}); err == nil {
		t.Error("nil API accepted")
	}
	if _, err := New(e.svc, Options{MaxBodyBytes: -1}); err == nil {
		t.Error("negative MaxBodyBytes accepted")
	}
	// The handler is an http.Handler usable without a server.
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, httptest.NewRequest("GET", "/api/2/scopes", nil))
	if w.Code != http.StatusOK {
		t.Errorf("scopes: %d", w.Code)
	}
}
