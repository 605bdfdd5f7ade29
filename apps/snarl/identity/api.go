package identity

import (
	"context"
	"errors"
	"time"

	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// Errors of the identity service. Test with errors.Is; the REST edge maps
// them to status codes (in brackets).
var (
	// ErrNotFound: no such user, role, org, client, token, key or trigger
	// (404). It is entity.ErrNotFound, shared by every domain service.
	ErrNotFound = entity.ErrNotFound
	// ErrConflict: the name, SSH key or client is already taken (409).
	ErrConflict = entity.ErrConflict
	// ErrInvalid: a malformed argument (name, password, key, permission) (400).
	ErrInvalid = entity.ErrInvalid
	// ErrUnauthorized: no valid credentials or token (401).
	ErrUnauthorized = errors.New("identity: unauthorized")
	// ErrForbidden: valid credentials without the right (403).
	ErrForbidden = errors.New("identity: forbidden")
	// ErrInvalidClient: OAuth2 client authentication failed (401 invalid_client).
	ErrInvalidClient = errors.New("identity: invalid client")
	// ErrInvalidGrant: a bad password, code or refresh token in an OAuth2 grant (400 invalid_grant).
	ErrInvalidGrant = errors.New("identity: invalid grant")
	// ErrInvalidScope: an unknown scope was requested (400 invalid_scope).
	ErrInvalidScope = errors.New("identity: invalid scope")
	// ErrOTPRequired: the user has YubiKeys and the grant carried no valid
	// one-time password (400 invalid_grant, description says so).
	ErrOTPRequired = errors.New("identity: one-time password required")
	// ErrThrottled: too many failed logins for this user; retry later (429).
	ErrThrottled = errors.New("identity: too many failed logins")
)

// Kind names the entities that hold permissions and metadata, by their
// REST collection.
type Kind string

// The entity kinds of snarl.
const (
	Users   Kind = "users"
	Roles   Kind = "roles"
	Orgs    Kind = "orgs"
	Clients Kind = "clients"
)

// Valid reports whether k is one of the four kinds.
func (k Kind) Valid() bool { return k == Users || k == Roles || k == Orgs || k == Clients }

// Session is an authenticated request's identity: the token it came with,
// the user (or client, for client_credentials) it acts for and the
// permissions of its scopes. Downstream code trusts it.
type Session struct {
	// TokenID is the id (SHA-256) of the bearer; never the bearer itself.
	TokenID string
	// User is the user's UUID; empty for a client_credentials token.
	User string
	// Client is the OAuth2 client's UUID, empty for API keys and
	// password grants without a client.
	Client string
	// Scope names the scopes the token was granted.
	Scope []string
	// ScopePerms is the union of the scopes' permissions (§3.3).
	ScopePerms *perm.Set
	// Expires is when the token stops working; zero for API keys.
	Expires time.Time
}

// TokenResponse is the body of a successful /oauth/token answer (RFC 6749
// §5.1).
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// PasswordGrant is an OAuth2 resource-owner password grant.
type PasswordGrant struct {
	Username, Password string
	// OTP is the YubiKey one-time password (fifo_otp), needed when the user
	// has YubiKeys.
	OTP string
	// ClientID and ClientSecret authenticate the client; both may be empty
	// (FiFo's cerberus logs in without a client).
	ClientID, ClientSecret string
	// Scope lists the requested scopes; empty means the default ones.
	Scope []string
}

// AuthorizeRequest is an OAuth2 authorization request (/oauth/auth) with
// the resource owner's credentials.
type AuthorizeRequest struct {
	// ResponseType is "code" or "token".
	ResponseType string
	ClientID     string
	RedirectURI  string
	State        string
	Scope        []string
	Username     string
	Password     string
	OTP          string
	// Session, when set, authorizes instead of Username and Password: the
	// user of an existing session (a bearer token) grants the client at
	// most the session's scopes.
	Session *Session
}

// Scope is a named set of permissions a token may be limited to (§3.3).
type Scope struct {
	Name        string            `json:"scope"`
	Description string            `json:"description"`
	Default     bool              `json:"default"`
	Permissions []perm.Permission `json:"-"`
}

// OrgTrigger is an org's rule that grants something when an element is
// created (§2.3 Orgs): on Event, Action ("role_grant", "user_grant",
// "join_role", "join_org") applied to Target; grants store
// [Base, "$", Permission...] with "$" replaced by the new element's UUID.
type OrgTrigger struct {
	Event      string   `json:"trigger"`
	Action     string   `json:"action"`
	Target     string   `json:"target"`
	Base       string   `json:"base,omitempty"`
	Permission []string `json:"permission,omitempty"`
}

// Trigger events.
const (
	EventUserCreate     = "user_create"
	EventVMCreate       = "vm_create"
	EventDatasetCreate  = "dataset_create"
	EventGroupingCreate = "grouping_create"
)

// AccountingEntry is one line of an org's accounting log.
type AccountingEntry struct {
	// Timestamp in microseconds since the Unix epoch.
	Timestamp int64          `json:"timestamp"`
	Action    string         `json:"action"` // create | update | destroy
	Resource  string         `json:"resource"`
	Metadata  map[string]any `json:"metadata"`
}

// APIKey is a newly created non-expiring token: the bearer (shown once)
// and its id.
type APIKey struct {
	Token string `json:"token"`
	ID    string `json:"token-id"`
}

// API is snarl's service as the REST edge and other apps use it. Every
// call trusts its arguments' identity: authorisation happens in wiggle
// before the call. Methods return the errors above, wrapped.
type API interface {
	// Grants (POST /oauth/token).
	Password(ctx context.Context, g PasswordGrant) (TokenResponse, error)
	ClientCredentials(ctx context.Context, clientID, secret string, scope []string) (TokenResponse, error)
	Refresh(ctx context.Context, refreshToken, clientID, secret string, scope []string) (TokenResponse, error)
	Code(ctx context.Context, code, redirectURI, clientID, secret string) (TokenResponse, error)
	// Authorize runs /oauth/auth and returns the URL to redirect to. A
	// user with YubiKeys who gave no OTP gets a *PendingMFA error.
	Authorize(ctx context.Context, r AuthorizeRequest) (string, error)
	// CompleteMFA finishes a *PendingMFA authorization with the OTP
	// (/oauth/2fa) and returns the URL to redirect to.
	CompleteMFA(ctx context.Context, token, otp string) (string, error)

	// Resolve authenticates a bearer token (access token or API key).
	Resolve(ctx context.Context, bearer string) (Session, error)
	// Allowed reports whether the session may do c: every permission of c
	// is matched by the session's scopes and the user's effective
	// permissions (own ∪ roles').
	Allowed(ctx context.Context, s Session, c perm.Check) (bool, error)
	// UserAllowed tests p against a user's effective permissions only (no
	// scope): list filtering and GET /users/:id/permissions/....
	UserAllowed(ctx context.Context, user string, p perm.Permission) (bool, error)
	// OneTimeToken mints a single-use websocket token for the session.
	OneTimeToken(ctx context.Context, s Session) (token string, validFor time.Duration, err error)
	// ConsumeOTT resolves a one-time token and invalidates it.
	ConsumeOTT(ctx context.Context, ott string) (Session, error)
	// RevokeToken deletes a token the session's user owns (DELETE
	// /sessions/:token; the path holds the bearer).
	RevokeToken(ctx context.Context, s Session, bearer string) error
	// Scopes lists the realm's scopes.
	Scopes() []Scope

	// Generic calls on users, roles, orgs and clients.
	List(ctx context.Context, k Kind) ([]string, error)
	Get(ctx context.Context, k Kind, id string) (*record.Record, error)
	Delete(ctx context.Context, k Kind, id string) error
	// Grant and Revoke change the permissions of a user, role or client.
	Grant(ctx context.Context, k Kind, id string, p perm.Permission) error
	Revoke(ctx context.Context, k Kind, id string, p perm.Permission) error
	// SetMetadata writes value at path in the metadata map; DeleteMetadata
	// removes path.
	SetMetadata(ctx context.Context, k Kind, id string, path []string, value any) error
	DeleteMetadata(ctx context.Context, k Kind, id string, path []string) error

	// Users.
	CreateUser(ctx context.Context, creator Session, name, password string) (string, error)
	SetPassword(ctx context.Context, user, password string) error
	JoinRole(ctx context.Context, user, role string) error
	LeaveRole(ctx context.Context, user, role string) error
	JoinOrg(ctx context.Context, user, org string, active bool) error
	LeaveOrg(ctx context.Context, user, org string) error
	AddSSHKey(ctx context.Context, user, name, key string) error
	DeleteSSHKey(ctx context.Context, user, name string) error
	AddYubikey(ctx context.Context, user, otp string) error
	DeleteYubikey(ctx context.Context, user, keyID string) error
	CreateAPIKey(ctx context.Context, user, comment string, scope []string) (APIKey, error)
	DeleteAPIKey(ctx context.Context, user, tokenID string) error

	// Roles.
	CreateRole(ctx context.Context, name string) (string, error)

	// Orgs.
	CreateOrg(ctx context.Context, name string) (string, error)
	AddTrigger(ctx context.Context, org string, t OrgTrigger) (string, error)
	DeleteTrigger(ctx context.Context, org, triggerID string) error
	// RunTriggers applies org's triggers for event to the new element.
	RunTriggers(ctx context.Context, org, event, element string) error
	// ChangeResource adds delta (negative to decrement) to an org's
	// resource counter.
	ChangeResource(ctx context.Context, org, resource string, delta int64) error
	Accounting(ctx context.Context, org string, start, end int64) ([]AccountingEntry, error)
	// AddAccounting appends an entry to an org's accounting log.
	AddAccounting(ctx context.Context, org string, e AccountingEntry) error

	// Clients.
	CreateClient(ctx context.Context, name, secret string) (string, error)
	SetClientSecret(ctx context.Context, client, secret string) error
	AddRedirectURI(ctx context.Context, client, uri string) error
	DeleteRedirectURI(ctx context.Context, client, uriID string) error
}
