package rest

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// The JSON views of sniffle's records (the document's VM, Hypervisor,
// Dataset, Package, Network, IPRange, Grouping and DTrace schemas, JSON
// keys of fifo.md §4.2). Lists and maps are present, empty rather than
// null; free-form values are made JSON-safe (plain).

// vmJSON is the VM schema.
type vmJSON struct {
	UUID             string            `json:"uuid"`
	Alias            string            `json:"alias"`
	Owner            string            `json:"owner"`
	CreatedAt        int64             `json:"created_at"`
	CreatedBy        string            `json:"created_by"`
	VMType           string            `json:"vm_type"`
	Dataset          string            `json:"dataset"`
	Package          string            `json:"package"`
	Hypervisor       string            `json:"hypervisor"`
	State            string            `json:"state"`
	Deleting         bool              `json:"deleting"`
	Creating         bool              `json:"creating"`
	Error            string            `json:"error,omitempty"`
	Config           map[string]any    `json:"config"`
	Info             map[string]any    `json:"info"`
	Backups          map[string]any    `json:"backups"`
	Snapshots        map[string]any    `json:"snapshots"`
	Docker           map[string]any    `json:"docker"`
	Metadata         map[string]any    `json:"metadata"`
	NetworkMappings  map[string]string `json:"network_mappings"`
	IPRangeMappings  map[string]string `json:"iprange_mappings"`
	HostnameMappings map[string]string `json:"hostname_mappings"`
	Log              []logJSON         `json:"log"`
	Groupings        []string          `json:"groupings"`
	FWRules          []any             `json:"fw_rules"`
}

// logJSON is a LogEntry.
type logJSON struct {
	Date int64  `json:"date"`
	Log  string `json:"log"`
}

// hypervisorJSON is the Hypervisor schema.
type hypervisorJSON struct {
	UUID            string            `json:"uuid"`
	Alias           string            `json:"alias"`
	Host            string            `json:"host"`
	Port            int64             `json:"port"`
	Version         string            `json:"version"`
	Architecture    string            `json:"architecture"`
	LastSeen        int64             `json:"last_seen"`
	Networks        []string          `json:"networks"`
	Etherstubs      []string          `json:"etherstubs"`
	Path            []pathElemJSON    `json:"path"`
	Sysinfo         map[string]any    `json:"sysinfo"`
	Virtualisation  []string          `json:"virtualisation"`
	Characteristics map[string]any    `json:"characteristics"`
	Metadata        map[string]any    `json:"metadata"`
	Pools           map[string]any    `json:"pools"`
	Resources       map[string]int64  `json:"resources"`
	Services        map[string]string `json:"services"`
}

// pathElemJSON is a PathElement.
type pathElemJSON struct {
	Name string `json:"name"`
	Cost int64  `json:"cost"`
}

// datasetJSON is the Dataset schema.
type datasetJSON struct {
	UUID          string           `json:"uuid"`
	Type          string           `json:"type"`
	ZoneType      string           `json:"zone_type"`
	Status        string           `json:"status"`
	Imported      float64          `json:"imported"`
	Description   string           `json:"description"`
	DiskDriver    string           `json:"disk_driver"`
	Homepage      string           `json:"homepage"`
	ImageSize     int64            `json:"image_size"`
	Name          string           `json:"name"`
	NICDriver     string           `json:"nic_driver"`
	OS            string           `json:"os"`
	Users         any              `json:"users,omitempty"`
	SHA1          string           `json:"sha1"`
	Version       string           `json:"version"`
	KernelVersion string           `json:"kernel_version"`
	Requirements  []any            `json:"requirements"`
	Networks      []datasetNICJSON `json:"networks"`
	Metadata      map[string]any   `json:"metadata"`
}

// datasetNICJSON is a network interface a dataset expects.
type datasetNICJSON struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// packageJSON is the Package schema.
type packageJSON struct {
	UUID          string           `json:"uuid"`
	Name          string           `json:"name"`
	RAM           int64            `json:"ram"`
	Quota         int64            `json:"quota"`
	CPUCap        int64            `json:"cpu_cap"`
	CPUShares     int64            `json:"cpu_shares"`
	Blocksize     int64            `json:"blocksize"`
	Compression   string           `json:"compression"`
	MaxSwap       int64            `json:"max_swap"`
	ZFSIOPriority int64            `json:"zfs_io_priority"`
	OrgResources  map[string]int64 `json:"org_resources"`
	HVResources   map[string]int64 `json:"hv_resources"`
	Requirements  []any            `json:"requirements"`
	Metadata      map[string]any   `json:"metadata"`
}

