package vmadm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/fifogo/fifo/agent/driver"
)

// The parsers read the tools' output. They never panic on bad input
// (fuzzed) and fail with driver.ErrFailed: output the driver cannot read
// is the host misbehaving, not the caller.

func badOutput(what string, err error) error {
	return fmt.Errorf("vmadm: cannot read %s output: %v: %w", what, err, driver.ErrFailed)
}

// ParseVM reads `vmadm get` output: one VM object.
func ParseVM(b []byte) (driver.VM, error) {
	var vm driver.VM
	if err := json.Unmarshal(b, &vm); err != nil {
		return driver.VM{}, badOutput("vmadm get", err)
	}
	if err := checkVM(&vm); err != nil {
		return driver.VM{}, badOutput("vmadm get", err)
	}
	return vm, nil
}

// ParseVMs reads `vmadm lookup -j` output: an array of VM objects, which
// it returns sorted by uuid.
func ParseVMs(b []byte) ([]driver.VM, error) {
	var vms []driver.VM
	if err := json.Unmarshal(b, &vms); err != nil {
		return nil, badOutput("vmadm lookup", err)
	}
	for i := range vms {
		if err := checkVM(&vms[i]); err != nil {
			return nil, badOutput("vmadm lookup", err)
		}
	}
	sort.Slice(vms, func(i, j int) bool { return vms[i].UUID < vms[j].UUID })
	return vms, nil
}

// checkVM normalizes the state and refuses a VM without a valid uuid.
func checkVM(vm *driver.VM) error {
	if !driver.ValidUUID(vm.UUID) {
		return fmt.Errorf("vm uuid %q", vm.UUID)
	}
	raw := string(vm.State)
	if raw == "" {
		raw = vm.ZoneState
	}
	vm.State = driver.NormalizeState(raw)
	return nil
}

// vmState is one row of `vmadm lookup -j -o uuid,state,zone_state`.
type vmState struct {
	UUID              string `json:"uuid"`
	State             string `json:"state"`
	ZoneState         string `json:"zone_state"`
	RAM               int64  `json:"ram"`
	MaxPhysicalMemory int64  `json:"max_physical_memory"`
}

// ParseStates reads `vmadm lookup -j -o uuid,state,zone_state`: each VM's
// state by uuid.
func ParseStates(b []byte) (map[string]driver.State, error) {
	rows, err := parseRows(b)
	if err != nil {
		return nil, err
	}
	out := make(map[string]driver.State, len(rows))
	for _, r := range rows {
		raw := r.State
		if raw == "" {
			raw = r.ZoneState
		}
		out[r.UUID] = driver.NormalizeState(raw)
	}
	return out, nil
}

// ParseMemory reads `vmadm lookup -j -o uuid,max_physical_memory,ram`:
// each VM's memory (MB) by uuid.
func ParseMemory(b []byte) (map[string]int64, error) {
	rows, err := parseRows(b)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.UUID] = max(r.MaxPhysicalMemory, r.RAM, 0)
	}
	return out, nil
}

func parseRows(b []byte) ([]vmState, error) {
	var rows []vmState
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, badOutput("vmadm lookup", err)
	}
	for _, r := range rows {
		if !driver.ValidUUID(r.UUID) {
			return nil, badOutput("vmadm lookup", fmt.Errorf("vm uuid %q", r.UUID))
		}
	}
	return rows, nil
}

// ParseZones reads `zoneadm list -pc`
// (zoneid:zonename:state:zonepath:uuid:brand:ip-type…, colons within a
// field escaped with a backslash): the state of each zone that is a VM,
// by uuid. The global zone and zones without a uuid are left out.
func ParseZones(b []byte) (map[string]driver.State, error) {
	out := map[string]driver.State{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		f := splitEscaped(sc.Text())
		if len(f) < 6 {
			return nil, badOutput("zoneadm list", fmt.Errorf("line %q", sc.Text()))
		}
		id := f[4]
		if !driver.ValidUUID(id) {
			id = f[1]
		}
		if f[1] == "global" || !driver.ValidUUID(id) {
			continue
		}
		out[id] = driver.NormalizeState(f[2])
	}
	if err := sc.Err(); err != nil {
		return nil, badOutput("zoneadm list", err)
	}
	return out, nil
}

