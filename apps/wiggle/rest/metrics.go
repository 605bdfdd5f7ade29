package rest

import (
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the HTTP metrics of the REST edge. Labels are bounded: route
// is the document's path template ("/api/{version}/users/{id}"), or
// "unmatched" for a path outside the document; never a raw path.
type Metrics struct {
	// Requests counts answered requests by route, method and status code.
	Requests *prometheus.CounterVec
	// Duration measures the time to answer by route and method.
	Duration *prometheus.HistogramVec
}

// NewMetrics creates the metrics fifo_http_requests_total{route,method,code}
// and fifo_http_request_duration_seconds{route,method} and registers them
// in reg (nil: not registered). If reg already holds collectors of those
// names with the same labels (another HTTP app of the node), those are
// shared.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_http_requests_total",
			Help: "HTTP requests answered, by route template, method and status code.",
		}, []string{"route", "method", "code"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fifo_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route template and method.",
			Buckets: prometheus.ExponentialBuckets(100e-6, 2, 16),
		}, []string{"route", "method"}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.Requests, err = register(reg, m.Requests); err != nil {
		return nil, err
	}
	if m.Duration, err = register(reg, m.Duration); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the collector already registered under
// its name.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, err
}

// observe records one answered request.
func (m *Metrics) observe(route, method string, code int, d time.Duration) {
	m.Requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.Duration.WithLabelValues(route, method).Observe(d.Seconds())
}
