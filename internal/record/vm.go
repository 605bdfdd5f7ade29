package record

import (
	"fmt"

	"github.com/fifogo/fifo/internal/crdt"
)

// BucketVM is the entity type and bucket of virtual machines.
const BucketVM = "vm"

// VM is the typed view of a virtual machine record (sniffle).
type VM struct {
	UUID       string   `record:"uuid,lww"`
	Alias      string   `record:"alias,lww"`
	Owner      string   `record:"owner,lww"`      // org uuid
	CreatedAt  int64    `record:"created_at,lww"` // Unix seconds
	CreatedBy  string   `record:"created_by,lww"` // user uuid
	VMType     string   `record:"vm_type,lww"`    // zone | docker
	Dataset    string   `record:"dataset,lww"`
	Package    string   `record:"package,lww"`
	Hypervisor string   `record:"hypervisor,lww"` // uuid, "", "pooled" or "pending"
	State      string   `record:"state,lww"`
	Deleting   bool     `record:"deleting,lww"`
	Creating   Creating `record:"creating,lww"`
	ManageFW   bool     `record:"manage_fw,lww"`
	Error      string   `record:"error,lww"`

	Config      map[string]any `record:"config,map"`
	Info        map[string]any `record:"info,map"`
	Backups     map[string]any `record:"backups,map"`
	Snapshots   map[string]any `record:"snapshots,map"`
	Docker      map[string]any `record:"docker,map"`
	Metadata    map[string]any `record:"metadata,map"`
	NetworkMap  map[string]any `record:"network_map,map"`  // ip → network uuid
	IPRangeMap  map[string]any `record:"iprange_map,map"`  // ip → iprange uuid
	HostnameMap map[string]any `record:"hostname_map,map"` // ip → hostname

	Logs      []LogEntry `record:"logs,set"`
	Groupings []string   `record:"groupings,set"`
	FWRules   []any      `record:"fw_rules,set"`
}

// LogEntry is one line of a VM's log.
type LogEntry struct {
	Date int64  `cbor:"date"` // Unix microseconds
	Log  string `cbor:"log"`
}

// Creating is a VM's creation progress: the zero value means the VM is not
// being created, and encodes as false (schema 2, as in FiFo: false or
// {phase, secs}).
type Creating struct {
	Phase string `cbor:"phase"`
	Secs  int64  `cbor:"secs"` // Unix seconds when the phase began
}

// IsZero reports whether the VM is not being created.
func (c Creating) IsZero() bool { return c == Creating{} }

type creatingMap Creating

// MarshalCBOR encodes c as false when zero, else as {phase, secs}.
func (c Creating) MarshalCBOR() ([]byte, error) {
	if c.IsZero() {
		return crdt.EncMode().Marshal(false)
	}
	return crdt.EncMode().Marshal(creatingMap(c))
}

// UnmarshalCBOR accepts false or null (not creating), a {phase, secs} map,
// and, from schema-1 writers in a mixed-version cluster, true (creating,
// phase "creating", start unknown).
func (c *Creating) UnmarshalCBOR(data []byte) error {
	var raw any
	if err := crdt.DecMode().Unmarshal(data, &raw); err != nil {
		return err
	}
	switch v := raw.(type) {
	case nil:
		*c = Creating{}
	case bool:
		*c = Creating{}
		if v {
			c.Phase = creatingPhase
		}
	case map[string]any:
		var m creatingMap
		if err := crdt.DecMode().Unmarshal(data, &m); err != nil {
			return err
		}
		*c = Creating(m)
	default:
		return fmt.Errorf("creating: unexpected %T", raw)
	}
	return nil
}

// creatingPhase is the phase given to VMs that schema 1 marked as creating.
const creatingPhase = "creating"

// upgradeVMCreating takes a VM from schema 1 to 2: `creating` was a bool
// and becomes false or {phase: "creating", secs: <when it was set>}, the
// time taken from the register's own timestamp.
func upgradeVMCreating(r *Record) error {
	return r.Fields.TransformLWW([]string{"creating"}, func(l crdt.LWW) ([]byte, error) {
		var old any
		if err := crdt.DecMode().Unmarshal(l.Value, &old); err != nil {
			return nil, err
		}
		flag, ok := old.(bool)
		switch {
		case !ok:
			return l.Value, nil // already schema 2
		case flag:
			return Creating{Phase: creatingPhase, Secs: l.TS.Wall / 1e9}.MarshalCBOR()
		default:
			return Creating{}.MarshalCBOR()
		}
	})
}

// NewVM returns a new VM record holding the non-zero fields of v.
func NewVM(st Stamp, v VM) (*Record, error) { return create(st, BucketVM, v) }

// VMFromRecord projects a VM record onto its typed view.
func VMFromRecord(r *Record) (VM, error) { return fromRecord[VM](r, BucketVM) }

// AddVMLog appends a log line dated by the stamp's timestamp.
func AddVMLog(r *Record, st Stamp, text string) (*Record, error) {
	if err := r.expect(BucketVM); err != nil {
		return nil, err
	}
	return r.AddToSet(st, "logs", LogEntry{Date: st.TS.Wall / 1e3, Log: text})
}

// SetVMCreating records that the VM entered creation phase, starting at the
// stamp's time; an empty phase marks the creation finished.
func SetVMCreating(r *Record, st Stamp, phase string) (*Record, error) {
	if err := r.expect(BucketVM); err != nil {
		return nil, err
	}
	c := Creating{}
	if phase != "" {
		c = Creating{Phase: phase, Secs: st.TS.Wall / 1e9}
	}
	return r.SetField(st, "creating", c)
}