// networkJSON is the Network schema.
type networkJSON struct {
	UUID      string         `json:"uuid"`
	Name      string         `json:"name"`
	IPRanges  []string       `json:"ipranges"`
	Resolvers []string       `json:"resolvers"`
	Metadata  map[string]any `json:"metadata"`
}

// iprangeJSON is the IPRange schema.
type iprangeJSON struct {
	UUID     string         `json:"uuid"`
	Name     string         `json:"name"`
	Network  string         `json:"network"`
	Netmask  string         `json:"netmask"`
	Gateway  string         `json:"gateway"`
	Tag      string         `json:"tag"`
	VLAN     int64          `json:"vlan"`
	Free     []string       `json:"free"`
	Used     []string       `json:"used"`
	Metadata map[string]any `json:"metadata"`
}

// groupingJSON is the Grouping schema.
type groupingJSON struct {
	UUID      string         `json:"uuid"`
	Name      string         `json:"name"`
	Type      string         `json:"type"`
	Elements  []string       `json:"elements"`
	Groupings []string       `json:"groupings"`
	Config    map[string]any `json:"config"`
	Metadata  map[string]any `json:"metadata"`
}

// dtraceJSON is the DTrace schema.
type dtraceJSON struct {
	UUID     string         `json:"uuid"`
	Name     string         `json:"name"`
	Script   string         `json:"script"`
	Config   map[string]any `json:"config"`
	Metadata map[string]any `json:"metadata"`
}

// renderCloud returns the JSON view of a sniffle record of kind k; id is
// the record's key (a view's uuid field may be unset).
func renderCloud(k cloud.Kind, id string, r *record.Record) (any, error) {
	switch k {
	case cloud.VMs:
		v, err := record.VMFromRecord(r)
		return renderVM(id, v), wrapRender(k, err)
	case cloud.Hypervisors:
		v, err := record.HypervisorFromRecord(r)
		return renderHypervisor(id, v), wrapRender(k, err)
	case cloud.Datasets:
		v, err := record.DatasetFromRecord(r)
		return renderDataset(id, v), wrapRender(k, err)
	case cloud.Packages:
		v, err := record.PackageFromRecord(r)
		return renderPackage(id, v), wrapRender(k, err)
	case cloud.Networks:
		v, err := record.NetworkFromRecord(r)
		return networkJSON{UUID: id, Name: v.Name, IPRanges: sorted(v.IPRanges), Resolvers: sorted(v.Resolvers),
			Metadata: plainMap(v.Metadata)}, wrapRender(k, err)
	case cloud.IPRanges:
		v, err := record.IPRangeFromRecord(r)
		return renderIPRange(id, v), wrapRender(k, err)
	case cloud.Groupings:
		v, err := record.GroupingFromRecord(r)
		return groupingJSON{UUID: id, Name: v.Name, Type: cmp.Or(v.GroupingType, cloud.GroupingNone),
			Elements: sorted(v.Elements), Groupings: sorted(v.Groupings), Config: plainMap(v.Config),
			Metadata: plainMap(v.Metadata)}, wrapRender(k, err)
	case cloud.DTraces:
		v, err := record.DTraceFromRecord(r)
		return dtraceJSON{UUID: id, Name: v.Name, Script: v.Script, Config: plainMap(v.Config),
			Metadata: plainMap(v.Metadata)}, wrapRender(k, err)
	}
	return nil, fmt.Errorf("render: unknown kind %q", k)
}

func wrapRender(k cloud.Kind, err error) error {
	if err != nil {
		return fmt.Errorf("render %s: %w", k, err)
	}
	return nil
}

func renderVM(id string, v record.VM) vmJSON {
	out := vmJSON{UUID: id, Alias: v.Alias, Owner: v.Owner, CreatedAt: v.CreatedAt, CreatedBy: v.CreatedBy,
		VMType: v.VMType, Dataset: v.Dataset, Package: v.Package, Hypervisor: v.Hypervisor, State: v.State,
		Deleting: v.Deleting, Creating: !v.Creating.IsZero(), Error: v.Error, Config: plainMap(v.Config),
		Info: plainMap(v.Info), Backups: plainMap(v.Backups), Snapshots: plainMap(v.Snapshots),
		Docker: plainMap(v.Docker), Metadata: plainMap(v.Metadata), NetworkMappings: stringMap(v.NetworkMap),
		IPRangeMappings: stringMap(v.IPRangeMap), HostnameMappings: stringMap(v.HostnameMap),
		Log: make([]logJSON, 0, len(v.Logs)), Groupings: sorted(v.Groupings), FWRules: plainList(v.FWRules)}
	for _, l := range v.Logs {
		out.Log = append(out.Log, logJSON{Date: l.Date, Log: l.Log})
	}
	slices.SortStableFunc(out.Log, func(a, b logJSON) int { return cmp.Compare(a.Date, b.Date) })
	return out
}

