package store

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// dtoHistogram reads a histogram's count and sum.
type dtoHistogram struct{ count, sum float64 }

func (h *dtoHistogram) read(t *testing.T, m prometheus.Histogram) {
	t.Helper()
	var out dto.Metric
	if err := m.Write(&out); err != nil {
		t.Fatal(err)
	}
	h.count = float64(out.GetHistogram().GetSampleCount())
	h.sum = out.GetHistogram().GetSampleSum()
}
