package upgrade

import (
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	tr := &Trial{From: "1.0.0", To: "2.0.0"}
	for _, c := range []struct {
		t       *Trial
		running string
		want    Action
	}{
		{nil, "1.0.0", NoTrial},
		{tr, "2.0.0", OnTrial},
		{tr, "1.0.0", TrialFailed},
		{tr, "3.0.0", TrialFailed},
	} {
		if got := Decide(c.t, c.running); got != c.want {
			t.Errorf("Decide(%+v, %s) = %v, want %v", c.t, c.running, got, c.want)
		}
	}
}

// A trial is recorded, committed (current moves, outcome ok, trial gone)
// or failed (current stays).
func TestTrialCommitAndFail(t *testing.T) {
	s := newStore(t)
	now := time.UnixMilli(1_700_000_000_000)
	if tr, err := s.Trial(); err != nil || tr != nil {
		t.Fatalf("no trial yet: %+v %v", tr, err)
	}
	tr := Trial{From: "1.0.0", FromExe: "/old/chunter", To: "2.0.0", ToExe: s.BinaryPath("2.0.0"), Started: now.UnixMilli()}
	if err := s.BeginTrial(tr); err != nil {
		t.Fatal(err)
	}
	got, err := s.Trial()
	if err != nil || got == nil || *got != tr {
		t.Fatalf("trial %+v %v", got, err)
	}
	if err := s.Commit(tr, now); err != nil {
		t.Fatal(err)
	}
	if cur, err := s.Current(); err != nil || cur != "2.0.0" {
		t.Fatalf("current %q %v", cur, err)
	}
	last, err := s.Last()
	if err != nil || last == nil || !last.OK || last.To != "2.0.0" || last.At != now.UnixMilli() {
		t.Fatalf("last %+v %v", last, err)
	}
	if got, _ := s.Trial(); got != nil {
		t.Fatalf("trial left: %+v", got)
	}

	tr = Trial{From: "2.0.0", To: "3.0.0"}
	if err := s.BeginTrial(tr); err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(tr, "did not register", now); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.Current(); cur != "2.0.0" {
		t.Fatalf("current moved on a failure: %q", cur)
	}
	if last, _ := s.Last(); last == nil || last.OK || last.To != "3.0.0" || last.Reason != "did not register" {
		t.Fatalf("last %+v", last)
	}
}

func TestReportedVersion(t *testing.T) {
	for out, want := range map[string]string{
		"chunter fifo 1.2.3 (commit abc, built x, go1.26)\n": "1.2.3",
		"garbage": "",
		"fifo":    "",
	} {
		if got := ReportedVersion(out); got != want {
			t.Errorf("%q: %q, want %q", out, got, want)
		}
	}
}

// At start, a trial naming the running version is kept for a commit; one
// naming another version is recorded as failed and removed.
func TestResolve(t *testing.T) {
	s := newStore(t)
	now := time.UnixMilli(1_700_000_000_000)
	if tr, a, err := s.Resolve("1.0.0", now); err != nil || tr != nil || a != NoTrial {
		t.Fatalf("no trial: %v %v %v", tr, a, err)
	}
	tr := Trial{From: "1.0.0", To: "2.0.0"}
	if err := s.BeginTrial(tr); err != nil {
		t.Fatal(err)
	}
	if got, a, err := s.Resolve("2.0.0", now); err != nil || a != OnTrial || got == nil || *got != tr {
		t.Fatalf("new binary: %v %v %v", got, a, err)
	}
	if got, a, err := s.Resolve("1.0.0", now); err != nil || a != TrialFailed || got == nil {
		t.Fatalf("old binary back: %v %v %v", got, a, err)
	}
	if got, _ := s.Trial(); got != nil {
		t.Fatalf("trial left: %+v", got)
	}
	if last, _ := s.Last(); last == nil || last.OK || last.To != "2.0.0" || last.Reason == "" {
		t.Fatalf("last %+v", last)
	}
}
