package record

// BucketClient is the entity type and bucket of OAuth2 clients.
const BucketClient = "client"

// Client is the typed view of an OAuth2 client record (snarl).
type Client struct {
	UUID         string         `record:"uuid,lww"`
	Name         string         `record:"name,lww"`
	ClientID     string         `record:"client_id,lww"`
	Secret       Password       `record:"secret,lww"`      // hashed
	ClientType   string         `record:"client_type,lww"` // public | confidential
	RedirectURIs []string       `record:"redirect_uris,set"`
	Permissions  [][]string     `record:"permissions,set"`
	Roles        []string       `record:"roles,set"`
	Metadata     map[string]any `record:"metadata,map"`
}

// NewClient returns a new client record holding the non-zero fields of v.
func NewClient(st Stamp, v Client) (*Record, error) { return create(st, BucketClient, v) }

// ClientFromRecord projects a client record onto its typed view.
func ClientFromRecord(r *Record) (Client, error) { return fromRecord[Client](r, BucketClient) }
