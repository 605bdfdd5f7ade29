package record

// BucketUser is the entity type and bucket of users.
const BucketUser = "user"

// User is the typed view of a user record (snarl).
type User struct {
	UUID        string         `record:"uuid,lww"`
	Name        string         `record:"name,lww"`
	Password    Password       `record:"password,lww"`
	ActiveOrg   string         `record:"active_org,lww"`
	Permissions [][]string     `record:"permissions,set"`
	Roles       []string       `record:"roles,set"`
	SSHKeys     []SSHKey       `record:"ssh_keys,set"`
	Orgs        []string       `record:"orgs,set"`
	YubiKeys    []string       `record:"yubikeys,set"`
	Tokens      []UserToken    `record:"tokens,set"`
	Metadata    map[string]any `record:"metadata,map"`
}

// Password is a stored password hash: Algo "bcrypt" with Hash, or
// "sha512" with Hash and Salt.
type Password struct {
	Algo string `cbor:"algo"`
	Hash []byte `cbor:"hash"`
	Salt []byte `cbor:"salt,omitempty"`
}

// SSHKey is a named public key of a user.
type SSHKey struct {
	Name string `cbor:"name"`
	Key  string `cbor:"key"`
}

// UserToken is a long-lived token (API key) listed on its user.
type UserToken struct {
	Type    string   `cbor:"type"` // access | refresh
	ID      string   `cbor:"id"`
	Token   string   `cbor:"token"`
	Expiry  int64    `cbor:"expiery"` // Unix seconds (FiFo's spelling)
	Client  string   `cbor:"client"`
	Scope   []string `cbor:"scope"`
	Comment string   `cbor:"comment"`
}

// NewUser returns a new user record holding the non-zero fields of v.
func NewUser(st Stamp, v User) (*Record, error) { return create(st, BucketUser, v) }

// UserFromRecord projects a user record onto its typed view.
func UserFromRecord(r *Record) (User, error) { return fromRecord[User](r, BucketUser) }
