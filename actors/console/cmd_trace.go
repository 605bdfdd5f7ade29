package console

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fifogo/fifo/internal/runtime"
)

// Trace bounds.
const (
	// DefaultTraceSeconds is how long trace records without a duration.
	DefaultTraceSeconds = 5
	// MaxTraceSeconds is the longest trace.
	MaxTraceSeconds = 60
	// maxTraceEvents bounds the events one trace keeps.
	maxTraceEvents = 1000
)

func traceCommands() []command {
	return []command{
		{path: []string{"trace"}, args: "<process> [seconds]", min: 1, max: 2,
			help: fmt.Sprintf("an actor's messages for %d..%ds (default %d): kind, type, queue; never contents",
				1, MaxTraceSeconds, DefaultTraceSeconds), run: runTrace},
	}
}

// TraceDuration returns how long a trace command line records, so a client
// can wait long enough for its answer; zero for any other command.
func TraceDuration(args []string) time.Duration {
	if len(args) == 0 || !strings.EqualFold(args[0], "trace") {
		return 0
	}
	d, err := traceSeconds(args[1:])
	if err != nil {
		return 0
	}
	return d
}

// traceSeconds parses trace's optional duration.
func traceSeconds(args []string) (time.Duration, error) {
	secs := DefaultTraceSeconds
	if len(args) >= 2 {
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 || n > MaxTraceSeconds {
			return 0, usagef("trace: seconds %q: want 1..%d", args[1], MaxTraceSeconds)
		}
		secs = n
	}
	return time.Duration(secs) * time.Second, nil
}

// traceData is the structured result of trace.
type traceData struct {
	Process string               `json:"process"`
	Seconds float64              `json:"seconds"`
	Events  []runtime.TraceEvent `json:"events"`
	Dropped int64                `json:"dropped"`
}

func runTrace(ctx context.Context, s *Shell, args []string) (result, error) {
	d, err := traceSeconds(args)
	if err != nil {
		return result{}, err
	}
	name := args[0]
	start := time.Now()
	events, dropped, err := s.deps.Node.Trace(ctx, name, d, maxTraceEvents)
	if err != nil {
		return result{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "trace of %s for %s: %d messages", name, d, len(events))
	if dropped > 0 {
		fmt.Fprintf(&b, " (%d more not kept)", dropped)
	}
	b.WriteString("\n")
	if len(events) > 0 {
		w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "AT\tKIND\tTYPE\tQUEUED")
		for _, e := range events {
			fmt.Fprintf(w, "+%.3fs\t%s\t%s\t%d\n", e.At.Sub(start).Seconds(), e.Kind, e.Type, e.Queue)
		}
		w.Flush()
	}
	if events == nil {
		events = []runtime.TraceEvent{}
	}
	return result{text: b.String(), data: traceData{Process: name, Seconds: d.Seconds(), Events: events, Dropped: dropped}}, nil
}
