package chunter_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/chunter/backoff"
	"github.com/fifogo/fifo/agent/client/clienttest"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

const (
	hv1 = "11111111-1111-4111-8111-111111111111"
	hv2 = "22222222-2222-4222-8222-222222222222"
	img = "99999999-9999-4999-8999-999999999999"
)

// vmID is the uuid of test VM i.
func vmID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func ptr[T any](v T) *T { return &v }

// zone is the spec of a running joyent zone with ramMB of memory.
func zone(vm string, ramMB int64) driver.Spec {
	return driver.Spec{UUID: vm, Brand: "joyent", Alias: "t", MaxPhysicalMemory: ramMB, ImageUUID: img, Autoboot: true}
}

// logger logs to stderr with CHUNTER_TEST_LOG set.
func logger() *slog.Logger {
	if os.Getenv("CHUNTER_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newSim returns a simulated host hv with the test image installed.
func newSim(t *testing.T, hv string, o sim.Options) *sim.Driver {
	t.Helper()
	o.UUID = hv
	o.Images = append(o.Images, driver.Image{UUID: img, Name: "base", Type: "zone-dataset"})
	d, err := sim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// newAgent returns an agent with fast timers.
func newAgent(t *testing.T, hv string, d driver.Driver, controls ...string) *chunter.Agent {
	t.Helper()
	a, err := chunter.New(fastOptions(hv, d, controls...))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func fastOptions(hv string, d driver.Driver, controls ...string) chunter.Options {
	m, err := chunter.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		panic(err)
	}
	return chunter.Options{
		HV: hv, Driver: d, Controls: controls, Version: "test", Logger: logger(), Metrics: m,
		HeartbeatInterval: 50 * time.Millisecond,
		ResyncInterval:    time.Hour,
		CallTimeout:       5 * time.Second,
		Backoff:           backoff.Policy{Min: 10 * time.Millisecond, Max: 200 * time.Millisecond},
	}
}

// startApp runs the chunter application with agents on n until the test
// ends.
func startApp(t *testing.T, n *runtime.Node, agents ...*chunter.Agent) supervisors.App {
	t.Helper()
	app, err := chunter.App("test", agents...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := supervisors.StartApp(ctx, n, app); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if n.Alive() {
			_ = supervisors.StopApp(ctx, n, app)
		}
	})
	return app
}

// node starts a test node with a logger.
func node(t *testing.T, mod ...func(*runtime.Options)) *runtime.Node {
	t.Helper()
	return runtimetest.StartNode(t, append([]func(*runtime.Options){func(o *runtime.Options) { o.Logger = logger() }}, mod...)...)
}

// waitSessions waits until rec has seen n sessions of hv (each a Register
// followed by its VM list) and returns the registrations.
func waitSessions(t *testing.T, rec *clienttest.Recorder, hv string, n int) {
	t.Helper()
	runtimetest.WaitFor(t, fmt.Sprintf("%d sessions of %s", n, hv), func() bool {
		sessions, lists := 0, 0
		for _, r := range rec.Sessions() {
			if r.Addr.HV == hv {
				sessions++
			}
		}
		for _, l := range rec.Lists() {
			if l.Addr.HV == hv {
				lists++
			}
		}
		return sessions >= n && lists >= n
	})
}

// ctx30 is a context for a test's calls.
func ctx30(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