func renderHypervisor(id string, v record.Hypervisor) hypervisorJSON {
	out := hypervisorJSON{UUID: id, Alias: v.Alias, Host: v.Host, Port: v.Port, Version: v.ChunterVersion,
		Architecture: v.Architecture, LastSeen: v.LastSeen, Networks: strs(v.Networks), Etherstubs: strs(v.Etherstubs),
		Path: make([]pathElemJSON, 0, len(v.Path)), Sysinfo: plainMap(v.Sysinfo), Virtualisation: strs(v.Virtualisation),
		Characteristics: plainMap(v.Characteristics), Metadata: plainMap(v.Metadata), Pools: plainMap(v.Pools),
		Resources: make(map[string]int64, len(v.Resources)), Services: stringMap(v.Services)}
	for _, p := range v.Path {
		out.Path = append(out.Path, pathElemJSON{Name: p.Name, Cost: p.Cost})
	}
	for k, x := range v.Resources {
		if n, ok := integer(x); ok {
			out.Resources[k] = n
		}
	}
	return out
}

func renderDataset(id string, v record.Dataset) datasetJSON {
	out := datasetJSON{UUID: id, Type: v.DatasetType, ZoneType: v.ZoneType, Status: cmp.Or(v.Status, "new"),
		Imported: min(max(v.Imported, 0), 1), Description: v.Description, DiskDriver: v.DiskDriver, Homepage: v.Homepage,
		ImageSize: v.ImageSize, Name: v.Name, NICDriver: v.NICDriver, OS: v.OS, Users: plain(v.Users), SHA1: v.SHA1,
		Version: v.DatasetVersion, KernelVersion: v.KernelVersion, Requirements: plainList(v.Requirements),
		Networks: make([]datasetNICJSON, 0, len(v.Networks)), Metadata: plainMap(v.Metadata)}
	for _, n := range v.Networks {
		out.Networks = append(out.Networks, datasetNICJSON{Name: n.Name, Description: n.Desc})
	}
	slices.SortFunc(out.Networks, func(a, b datasetNICJSON) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

func renderPackage(id string, v record.Package) packageJSON {
	return packageJSON{UUID: id, Name: v.Name, RAM: v.RAM, Quota: v.Quota, CPUCap: v.CPUCap, CPUShares: v.CPUShares,
		Blocksize: v.Blocksize, Compression: v.Compression, MaxSwap: v.MaxSwap, ZFSIOPriority: v.ZFSIOPriority,
		OrgResources: counters(v.OrgResources), HVResources: counters(v.HVResources),
		Requirements: plainList(v.Requirements), Metadata: plainMap(v.Metadata)}
}

func renderIPRange(id string, v record.IPRange) iprangeJSON {
	return iprangeJSON{UUID: id, Name: v.Name, Network: cloud.FormatIPv4(v.Network), Netmask: cloud.FormatIPv4(v.Netmask),
		Gateway: cloud.FormatIPv4(v.Gateway), Tag: v.Tag, VLAN: v.VLAN, Free: addresses(v.Free), Used: addresses(v.Used),
		Metadata: plainMap(v.Metadata)}
}

// addresses are IPv4 addresses as sorted dotted quads.
func addresses(ips []uint32) []string {
	s := slices.Sorted(slices.Values(ips))
	out := make([]string, len(s))
	for i, ip := range s {
		out[i] = cloud.FormatIPv4(ip)
	}
	return out
}

func sorted(s []string) []string { return strs(slices.Sorted(slices.Values(s))) }

func counters(m map[string]int64) map[string]int64 {
	if m == nil {
		return map[string]int64{}
	}
	return maps.Clone(m)
}

// stringMap keeps the string values of m.
func stringMap(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// integer reads a stored number as an int64.
func integer(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case uint64:
		return int64(n), true
	case int:
		return int64(n), true
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}

func plainMap(m map[string]any) map[string]any {
	out, _ := plain(m).(map[string]any)
	if out == nil {
		return map[string]any{}
	}
	return out
}

func plainList(l []any) []any {
	out, _ := plain(l).([]any)
	if out == nil {
		return []any{}
	}
	return out
}

// plain returns v with every map keyed by strings (CBOR decodes some
// maps as map[any]any), byte strings as text, so encoding/json can write
// it. Keys that are not strings are formatted.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plain(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = plain(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case []byte:
		return string(x)
	}
	return v
}
