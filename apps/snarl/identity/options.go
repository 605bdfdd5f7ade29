package identity

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/internal/perm"
)

// Options configure a Service. The zero value of every field is a sane
// default.
type Options struct {
	// Actor names this node in CRDT stamps; it must differ between nodes.
	// Default "snarl".
	Actor string
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Rand is the source of tokens, ids and salts. Default crypto/rand.
	Rand io.Reader
	// Tokens are the token lifetimes.
	Tokens credential.Options
	// Password are the argon2id parameters of new password hashes
	// (tests use cheap ones).
	Password credential.PasswordParams
	// Throttle slows down repeated failed logins of one user.
	Throttle credential.ThrottleOptions
	// Scopes are the realm's scopes. Default: one scope "*"
	// ("Everything", default) with ["..."].
	Scopes []Scope
	// InitialRole, when set, is a role (uuid or name) every new user joins.
	InitialRole string
	// CacheTTL bounds how long a resolved token or a user's effective
	// permissions are reused without reading the store; changes made
	// through this Service take effect at once. Through another Service
	// (another control node), grants take effect at once too (a cached
	// deny is checked again from the store), while revocations and token
	// revocations take up to CacheTTL. Default 1 s (FiFo's l1 token
	// cache); negative disables caching.
	CacheTTL time.Duration
	// Logger receives the service's log lines. Default: discarded.
	Logger *slog.Logger
}

// DefaultScopes is the scope list of a new realm (snarl-admin init's "*").
func DefaultScopes() []Scope {
	return []Scope{{Name: "*", Description: "Everything", Default: true, Permissions: []perm.Permission{{"..."}}}}
}

func (o Options) withDefaults() (Options, error) {
	if o.Actor == "" {
		o.Actor = "snarl"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if len(o.Scopes) == 0 {
		o.Scopes = DefaultScopes()
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if err := o.Tokens.Validate(); err != nil {
		return o, fmt.Errorf("identity options: %w", err)
	}
	seen := map[string]bool{}
	for _, s := range o.Scopes {
		if s.Name == "" || seen[s.Name] {
			return o, fmt.Errorf("identity options: scope %q empty or repeated: %w", s.Name, ErrInvalid)
		}
		seen[s.Name] = true
		for _, p := range s.Permissions {
			if err := p.Validate(); err != nil {
				return o, fmt.Errorf("identity options: scope %q: %w", s.Name, err)
			}
		}
	}
	return o, nil
}
