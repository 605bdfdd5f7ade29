package record

// BucketRole is the entity type and bucket of roles.
const BucketRole = "role"

// Role is the typed view of a role record (snarl): a named set of
// permissions users can join.
type Role struct {
	UUID        string         `record:"uuid,lww"`
	Name        string         `record:"name,lww"`
	Permissions [][]string     `record:"permissions,set"`
	Metadata    map[string]any `record:"metadata,map"`
}

// NewRole returns a new role record holding the non-zero fields of v.
func NewRole(st Stamp, v Role) (*Record, error) { return create(st, BucketRole, v) }

// RoleFromRecord projects a role record onto its typed view.
func RoleFromRecord(r *Record) (Role, error) { return fromRecord[Role](r, BucketRole) }
