package releases

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fifogo/fifo/actors/console"
	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/version"
	"github.com/fifogo/fifo/releases/handoff"
	"github.com/fifogo/fifo/releases/install"
)

// InstallRecordFile is the file in a node's data dir that records the
// last live install asked through the console (`release install`), so
// that its outcome survives the hand-over of the process.
const InstallRecordFile = "release-install.json"

// consoleReleases is console.NodeReleases over the node's releases root
// (install.DefaultDir of its data dir, as `fifo release` finds it) and
// its control socket: `release install` on the console performs the
// same switch and live hand-off as `fifo release install` on the node's
// host.
type consoleReleases struct {
	cfg     config.Config
	root    *install.Root
	dataDir string
	control string
	log     *slog.Logger
	// mu serialises the start of installs in this stack (the record file
	// serialises them across stacks of one process).
	mu sync.Mutex
}

// newConsoleReleases returns the console's NodeReleases.
func newConsoleReleases(cfg config.Config, log *slog.Logger) (*consoleReleases, error) {
	data, err := filepath.Abs(cfg.Node.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	root, err := install.New(install.Options{Dir: install.DefaultDir(data)})
	if err != nil {
		return nil, err
	}
	return &consoleReleases{cfg: cfg, root: root, dataDir: data, control: handoff.ControlPath(data), log: log}, nil
}

// Status implements console.NodeReleases.
func (c *consoleReleases) Status(ctx context.Context, v string) (console.ReleaseStatus, error) {
	st := console.ReleaseStatus{Node: c.cfg.Node.Name, Version: version.Get().Version, PID: os.Getpid(),
		Root: c.root.Dir(), Unpacked: []string{}, Asked: v}
	if err := selfReady(ctx, c.cfg.HTTP.Addr); err != nil {
		st.ReadyError = err.Error()
	} else {
		st.Ready = true
	}
	s, err := c.root.State()
	if err != nil {
		return st, fmt.Errorf("releases root %s: %w", c.root.Dir(), err)
	}
	st.Current, st.Permanent = s.Current, s.Permanent
	for _, r := range s.Releases {
		st.Unpacked = append(st.Unpacked, r.Version)
	}
	st.Has = v != "" && s.Has(v)
	if err := c.upgradable(); err != nil {
		st.UpgradableError = err.Error()
	} else {
		st.Upgradable = true
	}
	rec, err := readInstallRecord(c.dataDir)
	if err != nil {
		return st, err
	}
	if rec != nil {
		r := resolveInstall(*rec, os.Getpid(), st.Version)
		st.LastInstall = &r
	}
	return st, nil
}

// upgradable checks that this process answers on its control socket.
func (c *consoleReleases) upgradable() error {
	ev, err := handoff.Ask(c.control, handoff.Request{Op: handoff.OpStatus}, nil)
	if err != nil {
		return err
	}
	if ev.PID != os.Getpid() {
		return fmt.Errorf("process %d answers on %s, not this one (%d)", ev.PID, c.control, os.Getpid())
	}
	return nil
}

// Install implements console.NodeReleases: it checks what it can at once
// (the release is unpacked, the node is not running it, it can hand over,
// no other install runs), records the install as running and runs it in
// the background.
func (c *consoleReleases) Install(_ context.Context, r console.InstallRequest) (console.InstallRecord, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	running := version.Get().Version
	if r.Version == running {
		return console.InstallRecord{}, fmt.Errorf("this node already runs %s", r.Version)
	}
	s, err := c.root.State()
	if err != nil {
		return console.InstallRecord{}, fmt.Errorf("releases root %s: %w", c.root.Dir(), err)
	}
	if !s.Has(r.Version) {
		return console.InstallRecord{}, fmt.Errorf("release %s is not unpacked in %s (run fifo release unpack there)", r.Version, c.root.Dir())
	}
	if err := c.upgradable(); err != nil {
		return console.InstallRecord{}, fmt.Errorf("this node cannot hand over live: %w", err)
	}
	prev, err := readInstallRecord(c.dataDir)
	if err != nil {
		return console.InstallRecord{}, err
	}
	if prev != nil {
		if p := resolveInstall(*prev, os.Getpid(), running); p.State == console.InstallRunning {
			return console.InstallRecord{}, fmt.Errorf("a live install to %s (id %s) is already running", p.To, p.ID)
		}
	}
	if r.ID == "" {
		if r.ID, err = newInstallID(); err != nil {
			return console.InstallRecord{}, err
		}
	}
	rec := console.InstallRecord{ID: r.ID, From: running, To: r.Version, State: console.InstallRunning,
		PID: os.Getpid(), Started: time.Now().UTC(), Progress: []string{}}
	if err := writeInstallRecord(c.dataDir, rec); err != nil {
		return console.InstallRecord{}, err
	}
	go c.run(rec, r.ReadyTimeout)
	return rec, nil
}

// run switches the root's current release and asks this node, on its
// control socket, to hand over to it, recording the progress and the
// outcome. On success the process exits once the new one serves, maybe
// before the record says done: resolveInstall reads it right.
func (c *consoleReleases) run(rec console.InstallRecord, readyTimeout time.Duration) {
	var mu sync.Mutex
	save := func(update func(*console.InstallRecord)) {
		mu.Lock()
		defer mu.Unlock()
		update(&rec)
		if err := writeInstallRecord(c.dataDir, rec); err != nil {
			c.log.Warn("live install: record", "err", err)
		}
	}
	c.log.Info("live install: starting", "id", rec.ID, "from", rec.From, "to", rec.To)
	_, err := c.root.InstallWith(rec.To, func(sw install.Switch) error {
		binary := filepath.Join(c.root.ReleaseDir(sw.To), "bin", "fifo")
		req := handoff.Request{Op: handoff.OpUpgrade, Binary: binary, Version: sw.To, ReadyTimeoutMS: readyTimeout.Milliseconds()}
		ev, err := handoff.Ask(c.control, req, func(msg string) {
			save(func(r *console.InstallRecord) { r.Progress = append(r.Progress, msg) })
		})
		if err != nil {
			return err
		}
		if ev.Error != "" {
			state := fmt.Sprintf("the node (pid %d) still runs %s", ev.PID, ev.Version)
			if ev.Resumed {
				state = fmt.Sprintf("the node (pid %d) serves %s again", ev.PID, ev.Version)
			}
			return fmt.Errorf("%s; %s", ev.Error, state)
		}
		return nil
	})
	save(func(r *console.InstallRecord) {
		r.Ended = time.Now().UTC()
		if err != nil {
			r.State, r.Error = console.InstallFailed, err.Error()
			return
		}
		r.State = console.InstallDone
	})
	if err != nil {
		c.log.Error("live install failed", "id", rec.ID, "to", rec.To, "err", err)
	}
}

// resolveInstall is what a recorded install means to the process pid
// running version now: one recorded as running by another process is
// done when this process runs its target (the new process took over),
// and failed otherwise (the process that ran it ended first).
func resolveInstall(rec console.InstallRecord, pid int, running string) console.InstallRecord {
	if rec.State != console.InstallRunning || rec.PID == pid {
		return rec
	}
	if running == rec.To {
		rec.State = console.InstallDone
		return rec
	}
	rec.State = console.InstallFailed
	rec.Error = fmt.Sprintf("the process that ran it (pid %d) ended before it finished; this one (pid %d) runs %s", rec.PID, pid, running)
	return rec
}

// readInstallRecord reads the data dir's install record (nil when there
// is none).
func readInstallRecord(dataDir string) (*console.InstallRecord, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, InstallRecordFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("install record: %w", err)
	}
	var rec console.InstallRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("install record %s: %w", filepath.Join(dataDir, InstallRecordFile), err)
	}
	return &rec, nil
}

// writeInstallRecord replaces the data dir's install record atomically.
func writeInstallRecord(dataDir string, rec console.InstallRecord) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("install record: %w", err)
	}
	path := filepath.Join(dataDir, InstallRecordFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("install record: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("install record: %w", err)
	}
	return nil
}

// newInstallID is a random install id.
func newInstallID() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("install id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// selfReady asks the node's own /readyz at its configured HTTP address.
func selfReady(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("http address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("/readyz: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/readyz answers %d", resp.StatusCode)
	}
	return nil
}
