package console

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/actors/replica"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
)

func run(t *testing.T, s *Shell, line string) Reply {
	t.Helper()
	args, err := Split(line)
	if err != nil {
		t.Fatal(err)
	}
	return s.Run(context.Background(), Request{Args: args, JSON: true})
}

// expect runs line and checks its status and output.
func expect(t *testing.T, s *Shell, line string, status int, want ...string) Reply {
	t.Helper()
	r := run(t, s, line)
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d; output:\n%s", line, r.Status, status, r.Output)
	}
	for _, w := range want {
		if !strings.Contains(r.Output, w) {
			t.Fatalf("%s: output lacks %q:\n%s", line, w, r.Output)
		}
	}
	if r.Output != "" && !strings.HasSuffix(r.Output, "\n") {
		t.Fatalf("%s: output does not end in a newline: %q", line, r.Output)
	}
	return r
}

func TestStatus(t *testing.T) {
	deps, _, _ := testDeps()
	r := expect(t, NewShell(deps), "status", StatusOK, "fifo@test", "all-in-one", "1.2.3 (abc)", "1m30s", "snarl, store", "info")
	var d statusData
	if err := json.Unmarshal(r.Data, &d); err != nil || d.Node != "fifo@test" || d.UptimeSeconds != 90 || len(d.Apps) != 2 {
		t.Fatalf("data %s: %v", r.Data, err)
	}
	// Without JSON asked for, no data travels.
	if r := NewShell(deps).Run(context.Background(), Request{Args: []string{"status"}}); r.Data != nil {
		t.Fatalf("data without JSON: %s", r.Data)
	}
}

func TestApps(t *testing.T) {
	deps, _, _ := testDeps()
	expect(t, NewShell(deps), "apps", StatusOK, "NAME", "snarl", "identity")
}

func TestProcs(t *testing.T) {
	deps, node, _ := testDeps()
	node.procs = []runtime.ProcessInfo{
		{PID: "<1>", Name: "quiet", Kind: "actor"},
		{PID: "<2>", Name: "restarty", Kind: "actor", Restarts: 4},
		{PID: "<3>", Name: "", Kind: "process", Mailbox: 1},
		{PID: "<4>", Name: "busy", Kind: "actor", Mailbox: 70},
	}
	s := NewShell(deps)
	r := expect(t, s, "procs", StatusOK, "4 of 4 processes")
	lines := strings.Split(r.Output, "\n")
	order := []string{"busy", "-", "restarty", "quiet"} // mailbox, then restarts
	for i, name := range order {
		if f := strings.Fields(lines[i+1]); f[1] != name {
			t.Fatalf("row %d is %q, want %s:\n%s", i, lines[i+1], name, r.Output)
		}
	}
	expect(t, s, "procs 2", StatusOK, "2 of 4 processes")
	expect(t, s, "procs all", StatusOK, "4 of 4")
	expect(t, s, "procs zero", StatusUsage, "not a positive number")
	expect(t, s, "procs 1 2", StatusUsage, "usage: procs [N|all]")
}

func TestRingAndMembers(t *testing.T) {
	deps, node, _ := testDeps()
	node.peers = []string{"other@host", ClientPrefix + "abc@host"}
	s := NewShell(deps)
	r := expect(t, s, "ring", StatusOK, "no ring", "fifo@test owns all 4 partitions")
	var d ringData
	if json.Unmarshal(r.Data, &d); d.Owners["fifo@test"] != 4 || d.Clustered {
		t.Fatalf("ring data %s", r.Data)
	}
	expect(t, s, "members", StatusOK, "members: fifo@test", "connected nodes: other@host", "console clients: "+ClientPrefix+"abc@host")
	expect(t, s, "cluster status", StatusOK, "members: fifo@test")
	expect(t, s, "cluster join other@host", StatusFailed, "clustering is not available on this node")
	expect(t, s, "cluster leave", StatusFailed, "clustering is not available on this node")
	expect(t, s, "cluster join", StatusUsage, "usage: cluster join <node>")
	expect(t, s, "cluster", StatusUsage, "cluster status", "cluster join <node>", "cluster leave")
	deps.Store = nil
	expect(t, NewShell(deps), "ring", StatusFailed, "not available")
}

func TestStore(t *testing.T) {
	deps, _, _ := testDeps()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	deps.Store = &fakeStore{quarantined: []storage.QuarantineEntry{
		{Partition: 3, Bucket: "users", ID: "u1", Reason: "cbor: bad\nbytes", At: at, Size: 7},
	}}
	s := NewShell(deps)
	r := expect(t, s, "store", StatusOK, "partitions 4", "disk 12345 B", "quarantined records: 1", "users", "u1", "cbor: bad bytes")
	var d storeData
	if json.Unmarshal(r.Data, &d); d.QuarantinedCount != 1 || d.Stats.DiskBytes != 12345 {
		t.Fatalf("store data %s", r.Data)
	}
	r = expect(t, s, "store partitions", StatusOK, "PARTITION", "total")
	if !strings.Contains(r.Output, "10") || len(strings.Split(strings.TrimSpace(r.Output), "\n")) != 6 {
		t.Fatalf("partitions:\n%s", r.Output)
	}
	deps.Store = nil
	expect(t, NewShell(deps), "store", StatusFailed, "error: store: not available on this node")
	if !errors.Is(need(false, "x"), ErrUnavailable) || !errors.Is(errNoClustering, ErrUnavailable) || need(true, "x") != nil {
		t.Fatal("need does not match ErrUnavailable")
	}
}

