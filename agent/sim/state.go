package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fifogo/fifo/agent/driver"
)

// State file format (Options.StateFile): one JSON document, what a real
// host keeps across a restart of its agent — its zones (spec, state,
// creation time, snapshots) and its installed images. Memory
// reservations are the agent's, not the host's, and are not kept.
const (
	stateFormat  = "fifo-sim-host"
	stateVersion = 1
)

// ErrCorruptState marks a state file that cannot be read back: not JSON
// of this format, another version, another host, or values no host could
// hold.
var ErrCorruptState = errors.New("sim: corrupt state file")

// HostState is what the state file holds.
type HostState struct {
	// Format is always "fifo-sim-host".
	Format string `json:"format"`
	// Version is the file format's version (1).
	Version int `json:"version"`
	// Host is the uuid of the simulated host the file belongs to.
	Host string `json:"host"`
	// VMs are the host's VMs, sorted by uuid.
	VMs []VMState `json:"vms"`
	// Images are the installed images, sorted by uuid.
	Images []driver.Image `json:"images"`
}

// VMState is one VM in the state file.
type VMState struct {
	Spec      driver.Spec       `json:"spec"`
	State     driver.State      `json:"state"`
	Created   int64             `json:"created"` // Unix milliseconds
	Snapshots []driver.Snapshot `json:"snapshots,omitempty"`
}

// hostStates are the states a VM may have in a state file: the settled
// ones and the transitional ones an operation cut short leaves.
var hostStates = []driver.State{driver.StateProvisioning, driver.StateStopped, driver.StateBooting,
	driver.StateRunning, driver.StateShuttingDown, driver.StateFailed}

// encodeState renders s as the file's bytes.
func encodeState(s HostState) ([]byte, error) {
	s.Format, s.Version = stateFormat, stateVersion
	if s.VMs == nil {
		s.VMs = []VMState{}
	}
	if s.Images == nil {
		s.Images = []driver.Image{}
	}
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return nil, fmt.Errorf("sim: encode state: %w", err)
	}
	return append(b, '\n'), nil
}

// DecodeState reads a state file's bytes and checks them: the format and
// version, the host uuid (when host is not empty), and every VM and
// image. Any problem is ErrCorruptState, saying what is wrong.
func DecodeState(b []byte, host string) (HostState, error) {
	var s HostState
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return HostState{}, fmt.Errorf("%w: %w", ErrCorruptState, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return HostState{}, fmt.Errorf("%w: data after the document", ErrCorruptState)
	}
	if err := s.check(host); err != nil {
		return HostState{}, fmt.Errorf("%w: %w", ErrCorruptState, err)
	}
	return s, nil
}

// check reports every problem of a decoded state at once.
func (s HostState) check(host string) error {
	var errs []error
	if s.Format != stateFormat {
		errs = append(errs, fmt.Errorf("format %q, want %q", s.Format, stateFormat))
	}
	if s.Version != stateVersion {
		errs = append(errs, fmt.Errorf("version %d, want %d", s.Version, stateVersion))
	}
	if !driver.ValidUUID(s.Host) {
		errs = append(errs, fmt.Errorf("host %q is not a uuid", s.Host))
	} else if host != "" && !strings.EqualFold(s.Host, host) {
		errs = append(errs, fmt.Errorf("the file is of host %s, not %s", s.Host, host))
	}
	seen := map[string]bool{}
	for i, v := range s.VMs {
		if err := v.Spec.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("vm %d: %w", i, err))
			continue
		}
		if seen[v.Spec.UUID] {
			errs = append(errs, fmt.Errorf("vm %s listed twice", v.Spec.UUID))
		}
		seen[v.Spec.UUID] = true
		if !slices.Contains(hostStates, v.State) {
			errs = append(errs, fmt.Errorf("vm %s: state %q", v.Spec.UUID, v.State))
		}
		if v.Created < 0 {
			errs = append(errs, fmt.Errorf("vm %s: created %d", v.Spec.UUID, v.Created))
		}
		for _, sn := range v.Snapshots {
			if err := driver.CheckSnapshotName(sn.Name); err != nil {
				errs = append(errs, fmt.Errorf("vm %s: %w", v.Spec.UUID, err))
			}
		}
	}
	imgs := map[string]bool{}
	for _, img := range s.Images {
		if err := driver.CheckUUID("image", img.UUID); err != nil {
			errs = append(errs, err)
		} else if imgs[img.UUID] {
			errs = append(errs, fmt.Errorf("image %s listed twice", img.UUID))
		}
		imgs[img.UUID] = true
	}
	return errors.Join(errs...)
}

// Settle resolves the operations a VM was in the middle of when its host
// stopped — the agent's process was killed with the host in it — the way
// a SmartOS host comes back:
//
//   - provisioning: a half-created zone is rolled back and gone (vmadm
//     removes a zone whose create did not finish; the image was never
//     fully cloned), so the create can simply be repeated;
//   - booting: the zone finished booting: running;
//   - shutting_down: the zone finished halting: stopped;
//
// settled states stay. It returns the settled state and the uuids of the
// VMs it removed.
func (s HostState) Settle() (HostState, []string) {
	var gone []string
	vms := make([]VMState, 0, len(s.VMs))
	for _, v := range s.VMs {
		switch v.State {
		case driver.StateProvisioning:
			gone = append(gone, v.Spec.UUID)
			continue
		case driver.StateBooting:
			v.State = driver.StateRunning
		case driver.StateShuttingDown:
			v.State = driver.StateStopped
		}
		vms = append(vms, v)
	}
	s.VMs = vms
	return s, gone
}
