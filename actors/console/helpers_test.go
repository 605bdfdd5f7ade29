package console

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/supervisors"
)

var errNoSuchUser = errors.New("fake: no such user")

// fakeNode is a NodeView with canned answers.
type fakeNode struct {
	procs  []runtime.ProcessInfo
	peers  []string
	events []runtime.TraceEvent
}

func (f *fakeNode) Name() string          { return "fifo@test" }
func (f *fakeNode) Uptime() time.Duration { return 90 * time.Second }
func (f *fakeNode) Applications() []supervisors.AppInfo {
	return []supervisors.AppInfo{{Name: "snarl", Version: "1.0", Description: "identity"}, {Name: "store", Version: "1.0"}}
}
func (f *fakeNode) Processes() []runtime.ProcessInfo {
	return append([]runtime.ProcessInfo(nil), f.procs...)
}
func (f *fakeNode) Peers() []string { return f.peers }
func (f *fakeNode) Trace(_ context.Context, name string, _ time.Duration, max int) ([]runtime.TraceEvent, int64, error) {
	if name != "busy" {
		return nil, 0, fmt.Errorf("trace %s: %w", name, runtime.ErrNoProc)
	}
	if len(f.events) > max {
		return f.events[:max], int64(len(f.events) - max), nil
	}
	return f.events, 0, nil
}

// fakeStore is a Store with canned figures.
type fakeStore struct{ quarantined []storage.QuarantineEntry }

func (f *fakeStore) Partitions() int { return 4 }
func (f *fakeStore) Stats() (storage.Stats, error) {
	return storage.Stats{Partitions: 4, FormatVersion: 1, DiskBytes: 12345}, nil
}
func (f *fakeStore) Quarantined() ([]storage.QuarantineEntry, error) { return f.quarantined, nil }
func (f *fakeStore) PartitionStats(p int) (storage.PartitionStats, error) {
	return storage.PartitionStats{Partition: p, Records: p + 1, RecordBytes: int64(10 * (p + 1))}, nil
}

// fakeUsers keeps users in memory.
type fakeUsers struct {
	mu     sync.Mutex
	byName map[string]string // name -> password
	grants map[string][]string
}

func newFakeUsers() *fakeUsers {
	return &fakeUsers{byName: map[string]string{"admin": "x"}, grants: map[string][]string{}}
}

func (f *fakeUsers) List(context.Context) ([]User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []User
	for n := range f.byName {
		out = append(out, User{ID: "id-" + n, Name: n})
	}
	return out, nil
}

func (f *fakeUsers) Add(_ context.Context, name, pw string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.byName[name]; ok {
		return "", errors.New("fake: name taken")
	}
	f.byName[name] = pw
	return "id-" + name, nil
}

func (f *fakeUsers) SetPassword(_ context.Context, user, pw string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.byName[user]; !ok {
		return errNoSuchUser
	}
	f.byName[user] = pw
	return nil
}

func (f *fakeUsers) Grant(_ context.Context, user string, p perm.Permission) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.byName[user]; !ok {
		return errNoSuchUser
	}
	f.grants[user] = append(f.grants[user], p.String())
	return nil
}

// fakeHypervisors lists canned hypervisors.
type fakeHypervisors struct{ list []Hypervisor }

func (f fakeHypervisors) List(context.Context) ([]Hypervisor, error) { return f.list, nil }

// testDeps returns Deps over fakes and a registry with one counter.
func testDeps() (Deps, *fakeNode, *fakeUsers) {
	node := &fakeNode{}
	users := newFakeUsers()
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "fifo_test_things_total", Help: "Things."})
	c.Add(3)
	reg.MustRegister(c, prometheus.NewGauge(prometheus.GaugeOpts{Name: "other_gauge", Help: "Other."}))
	cfg := config.Default()
	cfg.Snarl.AdminPassword = "hunter2"
	level := new(slog.LevelVar)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return Deps{
		Node: node, Release: "all-in-one", Version: "1.2.3", Commit: "abc",
		Config: &cfg, Level: level, Store: &fakeStore{}, Metrics: reg, Users: users,
		Hypervisors: fakeHypervisors{list: []Hypervisor{
			{ID: "h2", Alias: "beta", Host: "10.0.0.2", Port: 4200, Version: "0.9", LastSeen: now.Add(-time.Minute)},
			{ID: "h1", Alias: "alpha"},
		}},
		Now: func() time.Time { return now },
	}, node, users
}