func TestLogLevel(t *testing.T) {
	deps, _, _ := testDeps()
	s := NewShell(deps)
	expect(t, s, "log level", StatusOK, "log level info")
	expect(t, s, "log level debug", StatusOK, "log level debug (was info)")
	if deps.Level.Level() != slog.LevelDebug {
		t.Fatalf("level %v", deps.Level.Level())
	}
	expect(t, s, "log level loud", StatusUsage, `"loud"`)
	expect(t, s, "log level ''", StatusUsage, "want debug")
	expect(t, s, "status", StatusOK, "log level  debug")
	expect(t, s, "log", StatusUsage, "log level [debug|info|warn|error]")
	deps.Level = nil
	expect(t, NewShell(deps), "log level warn", StatusFailed, "not available")
}

func TestMetrics(t *testing.T) {
	deps, _, _ := testDeps()
	s := NewShell(deps)
	expect(t, s, "metrics", StatusOK, "# TYPE fifo_test_things_total counter", "fifo_test_things_total 3", "other_gauge")
	r := expect(t, s, "metrics fifo_", StatusOK, "fifo_test_things_total 3")
	if strings.Contains(r.Output, "other_gauge") {
		t.Fatalf("prefix not applied:\n%s", r.Output)
	}
	expect(t, s, "metrics nothing_", StatusOK, `no metrics start with "nothing_"`)
}

func TestTraceCommand(t *testing.T) {
	deps, node, _ := testDeps()
	base := time.Now().Add(time.Hour) // any time; offsets are shown relative to the command's start
	node.events = []runtime.TraceEvent{{At: base, Kind: "call", Type: "store.ApplyReq", Queue: 2}}
	s := NewShell(deps)
	expect(t, s, "trace busy 1", StatusOK, "trace of busy for 1s: 1 messages", "call", "store.ApplyReq")
	expect(t, s, "trace nobody", StatusFailed, "no such process")
	expect(t, s, "trace busy 0", StatusUsage, "want 1..60")
	expect(t, s, "trace busy 61", StatusUsage, "want 1..60")
	expect(t, s, "trace", StatusUsage, "usage: trace <process> [seconds]")
	if TraceDuration([]string{"trace", "x", "7"}) != 7*time.Second || TraceDuration([]string{"trace", "x"}) != 5*time.Second ||
		TraceDuration([]string{"status"}) != 0 {
		t.Fatal("TraceDuration")
	}
}

func TestUsers(t *testing.T) {
	deps, _, users := testDeps()
	s := NewShell(deps)
	r := expect(t, s, "users add alice 'pass word'", StatusOK, "created user alice (id-alice)")
	if strings.Contains(r.Output, "pass word") || users.byName["alice"] != "pass word" {
		t.Fatalf("add: %q, stored %q", r.Output, users.byName["alice"])
	}
	expect(t, s, "users add alice x", StatusFailed, "users add alice: fake: name taken")
	expect(t, s, "users passwd alice n3w", StatusOK, "password of alice changed")
	if users.byName["alice"] != "n3w" {
		t.Fatal("password not changed")
	}
	expect(t, s, "users passwd bob n3w", StatusFailed, "no such user")
	expect(t, s, "users grant alice cloud/vms/create", StatusOK, "granted cloud/vms/create to alice")
	if g := users.grants["alice"]; len(g) != 1 || g[0] != "cloud/vms/create" {
		t.Fatalf("grants %v", g)
	}
	expect(t, s, "users grant alice a//b", StatusUsage, "permission")
	r = expect(t, s, "users list", StatusOK, "admin", "alice", "2 users")
	var us []User
	if json.Unmarshal(r.Data, &us); len(us) != 2 || us[0].Name != "admin" {
		t.Fatalf("list data %s", r.Data)
	}
	expect(t, s, "users add alice", StatusUsage, "usage: users add <name> <password>")
	expect(t, s, "users", StatusUsage, "users list", "users grant <user> <permission>")
	deps.Users = nil
	expect(t, NewShell(deps), "users list", StatusFailed, "snarl does not run here")
}

func TestHypervisors(t *testing.T) {
	deps, _, _ := testDeps()
	s := NewShell(deps)
	r := expect(t, s, "hypervisors list", StatusOK, "alpha", "never", "10.0.0.2:4200", "1m0s ago", "2 hypervisors")
	if strings.Index(r.Output, "alpha") > strings.Index(r.Output, "beta") {
		t.Fatalf("not sorted by alias:\n%s", r.Output)
	}
	deps.Hypervisors = nil
	expect(t, NewShell(deps), "hypervisors list", StatusFailed, "sniffle does not run here")
}