// splitEscaped splits a zoneadm -p line on the colons not escaped by a
// backslash, unescaping the fields.
func splitEscaped(line string) []string {
	var out []string
	var f strings.Builder
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && i+1 < len(line):
			i++
			f.WriteByte(line[i])
		case c == ':':
			out = append(out, f.String())
			f.Reset()
		default:
			f.WriteByte(c)
		}
	}
	return append(out, f.String())
}

// Sysinfo is what the driver reads from `sysinfo`.
type Sysinfo struct {
	UUID           string
	Hostname       string
	CPUs           int
	MemoryMB       int64
	Interfaces     map[string]driver.Interface
	NICTags        []string // sorted, unique
	Virtualisation []string
	// Raw is the whole document without the boot parameter root_shadow.
	Raw map[string]any
}

// ParseSysinfo reads `sysinfo` output. Numbers may come as JSON numbers
// or strings ("MiB of Memory" is a string on SmartOS).
func ParseSysinfo(b []byte) (Sysinfo, error) {
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return Sysinfo{}, badOutput("sysinfo", err)
	}
	if raw == nil {
		return Sysinfo{}, badOutput("sysinfo", fmt.Errorf("not an object"))
	}
	s := Sysinfo{Interfaces: map[string]driver.Interface{}}
	s.UUID, _ = raw["UUID"].(string)
	if !driver.ValidUUID(s.UUID) {
		return Sysinfo{}, badOutput("sysinfo", fmt.Errorf("UUID %q", s.UUID))
	}
	s.Hostname, _ = raw["Hostname"].(string)
	cpus, err := jsonInt(raw["CPU Total Cores"])
	if err != nil {
		return Sysinfo{}, badOutput("sysinfo", fmt.Errorf("CPU Total Cores: %w", err))
	}
	s.CPUs = int(cpus)
	if s.MemoryMB, err = jsonInt(raw["MiB of Memory"]); err != nil || s.MemoryMB <= 0 {
		return Sysinfo{}, badOutput("sysinfo", fmt.Errorf("MiB of Memory: %v", raw["MiB of Memory"]))
	}
	tags := map[string]bool{}
	nics, _ := raw["Network Interfaces"].(map[string]any)
	for name, v := range nics {
		m, _ := v.(map[string]any)
		it := driver.Interface{}
		it.MAC, _ = m["MAC Address"].(string)
		it.IP, _ = m["ip4addr"].(string)
		it.LinkStatus, _ = m["Link Status"].(string)
		names, _ := m["NIC Names"].([]any)
		for _, n := range names {
			if tag, ok := n.(string); ok && tag != "" {
				it.NICTags = append(it.NICTags, tag)
				tags[tag] = true
			}
		}
		s.Interfaces[name] = it
	}
	for tag := range tags {
		s.NICTags = append(s.NICTags, tag)
	}
	sort.Strings(s.NICTags)
	s.Virtualisation = []string{"zone", "lx"}
	if raw["VM Capable"] == true {
		s.Virtualisation = append(s.Virtualisation, "kvm")
	}
	if raw["Bhyve Capable"] == true {
		s.Virtualisation = append(s.Virtualisation, "bhyve")
	}
	if bp, ok := raw["Boot Parameters"].(map[string]any); ok {
		delete(bp, "root_shadow")
	}
	s.Raw = plainNumbers(raw).(map[string]any)
	return s, nil
}

// jsonInt reads an integer given as a JSON number or a string; absent is
// 0.
func jsonInt(v any) (int64, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case json.Number:
		return x.Int64()
	case string:
		return strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	}
	return 0, fmt.Errorf("%v is not a number", v)
}

