package record

// BucketOrg is the entity type and bucket of organisations.
const BucketOrg = "org"

// Org is the typed view of an organisation record (snarl).
type Org struct {
	UUID      string           `record:"uuid,lww"`
	Name      string           `record:"name,lww"`
	Triggers  map[string]any   `record:"triggers,map"` // id → Trigger fields
	Resources map[string]int64 `record:"resources,counters"`
	Metadata  map[string]any   `record:"metadata,map"`
}

// Trigger grants permissions automatically when an event happens, e.g. on
// "vm_create" grant the org's users access to the new VM.
type Trigger struct {
	Event      string
	Action     string
	Target     string
	Permission []string
}

// NewOrg returns a new organisation record holding the non-zero fields of v.
func NewOrg(st Stamp, v Org) (*Record, error) { return create(st, BucketOrg, v) }

// OrgFromRecord projects an organisation record onto its typed view.
func OrgFromRecord(r *Record) (Org, error) { return fromRecord[Org](r, BucketOrg) }

// AddOrgTrigger stores t under id in the org's triggers, with FiFo's JSON
// keys: trigger, action, target and, when set, permission.
func AddOrgTrigger(r *Record, st Stamp, id string, t Trigger) (*Record, error) {
	if err := r.expect(BucketOrg); err != nil {
		return nil, err
	}
	v := map[string]any{"trigger": t.Event, "action": t.Action, "target": t.Target}
	if len(t.Permission) > 0 {
		perm := make([]any, len(t.Permission))
		for i, p := range t.Permission {
			perm[i] = p
		}
		v["permission"] = perm
	}
	return r.SetMapEntry(st, "triggers", []string{id}, v)
}
