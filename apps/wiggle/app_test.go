package wiggle

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

type recordCodec struct{}

func (recordCodec) Check(v []byte) error                    { return record.Check(v) }
func (recordCodec) Merge(old, delta []byte) ([]byte, error) { return record.MergeBytes(old, delta) }

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestApplicationSwitchesTheHandler: the handler answers 503 until the
// application runs, serves the API while it runs, and 503 again once it
// has stopped; it can start again.
func TestApplicationSwitchesTheHandler(t *testing.T) {
	svc, err := identity.New(recstore.NewMemory(recordCodec{}), identity.Options{
		Password: credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	srv, err := New(svc, Options{Registry: reg, Version: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", srv.Handler())
	hs := httptest.NewServer(mux)
	defer hs.Close()

	if code, body := get(t, hs.URL+"/api/2/scopes"); code != 503 || body != unavailable {
		t.Fatalf("before start: %d %s", code, body)
	}
	n := runtimetest.StartNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	app := srv.App("t1")
	for round := 0; round < 2; round++ {
		if err := supervisors.StartApp(ctx, n, app); err != nil {
			t.Fatal(err)
		}
		if code, body := get(t, hs.URL+"/api/2/scopes"); code != 200 {
			t.Fatalf("running: %d %s", code, body)
		}
		running, err := n.Call(ctx, ActorName, StatusRequest{})
		if err != nil || running != true {
			t.Fatalf("status: %v %v", running, err)
		}
		if err := supervisors.StopApp(ctx, n, app); err != nil {
			t.Fatal(err)
		}
		if code, _ := get(t, hs.URL+"/api/2/scopes"); code != 503 {
			t.Fatalf("stopped: %d", code)
		}
	}
	// Metrics carry the route template.
	if got := testutil.ToFloat64(srvMetric(t, srv, "/api/{version}/scopes", "GET", "200")); got != 2 {
		t.Errorf("fifo_http_requests_total for /scopes = %v, want 2", got)
	}
}

func srvMetric(t *testing.T, s *Server, route, method, code string) prometheus.Collector {
	t.Helper()
	return s.rest.Metrics().Requests.WithLabelValues(route, method, code)
}