// plainNumbers turns json.Numbers into int64 (or float64).
func plainNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = plainNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plainNumbers(e)
		}
	}
	return v
}

// ParsePools reads `zpool list -Hp -o name,size,alloc,free,dedup,health`:
// sizes in bytes become MB, the dedup ratio ("1.00x" or "1.00") ×100.
func ParsePools(b []byte) (map[string]driver.Pool, error) {
	out := map[string]driver.Pool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 || f[0] == "" {
			return nil, badOutput("zpool list", fmt.Errorf("line %q", line))
		}
		var n [3]int64
		for i := range n {
			v, err := strconv.ParseInt(f[i+1], 10, 64)
			if err != nil || v < 0 {
				return nil, badOutput("zpool list", fmt.Errorf("line %q", line))
			}
			n[i] = v >> 20
		}
		dedup, err := strconv.ParseFloat(strings.TrimSuffix(f[4], "x"), 64)
		if err != nil || dedup < 0 || dedup > 1e9 {
			return nil, badOutput("zpool list", fmt.Errorf("dedup %q", f[4]))
		}
		out[f[0]] = driver.Pool{SizeMB: n[0], UsedMB: n[1], FreeMB: n[2], Dedup: int64(dedup*100 + 0.5), Health: f[5]}
	}
	if err := sc.Err(); err != nil {
		return nil, badOutput("zpool list", err)
	}
	return out, nil
}

// ParseServices reads `svcs -H -o state,fmri`: FMRI → state.
func ParseServices(b []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch len(f) {
		case 0:
			continue
		case 2:
			out[f[1]] = f[0]
		default:
			return nil, badOutput("svcs", fmt.Errorf("line %q", sc.Text()))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, badOutput("svcs", err)
	}
	return out, nil
}

// imageEntry is one image as imgadm shows it.
type imageEntry struct {
	Manifest driver.Image `json:"manifest"`
}

// ParseImages reads `imgadm list -j`, sorted by uuid.
func ParseImages(b []byte) ([]driver.Image, error) {
	var entries []imageEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, badOutput("imgadm list", err)
	}
	out := make([]driver.Image, 0, len(entries))
	for _, e := range entries {
		if !driver.ValidUUID(e.Manifest.UUID) {
			return nil, badOutput("imgadm list", fmt.Errorf("image uuid %q", e.Manifest.UUID))
		}
		out = append(out, e.Manifest)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UUID < out[j].UUID })
	return out, nil
}

// ParseImage reads `imgadm get` output.
func ParseImage(b []byte) (driver.Image, error) {
	var e imageEntry
	if err := json.Unmarshal(b, &e); err != nil {
		return driver.Image{}, badOutput("imgadm get", err)
	}
	if !driver.ValidUUID(e.Manifest.UUID) {
		return driver.Image{}, badOutput("imgadm get", fmt.Errorf("image uuid %q", e.Manifest.UUID))
	}
	return e.Manifest, nil
}

// Snapshot is one row of `zfs list -Hp -t snapshot -o name,creation,used`.
type Snapshot struct {
	Dataset string
	driver.Snapshot
}

// ParseSnapshots reads `zfs list -Hp -t snapshot -o name,creation,used`,
// in the order listed.
func ParseSnapshots(b []byte) ([]Snapshot, error) {
	var out []Snapshot
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, badOutput("zfs list", fmt.Errorf("line %q", line))
		}
		ds, name, ok := strings.Cut(f[0], "@")
		created, err1 := strconv.ParseInt(f[1], 10, 64)
		used, err2 := strconv.ParseInt(f[2], 10, 64)
		if !ok || ds == "" || name == "" || err1 != nil || err2 != nil {
			return nil, badOutput("zfs list", fmt.Errorf("line %q", line))
		}
		out = append(out, Snapshot{Dataset: ds, Snapshot: driver.Snapshot{Name: name, CreatedAt: created, SizeBytes: used}})
	}
	if err := sc.Err(); err != nil {
		return nil, badOutput("zfs list", err)
	}
	return out, nil
}
