package record

// BucketToken is the entity type and bucket of issued tokens.
const BucketToken = "token"

// Token is the typed view of a token record (snarl): an OAuth2 access or
// refresh token, authorization code, one-time token or API key, keyed by
// its id. FiFo kept these in a separate expiring store; here they are
// records like the others and expire by their Expiry field.
type Token struct {
	UUID      string   `record:"uuid,lww"`       // token id
	TokenType string   `record:"token_type,lww"` // access | refresh | code | ott | api
	User      string   `record:"user,lww"`
	Client    string   `record:"client,lww"`
	Scope     []string `record:"scope,lww"`
	Expiry    int64    `record:"expiry,lww"` // Unix seconds; 0 never expires
	Comment   string   `record:"comment,lww"`
	CreatedAt int64    `record:"created_at,lww"` // Unix seconds
	Parent    string   `record:"parent,lww"`     // one-time token: the access token id it stands for
}

// NewToken returns a new token record holding the non-zero fields of v.
func NewToken(st Stamp, v Token) (*Record, error) { return create(st, BucketToken, v) }

// TokenFromRecord projects a token record onto its typed view.
func TokenFromRecord(r *Record) (Token, error) { return fromRecord[Token](r, BucketToken) }
