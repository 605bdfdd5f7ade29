package console

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// NodeReleases is the node's own releases root and live upgrades, for
// the node-local `release status` and `release install` commands that
// `fifo cluster upgrade` runs on every member in turn (the release fills
// it in on nodes started by `fifo start`).
type NodeReleases interface {
	// Status says what the node runs, whether it serves, what its
	// releases root holds (and whether version, when not empty, is
	// unpacked there) and how its last live install went.
	Status(ctx context.Context, version string) (ReleaseStatus, error)
	// Install starts a live install of version in the background and
	// returns once it is under way (the node's console goes away while
	// its process hands over). Its outcome is Status().LastInstall,
	// under the request's ID.
	Install(ctx context.Context, r InstallRequest) (InstallRecord, error)
}

// InstallRequest asks a node to install one of its unpacked releases
// live.
type InstallRequest struct {
	// Version is the release to install.
	Version string
	// ID names the request, so that its caller finds its outcome in
	// ReleaseStatus.LastInstall (default: one is made up).
	ID string
	// ReadyTimeout bounds the new binary's start once the old one has
	// released its services (0: the node's default).
	ReadyTimeout time.Duration
}

// Install states of InstallRecord.State.
const (
	// InstallRunning: the install is under way in the process PID.
	InstallRunning = "running"
	// InstallDone: the node runs the new version (seen by its new process).
	InstallDone = "done"
	// InstallFailed: the install failed; Error says why, and the node
	// serves its old version (or says it could not).
	InstallFailed = "failed"
)

// InstallRecord is one live install as the node records it (in its data
// dir, so that it survives the hand-over of the process).
type InstallRecord struct {
	ID    string `json:"id"`
	From  string `json:"from"`
	To    string `json:"to"`
	State string `json:"state"`
	Error string `json:"error,omitempty"`
	// PID is the process that ran the install (the old one).
	PID int `json:"pid"`
	// Progress are the hand-off's steps as the node reported them.
	Progress []string  `json:"progress,omitempty"`
	Started  time.Time `json:"started"`
	Ended    time.Time `json:"ended,omitzero"`
}

// ReleaseStatus is `release status`'s structured result.
type ReleaseStatus struct {
	Node    string `json:"node"`
	Version string `json:"version"`
	PID     int    `json:"pid"`
	// Ready: the node's /readyz answers 200 (asked over HTTP by the node
	// itself, at its configured address).
	Ready bool `json:"ready"`
	// ReadyError says why not.
	ReadyError string `json:"ready_error,omitempty"`
	// Root is the releases root; Current and Permanent as it records them;
	// Unpacked lists its releases.
	Root      string   `json:"root"`
	Current   string   `json:"current"`
	Permanent string   `json:"permanent"`
	Unpacked  []string `json:"unpacked"`
	// Asked is the version the status was asked about; Has says whether it
	// is unpacked in the root.
	Asked string `json:"asked,omitempty"`
	Has   bool   `json:"has"`
	// Upgradable: the node answers on its control socket and can hand over
	// live; UpgradableError says why not.
	Upgradable      bool   `json:"upgradable"`
	UpgradableError string `json:"upgradable_error,omitempty"`
	// LastInstall is the last live install asked through the console.
	LastInstall *InstallRecord `json:"last_install,omitempty"`
}

func releaseCommands() []command {
	return []command{
		{path: []string{"release", "status"}, args: "[<version>]", max: 1,
			help: "this node's version, readiness, releases root and last live install", run: runReleaseStatus},
		{path: []string{"release", "install"}, args: "<version> [--id ID] [--ready-timeout D]", min: 1, max: 5,
			help: "install an unpacked release on this node, live (returns once started; see release status)", run: runReleaseInstall},
	}
}

func runReleaseStatus(ctx context.Context, s *Shell, args []string) (result, error) {
	if err := need(s.deps.Releases != nil, "release (this node was not started by fifo start with a releases root)"); err != nil {
		return result{}, err
	}
	v := ""
	if len(args) == 1 {
		v = args[0]
	}
	st, err := s.deps.Releases.Status(ctx, v)
	if err != nil {
		return result{}, fmt.Errorf("release status: %w", err)
	}
	return result{text: releaseStatusText(st), data: st}, nil
}

// releaseStatusText renders a ReleaseStatus.
func releaseStatusText(st ReleaseStatus) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "node\t%s\n", st.Node)
	fmt.Fprintf(w, "version\t%s (pid %d)\n", st.Version, st.PID)
	ready := "yes"
	if !st.Ready {
		ready = "NO: " + st.ReadyError
	}
	fmt.Fprintf(w, "ready\t%s\n", ready)
	up := "yes"
	if !st.Upgradable {
		up = "NO: " + st.UpgradableError
	}
	fmt.Fprintf(w, "live upgrade\t%s\n", up)
	fmt.Fprintf(w, "releases root\t%s\n", st.Root)
	fmt.Fprintf(w, "current\t%s\n", dash(st.Current))
	fmt.Fprintf(w, "permanent\t%s\n", dash(st.Permanent))
	fmt.Fprintf(w, "unpacked\t%s\n", listOrNone(st.Unpacked))
	if st.Asked != "" {
		has := "unpacked"
		if !st.Has {
			has = "NOT unpacked"
		}
		fmt.Fprintf(w, "%s\t%s\n", st.Asked, has)
	}
	if li := st.LastInstall; li != nil {
		line := fmt.Sprintf("%s -> %s: %s (id %s, pid %d)", li.From, li.To, li.State, li.ID, li.PID)
		if li.Error != "" {
			line += ": " + li.Error
		}
		fmt.Fprintf(w, "last install\t%s\n", line)
	}
	w.Flush()
	return b.String()
}

// parseInstall parses release install's arguments.
func parseInstall(args []string) (InstallRequest, error) {
	var r InstallRequest
	bad := func(format string, a ...any) error {
		return usagef("release install: "+format+"\nusage: release install <version> [--id ID] [--ready-timeout D]", a...)
	}
	v, err := versionAndFlags(args, func(name, val string) error {
		switch name {
		case "--id":
			r.ID = val
		case "--ready-timeout":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return fmt.Errorf("--ready-timeout %q: want a positive duration", val)
			}
			r.ReadyTimeout = d
		default:
			return fmt.Errorf("unknown flag %s", name)
		}
		return nil
	})
	if err != nil {
		return r, bad("%v", err)
	}
	r.Version = v
	return r, nil
}

func runReleaseInstall(ctx context.Context, s *Shell, args []string) (result, error) {
	req, err := parseInstall(args)
	if err != nil {
		return result{}, err
	}
	if err := need(s.deps.Releases != nil, "release (this node was not started by fifo start with a releases root)"); err != nil {
		return result{}, err
	}
	rec, err := s.deps.Releases.Install(ctx, req)
	if err != nil {
		return result{}, fmt.Errorf("release install %s: %w", req.Version, err)
	}
	text := fmt.Sprintf("live install %s -> %s started on %s (pid %d, id %s); follow it with: release status\n",
		rec.From, rec.To, s.deps.Node.Name(), rec.PID, rec.ID)
	return result{text: text, data: rec}, nil
}
