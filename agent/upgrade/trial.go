package upgrade

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Trial is a switch to a new binary that has not proved itself yet: the
// agent wrote it just before executing the new binary.
type Trial struct {
	// From is the version that switched, FromExe its binary (executed
	// again when the new one gives up).
	From    string `json:"from"`
	FromExe string `json:"from_exe"`
	// To is the new version, ToExe its binary.
	To    string `json:"to"`
	ToExe string `json:"to_exe"`
	// Started is when the switch began (Unix milliseconds).
	Started int64 `json:"started"`
}

// Outcome is how the last switch ended.
type Outcome struct {
	From string `json:"from"`
	To   string `json:"to"`
	// OK is set when the new version registered and became current.
	OK bool `json:"ok"`
	// Reason says why it failed.
	Reason string `json:"reason,omitempty"`
	// At is when it ended (Unix milliseconds).
	At int64 `json:"at"`
}

// Action is what an agent starting up does about a trial.
type Action int

// Actions of Decide.
const (
	// NoTrial: no switch is pending.
	NoTrial Action = iota
	// OnTrial: this agent is the new version; it commits once registered
	// and gives up (executing the old binary) when it cannot register.
	OnTrial
	// TrialFailed: the switch named another version, so the new binary
	// did not keep running; record the failure and carry on.
	TrialFailed
)

// Decide is what an agent running version running does at start, given
// the trial it found (nil for none).
func Decide(t *Trial, running string) Action {
	switch {
	case t == nil:
		return NoTrial
	case t.To == running:
		return OnTrial
	default:
		return TrialFailed
	}
}

// BeginTrial records t; the caller then executes t.ToExe.
func (s *Store) BeginTrial(t Trial) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeJSON(TrialName, t)
}

// Trial returns the recorded trial, nil when there is none.
func (s *Store) Trial() (*Trial, error) {
	var t Trial
	ok, err := s.readJSON(TrialName, &t)
	if err != nil || !ok {
		return nil, err
	}
	return &t, nil
}

// Commit ends the trial t successfully: current points at t.To, the
// outcome is recorded and the trial removed, in that order, so a crash
// leaves either the trial (committed again at the next registration) or
// its end.
func (s *Store) Commit(t Trial, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.setCurrent(t.To); err != nil {
		return err
	}
	return s.end(Outcome{From: t.From, To: t.To, OK: true, At: now.UnixMilli()})
}

// Fail ends the trial t as failed for reason; current is not touched.
func (s *Store) Fail(t Trial, reason string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.end(Outcome{From: t.From, To: t.To, Reason: reason, At: now.UnixMilli()})
}

// end records the outcome and removes the trial.
func (s *Store) end(o Outcome) error {
	if err := s.writeJSON(LastName, o); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.opts.Dir, TrialName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("upgrade: end trial: %w", err)
	}
	if err := syncDir(s.opts.Dir); err != nil {
		return fmt.Errorf("upgrade: end trial: %w", err)
	}
	return nil
}

// Last returns the outcome of the last switch, nil when none is recorded.
func (s *Store) Last() (*Outcome, error) {
	var o Outcome
	ok, err := s.readJSON(LastName, &o)
	if err != nil || !ok {
		return nil, err
	}
	return &o, nil
}

// Current returns the version the current link points at ("" for none).
func (s *Store) Current() (string, error) {
	v, err := os.Readlink(filepath.Join(s.opts.Dir, CurrentName))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("upgrade: current: %w", err)
	}
	return v, nil
}

// setCurrent points the current link at version v: a new link renamed
// over the old one.
func (s *Store) setCurrent(v string) error {
	tmp := filepath.Join(s.opts.Dir, "."+CurrentName+".new")
	_ = os.Remove(tmp)
	if err := os.Symlink(v, tmp); err != nil {
		return fmt.Errorf("upgrade: current: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.opts.Dir, CurrentName)); err != nil {
		return fmt.Errorf("upgrade: current: %w", err)
	}
	if err := syncDir(s.opts.Dir); err != nil {
		return fmt.Errorf("upgrade: current: %w", err)
	}
	return nil
}

// writeJSON writes v as the file name through a synced temporary file.
func (s *Store) writeJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("upgrade: %s: %w", name, err)
	}
	if err := os.MkdirAll(s.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("upgrade: %s: %w", name, err)
	}
	p := filepath.Join(s.opts.Dir, name)
	f, err := os.CreateTemp(s.opts.Dir, "."+name+"-")
	if err != nil {
		return fmt.Errorf("upgrade: %s: %w", name, err)
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err == nil {
		err = syncDir(s.opts.Dir)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("upgrade: %s: %w", name, err)
	}
	return nil
}

// readJSON reads the file name into v; false when it does not exist.
func (s *Store) readJSON(name string, v any) (bool, error) {
	b, err := os.ReadFile(filepath.Join(s.opts.Dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("upgrade: %s: %w", name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("upgrade: %s: %w", name, err)
	}
	return true, nil
}

// Resolve is what an agent running version running does with the
// recorded trial at start (Decide): with TrialFailed the failure is
// recorded and the trial removed; with OnTrial the trial is returned for
// the caller to commit once registered (Commit) or to give up (Fail and
// execute t.FromExe).
func (s *Store) Resolve(running string, now time.Time) (*Trial, Action, error) {
	t, err := s.Trial()
	if err != nil {
		return nil, NoTrial, err
	}
	a := Decide(t, running)
	if a == TrialFailed {
		reason := fmt.Sprintf("%s did not keep running: the agent started again as %s", t.To, running)
		if err := s.Fail(*t, reason, now); err != nil {
			return t, a, err
		}
	}
	return t, a, nil
}