func TestConfig(t *testing.T) {
	deps, _, _ := testDeps()
	s := NewShell(deps)
	r := expect(t, s, "config get", StatusOK, "node.name", "fifo@localhost", "FIFO_DIST_PORT", "changeable")
	if strings.Contains(r.Output, "hunter2") {
		t.Fatal("secret shown")
	}
	expect(t, s, "config get dist.listen_port", StatusOK, "4370")
	expect(t, s, "config get snarl.admin_password", StatusOK, "not shown")
	expect(t, s, "config get nope", StatusUsage, "unknown key")
	expect(t, s, "config set log.level warn", StatusOK, "log.level = warn")
	if deps.Level.Level() != slog.LevelWarn {
		t.Fatal("level not set")
	}
	expect(t, s, "config get log.level", StatusOK, "warn")
	expect(t, s, "config set log.level nope", StatusUsage, "want debug")
	expect(t, s, "config set dist.listen_port 1", StatusFailed, "not changeable at run time", "restart")
	expect(t, s, "config set nope 1", StatusUsage, "unknown key")
	expect(t, s, "config set log.level", StatusUsage, "usage: config set <key> <value>")
	deps.Config = nil
	expect(t, NewShell(deps), "config get", StatusFailed, "not available")
}

func TestHelpAndUnknown(t *testing.T) {
	deps, _, _ := testDeps()
	s := NewShell(deps)
	r := expect(t, s, "help", StatusOK, "status", "users add <name> <password>", "trace <process> [seconds]", "Exit status")
	for _, c := range commands() {
		if !strings.Contains(r.Output, c.usage()) {
			t.Errorf("help lacks %s", c.usage())
		}
	}
	expect(t, s, "help users", StatusOK, "users passwd")
	expect(t, s, "help nope", StatusUsage, "unknown command")
	expect(t, s, "frobnicate", StatusUsage, `unknown command "frobnicate": try help`)
	expect(t, s, "STATUS", StatusOK, "fifo@test")
	if r := s.Run(context.Background(), Request{}); r.Status != StatusUsage {
		t.Fatalf("empty: %+v", r)
	}
	names := CommandNames()
	if len(names) == 0 || names[0] != "apps" {
		t.Fatalf("names %v", names)
	}
}

// fakeCluster is a Cluster with a fixed status that records joins.
type fakeCluster struct {
	joined  string
	forced  bool
	left    bool
	joinErr error
}

func (f *fakeCluster) Status(context.Context) (replica.Status, error) {
	return replica.Status{Self: "a@h", Cluster: "a@h/1", Partitions: 8, N: 3, R: 2, W: 2,
		Members: []replica.MemberStatus{
			{Name: "a@h", Status: "valid", Owned: 3, Reachable: true},
			{Name: "b@h", Status: "valid", Owned: 3, Reachable: true},
			{Name: "c@h", Status: "valid", Owned: 2, Reachable: false},
		},
		Handoffs:    []replica.HandoffStatus{{Partition: 7, From: "a@h", To: "c@h"}},
		Unreachable: []string{"c@h"}, Hints: 4}, nil
}

func (f *fakeCluster) Join(_ context.Context, seed string, force bool) error {
	f.joined, f.forced = seed, force
	return f.joinErr
}

func (f *fakeCluster) Leave(context.Context) error { f.left = true; return nil }

func TestClusterCommands(t *testing.T) {
	deps, _, _ := testDeps()
	fc := &fakeCluster{}
	deps.Cluster = fc
	s := NewShell(deps)
	r := expect(t, s, "ring", StatusOK, "a@h owns 3 partitions", "c@h owns 2 partitions", "pending handoffs: 1", "partition 7: a@h -> c@h")
	var d ringData
	if json.Unmarshal(r.Data, &d); !d.Clustered || d.Owners["b@h"] != 3 {
		t.Fatalf("ring data %s", r.Data)
	}
	expect(t, s, "cluster status", StatusOK, "n_val 3, r 2, w 2", "c@h", "NO", "unreachable members: c@h",
		"hints held for unreachable replicas: 4", "yes (this node)")
	expect(t, s, "cluster join b@h", StatusOK, "joined the cluster of b@h")
	if fc.joined != "b@h" || fc.forced {
		t.Fatalf("join: %+v", fc)
	}
	expect(t, s, "cluster join b@h --force", StatusOK, "joined")
	if !fc.forced {
		t.Fatal("--force not passed")
	}
	expect(t, s, "cluster join b@h --forse", StatusUsage, "unknown argument")
	fc.joinErr = replica.ErrHasData
	expect(t, s, "cluster join b@h", StatusFailed, "data of its own")
	expect(t, s, "cluster leave", StatusOK, "leaving")
	if !fc.left {
		t.Fatal("leave not passed")
	}
}
