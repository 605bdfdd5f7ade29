package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// state is what the fake host holds.
type state struct {
	VMs       map[string]map[string]any `json:"vms"`       // uuid → vmadm object
	Images    map[string]map[string]any `json:"images"`    // uuid → manifest
	Snapshots map[string][]snap         `json:"snapshots"` // dataset → snapshots, oldest first
	Clock     int64                     `json:"clock"`     // fake time, Unix seconds
	Counter   int64                     `json:"counter"`   // MACs
}

type snap struct {
	Name     string `json:"name"`
	Creation int64  `json:"creation"`
	Used     int64  `json:"used"`
}

func load(dir string) (*state, error) {
	st := &state{}
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, st); err != nil {
			return nil, fmt.Errorf("state.json: %w", err)
		}
	}
	if st.VMs == nil {
		st.VMs = map[string]map[string]any{}
	}
	if st.Images == nil {
		st.Images = map[string]map[string]any{}
	}
	if st.Snapshots == nil {
		st.Snapshots = map[string][]snap{}
	}
	if st.Clock == 0 {
		st.Clock = 1_700_000_000
	}
	return st, nil
}

func (st *state) save(dir string) error {
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "state.json.tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "state.json"))
}

func (st *state) tick() int64 {
	st.Clock++
	return st.Clock
}

// datasets maps each dataset of the host to its VM.
func (st *state) datasets() map[string]string {
	out := map[string]string{}
	for id, vm := range st.VMs {
		for _, ds := range vmDatasets(vm) {
			out[ds] = id
		}
	}
	return out
}

func vmDatasets(vm map[string]any) []string {
	out := []string{str(vm["zfs_filesystem"])}
	disks, _ := vm["disks"].([]any)
	for _, d := range disks {
		if m, ok := d.(map[string]any); ok && str(m["zfs_filesystem"]) != "" {
			out = append(out, str(m["zfs_filesystem"]))
		}
	}
	return out
}

func (st *state) sortedVMs() []string {
	ids := make([]string, 0, len(st.VMs))
	for id := range st.VMs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int:
		return int64(x)
	case int64:
		return x
	case json.Number:
		n, _ := x.Int64()
		return n
	}
	return 0
}

// fault makes an invocation fail.
type fault struct {
	Cmd    string `json:"cmd"`
	Sub    string `json:"sub"`
	Exit   int    `json:"exit"`
	Stderr string `json:"stderr"`
	Hang   bool   `json:"hang"`
	Apply  bool   `json:"apply"`
	State  string `json:"state"`
	Times  int    `json:"times"`
}

// takeFault returns the first fault matching the invocation and uses it
// up (a fault with times 0 fires once).
func takeFault(dir, name string, args []string) (*fault, error) {
	path := filepath.Join(dir, "faults.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var faults []fault
	if err := json.Unmarshal(b, &faults); err != nil {
		return nil, err
	}
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	for i, f := range faults {
		if f.Cmd != name || (f.Sub != "" && f.Sub != sub) {
			continue
		}
		if f.Exit == 0 {
			f.Exit = 1
		}
		if f.Times <= 1 {
			faults = append(faults[:i], faults[i+1:]...)
		} else {
			faults[i].Times--
		}
		b, err := json.Marshal(faults)
		if err != nil {
			return nil, err
		}
		return &f, os.WriteFile(path, b, 0o644)
	}
	return nil, nil
}
