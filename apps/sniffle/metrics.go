package sniffle

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// MetricsTTL is how long one read of the records serves scrapes of the
// cloud's gauges.
const MetricsTTL = 5 * time.Second

// cloudCollector exports the cloud's state, read from the records when
// scraped (at most once per ttl):
//
//	fifo_vms{state}                                VMs by state
//	fifo_hypervisors                               hypervisors known
//	fifo_hypervisor_memory_bytes{hypervisor,kind}  total, provisioned, free, reserved
//
// A read that fails keeps the previous figures and is logged.
type cloudCollector struct {
	st  recstore.Store
	ttl time.Duration
	log *slog.Logger
	now func() time.Time

	vmsDesc, hvsDesc, memDesc *prometheus.Desc

	mu    sync.Mutex
	at    time.Time
	snap  cloudSnapshot
	valid bool
}

// cloudSnapshot is one read of the records.
type cloudSnapshot struct {
	vms map[string]int              // state → count
	mem map[string]map[string]int64 // hypervisor → kind → MB
}

// memoryKinds are the resources of a hypervisor exported, by their
// record key (MB).
var memoryKinds = map[string]string{"total-memory": "total", "provisioned-memory": "provisioned",
	"free-memory": "free", "reserved-memory": "reserved"}

func newCloudCollector(st recstore.Store, ttl time.Duration, log *slog.Logger) *cloudCollector {
	return &cloudCollector{st: st, ttl: ttl, log: log, now: time.Now,
		vmsDesc: prometheus.NewDesc("fifo_vms", "VMs by state.", []string{"state"}, nil),
		hvsDesc: prometheus.NewDesc("fifo_hypervisors", "Hypervisors known to the cloud.", nil, nil),
		memDesc: prometheus.NewDesc("fifo_hypervisor_memory_bytes",
			"A hypervisor's memory as its agent last reported it: total, provisioned (to VMs and reservations), free, reserved (for the global zone).",
			[]string{"hypervisor", "kind"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *cloudCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.vmsDesc
	ch <- c.hvsDesc
	ch <- c.memDesc
}

// Collect implements prometheus.Collector.
func (c *cloudCollector) Collect(ch chan<- prometheus.Metric) {
	s, ok := c.snapshot()
	if !ok {
		return
	}
	for _, state := range sortedKeys(s.vms) {
		ch <- prometheus.MustNewConstMetric(c.vmsDesc, prometheus.GaugeValue, float64(s.vms[state]), state)
	}
	ch <- prometheus.MustNewConstMetric(c.hvsDesc, prometheus.GaugeValue, float64(len(s.mem)))
	for _, hv := range sortedKeys(s.mem) {
		for key, kind := range memoryKinds {
			if mb, ok := s.mem[hv][key]; ok {
				ch <- prometheus.MustNewConstMetric(c.memDesc, prometheus.GaugeValue, float64(mb)*(1<<20), hv, kind)
			}
		}
	}
}

// snapshot returns a read no older than ttl, reading afresh when needed.
func (c *cloudCollector) snapshot() (cloudSnapshot, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.valid && c.now().Sub(c.at) < c.ttl {
		return c.snap, true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := readCloud(ctx, c.st)
	if err != nil {
		c.log.Warn("cloud metrics not read", "err", err)
		return c.snap, c.valid
	}
	c.snap, c.at, c.valid = s, c.now(), true
	return s, true
}

// readCloud counts VMs by state and reads every hypervisor's memory. A
// record that does not decode is skipped (the store quarantines it).
func readCloud(ctx context.Context, st recstore.Store) (cloudSnapshot, error) {
	s := cloudSnapshot{vms: map[string]int{}, mem: map[string]map[string]int64{}}
	err := st.Fold(ctx, record.BucketVM, func(_ string, v []byte) error {
		r, err := record.Unmarshal(v)
		if err != nil {
			return nil
		}
		var state string
		if record.ReadField(r, "state", &state) == nil {
			if state == "" {
				state = "unknown"
			}
			s.vms[state]++
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	err = st.Fold(ctx, record.BucketHypervisor, func(id string, v []byte) error {
		r, err := record.Unmarshal(v)
		if err != nil {
			return nil
		}
		var res map[string]any
		if record.ReadField(r, "resources", &res) != nil {
			return nil
		}
		m := map[string]int64{}
		for key := range memoryKinds {
			if n, ok := asInt(res[key]); ok {
				m[key] = n
			}
		}
		s.mem[id] = m
		return nil
	})
	return s, err
}

// asInt reads a number a map field holds (CBOR decodes integers as
// int64 or uint64).
func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case uint64:
		return int64(n), true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
