package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/upgrade"
)

// switcher wires the agent's upgrades into the process: the releases
// folder the control plane pushes binaries into, the trial this process
// may be on (it is the new binary of a switch), and the way out — a
// binary to execute once the agent has stopped (docs/releases.md,
// "Pushing chunter to hypervisors").
type switcher struct {
	store   *upgrade.Store
	log     *slog.Logger
	version string
	exe     string // this process's binary, symlinks resolved
	// trial is the switch this process is the new binary of (nil when
	// none); timer ends it unless a registration commits it first.
	trial *upgrade.Trial
	timer *time.Timer
	// next receives the binary to execute after the agent stopped.
	next chan string

	mu    sync.Mutex
	ended bool // the trial was committed or given up
}

// newSwitcher opens the releases folder and settles a trial found there:
// one naming this version is this process's, to commit once registered;
// one naming another is recorded as failed (the new binary did not keep
// running, and the service manager started this one again).
func newSwitcher(cfg config, log *slog.Logger, version string) (*switcher, error) {
	store, err := upgrade.NewStore(upgrade.StoreOptions{Dir: cfg.releasesDir()})
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return nil, fmt.Errorf("own binary: %w", err)
	}
	s := &switcher{store: store, log: log, version: version, exe: exe, next: make(chan string, 1)}
	t, action, err := store.Resolve(version, time.Now())
	if err != nil {
		return nil, err
	}
	switch action {
	case upgrade.OnTrial:
		s.trial = t
		s.timer = time.NewTimer(cfg.UpgradeTrial)
		log.Info("running a pushed binary on trial: it commits once registered", "from", t.From, "to", t.To, "trial", cfg.UpgradeTrial)
	case upgrade.TrialFailed:
		log.Warn("the switch to a pushed binary failed: running the old one", "from", t.From, "to", t.To)
	}
	return s, nil
}

// upgrader is the agent's Upgrader over the releases folder.
func (s *switcher) upgrader() (chunter.Upgrader, error) {
	return chunter.NewUpgrader(chunter.UpgraderOptions{Store: s.store, Version: s.version, Exe: s.exe, Exec: s.execLater})
}

// execLater asks runAgent to stop the agent and execute path.
func (s *switcher) execLater(path string) {
	select {
	case s.next <- path:
	default: // a switch is already under way
	}
}

// onRegistered commits the trial at the first registration.
func (s *switcher) onRegistered(control string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.trial == nil || s.ended {
		return
	}
	s.ended = true
	s.timer.Stop()
	if err := s.store.Commit(*s.trial, time.Now()); err != nil {
		s.log.Error("the new binary registered but its switch was not recorded", "to", s.trial.To, "err", err)
		return
	}
	s.log.Info("switch committed: current is the new version", "from", s.trial.From, "to", s.trial.To, "control", control)
}

// expired fires when the trial's time is up (never without a trial).
func (s *switcher) expired() <-chan time.Time {
	if s.timer == nil {
		return nil
	}
	return s.timer.C
}

// giveUp ends a trial that ran out of time and returns the old binary to
// execute; false when a registration committed it meanwhile.
func (s *switcher) giveUp(after time.Duration) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.trial == nil || s.ended {
		return "", false
	}
	s.ended = true
	reason := fmt.Sprintf("%s did not register within %v", s.trial.To, after)
	if err := s.store.Fail(*s.trial, reason, time.Now()); err != nil {
		s.log.Error("recording the failed switch", "err", err)
	}
	return s.trial.FromExe, true
}

// execBinary replaces the process with the binary at path, given this
// process's arguments and environment. Go opens every file and socket
// close-on-exec, so only standard input, output and error pass on. It
// returns only on failure.
func execBinary(path string) error {
	argv := append([]string{path}, os.Args[1:]...)
	if err := syscall.Exec(path, argv, os.Environ()); err != nil {
		return fmt.Errorf("execute %s: %w", path, err)
	}
	return nil
}
