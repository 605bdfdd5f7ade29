package ops

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/fifogo/fifo/internal/version"
)

var testInfo = version.Info{Version: "1.2.3", Commit: "abc123", Date: "2026-11-25", GoVersion: "go1.26.8"}

// get sends method path to h and returns the status, body and headers.
func get(t *testing.T, h http.Handler, method, path string) (int, string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	body, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, string(body), rec.Result().Header
}

func TestHealthz(t *testing.T) {
	h := Handler(NewRegistry(testInfo), NewChecks())
	code, body, hdr := get(t, h, http.MethodGet, "/healthz")
	if code != http.StatusOK || body != "ok" {
		t.Fatalf("GET /healthz = %d %q, want 200 \"ok\"", code, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Content-Type %q, want text/plain", ct)
	}
}

func TestHealthzIgnoresReadiness(t *testing.T) {
	checks := NewChecks()
	checks.Set("store", errors.New("opening"))
	code, _, _ := get(t, Handler(NewRegistry(testInfo), checks), http.MethodGet, "/healthz")
	if code != http.StatusOK {
		t.Fatalf("GET /healthz while unready = %d, want 200", code)
	}
}

func TestReadyzFlips(t *testing.T) {
	checks := NewChecks()
	h := Handler(NewRegistry(testInfo), checks)
	ringErr := errors.New("joining")
	steps := []struct {
		name     string
		change   func()
		code     int
		wantBody string
	}{
		{"no checks", func() {}, 200, `{"status":"ready"}`},
		{"store opening", func() { checks.Set("store", errors.New("opening")) }, 503,
			`{"status":"unready","checks":{"store":"opening"}}`},
		{"store open", func() { checks.Set("store", nil) }, 200, `{"status":"ready"}`},
		{"ring func failing", func() {
			checks.Register("ring", func(context.Context) error { return ringErr })
		}, 503, `{"status":"unready","checks":{"ring":"joining"}}`},
		{"both failing", func() { checks.Set("store", errors.New("closing")) }, 503,
			`{"status":"unready","checks":{"ring":"joining","store":"closing"}}`},
		{"ring func passing", func() { ringErr = nil }, 503,
			`{"status":"unready","checks":{"store":"closing"}}`},
		{"store removed", func() { checks.Remove("store") }, 200, `{"status":"ready"}`},
		{"set replaces func", func() { checks.Set("ring", errors.New("left")) }, 503,
			`{"status":"unready","checks":{"ring":"left"}}`},
		{"func replaces set", func() { checks.Register("ring", func(context.Context) error { return nil }) }, 200,
			`{"status":"ready"}`},
		{"empty error message", func() { checks.Set("agent", errors.New("")) }, 503,
			`{"status":"unready","checks":{"agent":"not ready"}}`},
	}
	for _, s := range steps {
		s.change()
		code, body, hdr := get(t, h, http.MethodGet, "/readyz")
		if code != s.code || strings.TrimSpace(body) != s.wantBody {
			t.Fatalf("%s: GET /readyz = %d %s, want %d %s", s.name, code, body, s.code, s.wantBody)
		}
		if ct := hdr.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s: Content-Type %q", s.name, ct)
		}
	}
}

func TestReadyzWithoutChecks(t *testing.T) {
	var zero Checks
	for name, c := range map[string]*Checks{"nil": nil, "zero value": &zero} {
		code, _, _ := get(t, Handler(NewRegistry(testInfo), c), http.MethodGet, "/readyz")
		if code != http.StatusOK {
			t.Fatalf("%s checks: GET /readyz = %d, want 200", name, code)
		}
	}
}

func TestReadyzPassesRequestContext(t *testing.T) {
	type key struct{}
	checks := NewChecks()
	checks.Register("ctx", func(ctx context.Context) error {
		if ctx.Value(key{}) != "request" {
			return errors.New("not the request context")
		}
		return nil
	})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/readyz", nil)
	req = req.WithContext(context.WithValue(req.Context(), key{}, "request"))
	Handler(NewRegistry(testInfo), checks).ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /readyz = %d %s", rec.Code, rec.Body)
	}
}

func TestHead(t *testing.T) {
	h := Handler(NewRegistry(testInfo), NewChecks())
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if code, _, _ := get(t, h, http.MethodHead, path); code != http.StatusOK {
			t.Errorf("HEAD %s = %d, want 200", path, code)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := Handler(NewRegistry(testInfo), NewChecks())
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			code, _, hdr := get(t, h, method, path)
			if code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s = %d, want 405", method, path, code)
			}
			if allow := hdr.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "HEAD") {
				t.Errorf("%s %s: Allow %q, want GET and HEAD", method, path, allow)
			}
		}
	}
}

func TestUnknownPath(t *testing.T) {
	h := Handler(NewRegistry(testInfo), NewChecks())
	if code, _, _ := get(t, h, http.MethodGet, "/nope"); code != http.StatusNotFound {
		t.Fatalf("GET /nope = %d, want 404", code)
	}
}

func TestMetrics(t *testing.T) {
	reg := NewRegistry(testInfo)
	code, body, _ := get(t, Handler(reg, NewChecks()), http.MethodGet, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("metrics do not parse: %v\n%s", err, body)
	}
	want := []string{"fifo_build_info", "go_goroutines"}
	if runtime.GOOS == "linux" { // the process collector reads procfs; illumos has no support
		want = append(want, "process_cpu_seconds_total", "process_start_time_seconds")
	}
	for _, name := range want {
		if families[name] == nil {
			t.Errorf("metrics lack %s", name)
		}
	}
	const buildInfo = `fifo_build_info{commit="abc123",goversion="go1.26.8",version="1.2.3"} 1`
	if !strings.Contains(body, buildInfo+"\n") {
		t.Errorf("metrics lack %s", buildInfo)
	}

	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

func TestMountTwiceOnOneRegistry(t *testing.T) {
	reg := NewRegistry(testInfo)
	for range 2 {
		if code, _, _ := get(t, Handler(reg, nil), http.MethodGet, "/metrics"); code != http.StatusOK {
			t.Fatalf("GET /metrics = %d", code)
		}
	}
}
