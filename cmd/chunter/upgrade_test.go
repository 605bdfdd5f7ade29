package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/client/clienttest"
	"github.com/fifogo/fifo/agent/upgrade"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// agentDirs makes a data dir with a cookie and returns it with the
// releases folder beside it.
func agentDirs(t *testing.T) (data, releases string) {
	t.Helper()
	base := t.TempDir()
	data = filepath.Join(base, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, runtime.CookieFile), []byte("test-cookie\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return data, filepath.Join(base, "releases")
}

// writeTrial records a switch on trial in releases.
func writeTrial(t *testing.T, releases string, tr upgrade.Trial) {
	t.Helper()
	s, err := upgrade.NewStore(upgrade.StoreOptions{Dir: releases})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.BeginTrial(tr); err != nil {
		t.Fatal(err)
	}
}

// lastOutcome reads last-upgrade.json.
func lastOutcome(t *testing.T, releases string) upgrade.Outcome {
	t.Helper()
	var o upgrade.Outcome
	b, err := os.ReadFile(filepath.Join(releases, upgrade.LastName))
	if err == nil {
		err = json.Unmarshal(b, &o)
	}
	if err != nil {
		t.Fatalf("last upgrade: %v", err)
	}
	return o
}

// A binary on trial that cannot register (its control node does not
// exist) gives up after --upgrade-trial: it records the failure and
// executes the old binary in its place, same pid, same arguments; the
// current link is not touched.
func TestTrialGivesUp(t *testing.T) {
	data, releases := agentDirs(t)
	ran := filepath.Join(t.TempDir(), "old-ran")
	old := filepath.Join(t.TempDir(), "old-chunter")
	script := fmt.Sprintf("#!/bin/sh\necho \"$$ $*\" > %s\n", ran)
	if err := os.WriteFile(old, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTrial(t, releases, upgrade.Trial{From: "1.0.0", FromExe: old, To: "9.8.7-test", ToExe: binPath})
	args := []string{"start", "--driver", "sim", "--join", "nobody@127.0.0.1", "--data-dir", data,
		"--node-name", fmt.Sprintf("chunter%d@127.0.0.1", runtimetest.FreePort(t)),
		"--dist-port", fmt.Sprint(runtimetest.FreePort(t)), "--epmd-port", fmt.Sprint(runtimetest.FreePort(t)),
		"--upgrade-trial", "2s", "--sim-state", "none"}
	p := startChunter(t, nil, args...)
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("still running after its trial:\n%s", p.log.String())
	}
	if p.err != nil {
		t.Fatalf("exit %v:\n%s", p.err, p.log.String())
	}
	b, err := os.ReadFile(ran)
	if err != nil {
		t.Fatalf("the old binary did not run: %v\n%s", err, p.log.String())
	}
	pid, rest, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	if pid != strconv.Itoa(p.cmd.Process.Pid) || rest != strings.Join(args, " ") {
		t.Fatalf("old binary ran as %q with %q; want pid %d, args %q", pid, rest, p.cmd.Process.Pid, strings.Join(args, " "))
	}
	if o := lastOutcome(t, releases); o.OK || o.To != "9.8.7-test" || !strings.Contains(o.Reason, "did not register within 2s") {
		t.Fatalf("outcome %+v", o)
	}
	if _, err := os.Lstat(filepath.Join(releases, upgrade.CurrentName)); !os.IsNotExist(err) {
		t.Fatalf("current link made on a failure: %v", err)
	}
	if _, err := os.Stat(filepath.Join(releases, upgrade.TrialName)); !os.IsNotExist(err) {
		t.Fatalf("trial left: %v", err)
	}
}

// A binary on trial commits at its first registration (current points
// at it); an agent that finds a trial naming another version records
// that the switch failed.
func TestTrialCommitsOrFails(t *testing.T) {
	var epmd uint16
	runtimetest.StartNode(t, func(o *runtime.Options) { epmd = o.EPMDPort })
	ctl := runtimetest.StartNode(t)
	_, rec := clienttest.StartReceiver(t, ctl)
	for _, c := range []struct {
		name, to string
		ok       bool
	}{{"commit", "9.8.7-test", true}, {"failed", "10.0.0", false}} {
		t.Run(c.name, func(t *testing.T) {
			data, releases := agentDirs(t)
			writeTrial(t, releases, upgrade.Trial{From: "1.0.0", FromExe: "/nonexistent", To: c.to, ToExe: binPath})
			before := len(rec.Sessions())
			p := startChunter(t, nil, "start", "--driver", "sim", "--join", ctl.Name(), "--data-dir", data,
				"--node-name", fmt.Sprintf("chunter%d@127.0.0.1", runtimetest.FreePort(t)),
				"--dist-port", fmt.Sprint(runtimetest.FreePort(t)), "--epmd-port", fmt.Sprint(epmd), "--upgrade-trial", "1m")
			runtimetest.WaitFor(t, "registration", func() bool { return len(rec.Sessions()) > before })
			runtimetest.WaitFor(t, "the trial settled", func() bool {
				_, err := os.Stat(filepath.Join(releases, upgrade.TrialName))
				return os.IsNotExist(err)
			})
			o := lastOutcome(t, releases)
			cur, _ := os.Readlink(filepath.Join(releases, upgrade.CurrentName))
			if o.OK != c.ok || o.To != c.to || (c.ok && cur != c.to) || (!c.ok && cur != "") {
				t.Fatalf("outcome %+v, current %q", o, cur)
			}
			p.terminate(t)
		})
	}
}
