package console

import (
	"context"
	"fmt"
	"strings"

	"github.com/prometheus/common/expfmt"
)

func metricsCommands() []command {
	return []command{
		{path: []string{"metrics"}, args: "[prefix]", max: 1,
			help: "the node's Prometheus metrics (text format), those starting with prefix", run: runMetrics},
	}
}

// metricsData is the structured result of metrics: the families shown.
type metricsData struct {
	Families []string `json:"families"`
}

func runMetrics(_ context.Context, s *Shell, args []string) (result, error) {
	if err := need(s.deps.Metrics != nil, "metrics"); err != nil {
		return result{}, err
	}
	prefix := ""
	if len(args) == 1 {
		prefix = args[0]
	}
	mfs, err := s.deps.Metrics.Gather()
	if err != nil && len(mfs) == 0 {
		return result{}, fmt.Errorf("gather metrics: %w", err)
	}
	var b strings.Builder
	d := metricsData{Families: []string{}}
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), prefix) {
			continue
		}
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			return result{}, fmt.Errorf("metrics %s: %w", mf.GetName(), err)
		}
		d.Families = append(d.Families, mf.GetName())
	}
	if err != nil { // some collectors failed; the rest is shown
		fmt.Fprintf(&b, "# gather errors: %s\n", oneLine(err.Error(), 200))
	}
	if len(d.Families) == 0 {
		b.WriteString("no metrics")
		if prefix != "" {
			fmt.Fprintf(&b, " start with %q", prefix)
		}
		b.WriteString("\n")
	}
	return result{text: b.String(), data: d}, nil
}
