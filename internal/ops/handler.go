package ops

import (
	"encoding/json"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler returns a handler serving /healthz, /readyz and /metrics (see the
// package documentation) from reg and checks, and 404 for any other path. A
// nil checks means no readiness checks: always ready.
func Handler(reg *prometheus.Registry, checks *Checks) http.Handler {
	mux := http.NewServeMux()
	Mount(mux, reg, checks)
	return mux
}

// Mount registers the /healthz, /readyz and /metrics routes on mux, for a
// server that also carries other routes (the REST API). The routes are
// method patterns ("GET /healthz"), so ServeMux answers other methods with
// 405, unless mux holds a catch-all pattern that accepts them.
func Mount(mux *http.ServeMux, reg *prometheus.Registry, checks *Checks) {
	mux.HandleFunc("GET /healthz", serveHealthz)
	mux.Handle("GET /readyz", readyz{checks})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		// Scrape failures show up as promhttp_metric_handler_errors_total.
		Registry:      reg,
		ErrorHandling: promhttp.ContinueOnError,
	}))
}

// serveHealthz answers 200 "ok": the process is up and serving HTTP.
func serveHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok"))
}

// readyz answers 200 when every check passes, else 503 naming the failing
// checks.
type readyz struct{ checks *Checks }

// readyBody is the JSON body of /readyz.
type readyBody struct {
	Status string            `json:"status"`           // "ready" or "unready"
	Checks map[string]string `json:"checks,omitempty"` // failing check -> message
}

func (h readyz) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, code := readyBody{Status: "ready"}, http.StatusOK
	if h.checks != nil {
		if failing := h.checks.Failing(r.Context()); len(failing) > 0 {
			body, code = readyBody{Status: "unready", Checks: failing}, http.StatusServiceUnavailable
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	// A write error means the client went away; there is no one to tell.
	_ = json.NewEncoder(w).Encode(body)
}
