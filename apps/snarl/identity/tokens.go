package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// usedBucket holds the claims that make consuming a single-use token
// (code, one-time token) atomic: a claim is held from the check to the
// delete, so a second consumer finds the token gone.
const usedBucket = "token_used"

// minted is a token just stored: the bearer (returned once) and its grant.
type minted struct {
	bearer  string
	id      string
	expires time.Time
}

// mint stores a new token of kind k.
func (s *Service) mint(ctx context.Context, k credential.Kind, user, client string, scope []string, parent, comment string) (minted, error) {
	now := s.opts.Now()
	g, err := s.opts.Tokens.NewGrant(k, user, client, scope, now)
	if err != nil {
		return minted{}, err
	}
	t, err := credential.NewToken(s.opts.Rand)
	if err != nil {
		return minted{}, fmt.Errorf("new token: %w", err)
	}
	v := record.Token{UUID: t.ID, TokenType: k.String(), User: user, Client: client, Scope: scope,
		Comment: comment, CreatedAt: now.Unix(), Parent: parent}
	if !g.ExpiresAt.IsZero() {
		v.Expiry = g.ExpiresAt.Unix()
	}
	r, err := record.NewToken(s.repo.Stamp(), v)
	if err != nil {
		return minted{}, err
	}
	if err := s.repo.Put(ctx, record.BucketToken, t.ID, r); err != nil {
		return minted{}, err
	}
	return minted{bearer: t.Secret(), id: t.ID, expires: g.ExpiresAt}, nil
}

// token loads a token record by id; unknown and expired tokens are
// ErrUnauthorized.
func (s *Service) token(ctx context.Context, id string) (record.Token, error) {
	r, err := s.repo.Load(ctx, record.BucketToken, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return record.Token{}, fmt.Errorf("token: %w", ErrUnauthorized)
		}
		return record.Token{}, err
	}
	t, err := record.TokenFromRecord(r)
	if err != nil {
		return record.Token{}, fmt.Errorf("token: %w", err)
	}
	t.UUID = id
	if t.Expiry != 0 && !s.opts.Now().Before(time.Unix(t.Expiry, 0)) {
		return record.Token{}, fmt.Errorf("token expired: %w", ErrUnauthorized)
	}
	return t, nil
}

// consume takes a single-use token of kind k: at most one caller ever
// gets it, on any node that shares the store's unique names.
func (s *Service) consume(ctx context.Context, id string, k credential.Kind) (record.Token, error) {
	nonce, err := s.repo.NewID()
	if err != nil {
		return record.Token{}, err
	}
	if err := s.st.ClaimName(ctx, usedBucket, id, nonce); err != nil {
		return record.Token{}, fmt.Errorf("%s token in use: %w", k, ErrUnauthorized)
	}
	defer func() {
		if err := s.st.ReleaseName(context.WithoutCancel(ctx), usedBucket, id, nonce); err != nil {
			s.opts.Logger.Warn("releasing a used-token claim", "err", err)
		}
	}()
	t, err := s.token(ctx, id)
	if err != nil {
		return record.Token{}, err
	}
	if t.TokenType != k.String() {
		return record.Token{}, fmt.Errorf("not a %s token: %w", k, ErrUnauthorized)
	}
	if err := s.st.Delete(ctx, record.BucketToken, id); err != nil {
		return record.Token{}, entity.StoreErr(err, "consume token")
	}
	return t, nil
}

// scopeNames checks requested scopes; none requested means the default
// scopes.
func (s *Service) scopeNames(req []string) ([]string, error) {
	if len(req) == 0 {
		for _, sc := range s.opts.Scopes {
			if sc.Default {
				req = append(req, sc.Name)
			}
		}
		return req, nil
	}
	out := make([]string, 0, len(req))
	for _, n := range req {
		if _, ok := s.scopes[n]; !ok {
			return nil, fmt.Errorf("scope %q: %w", n, ErrInvalidScope)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// scopePerms is the union of the named scopes' permissions.
func (s *Service) scopePerms(names []string) *perm.Set {
	set := perm.NewSet()
	for _, n := range names {
		for _, p := range s.scopes[n].Permissions {
			set.Add(p)
		}
	}
	return set
}

// Scopes implements API.
func (s *Service) Scopes() []Scope { return slices.Clone(s.opts.Scopes) }

// issue mints an access token (and a refresh token when refresh is set).
func (s *Service) issue(ctx context.Context, user, client string, scope []string, refresh bool) (TokenResponse, error) {
	a, err := s.mint(ctx, credential.KindAccess, user, client, scope, "", "")
	if err != nil {
		return TokenResponse{}, err
	}
	resp := TokenResponse{AccessToken: a.bearer, TokenType: "bearer", Scope: strings.Join(scope, " "),
		ExpiresIn: int64(a.expires.Sub(s.opts.Now()) / time.Second)}
	if refresh {
		r, err := s.mint(ctx, credential.KindRefresh, user, client, scope, "", "")
		if err != nil {
			return TokenResponse{}, err
		}
		resp.RefreshToken = r.bearer
	}
	return resp, nil
}

// Resolve implements API: access tokens and API keys authenticate.
func (s *Service) Resolve(ctx context.Context, bearer string) (Session, error) {
	if bearer == "" {
		return Session{}, fmt.Errorf("no token: %w", ErrUnauthorized)
	}
	return s.sessionByID(ctx, credential.TokenID(bearer))
}

// sessionByID resolves a token id to a session, through the cache.
func (s *Service) sessionByID(ctx context.Context, id string) (Session, error) {
	now := s.opts.Now()
	if sess, ok := s.cache.session(id, now); ok {
		return sess, nil
	}
	t, err := s.token(ctx, id)
	if err != nil {
		return Session{}, err
	}
	if t.TokenType != credential.KindAccess.String() && t.TokenType != credential.KindAPIKey.String() {
		return Session{}, fmt.Errorf("a %s token is no bearer: %w", t.TokenType, ErrUnauthorized)
	}
	sess := Session{TokenID: id, User: t.User, Client: t.Client, Scope: t.Scope, ScopePerms: s.scopePerms(t.Scope)}
	if t.Expiry != 0 {
		sess.Expires = time.Unix(t.Expiry, 0)
	}
	s.cache.putSession(id, sess, now)
	return sess, nil
}

// OneTimeToken implements API.
func (s *Service) OneTimeToken(ctx context.Context, sess Session) (string, time.Duration, error) {
	if sess.TokenID == "" {
		return "", 0, fmt.Errorf("one-time token: no session: %w", ErrUnauthorized)
	}
	m, err := s.mint(ctx, credential.KindOneTime, sess.User, sess.Client, sess.Scope, sess.TokenID, "")
	if err != nil {
		return "", 0, err
	}
	return m.bearer, s.opts.Tokens.ValidFor(credential.KindOneTime), nil
}

// ConsumeOTT implements API: the session of the token the one-time token
// was minted from, which must still be valid.
func (s *Service) ConsumeOTT(ctx context.Context, ott string) (Session, error) {
	if ott == "" {
		return Session{}, fmt.Errorf("no one-time token: %w", ErrUnauthorized)
	}
	t, err := s.consume(ctx, credential.TokenID(ott), credential.KindOneTime)
	if err != nil {
		return Session{}, err
	}
	return s.sessionByID(ctx, t.Parent)
}

// RevokeToken implements API: a user may delete their own tokens.
func (s *Service) RevokeToken(ctx context.Context, sess Session, bearer string) error {
	id := credential.TokenID(bearer)
	t, err := s.token(ctx, id)
	if err != nil {
		return fmt.Errorf("token: %w", ErrNotFound)
	}
	if t.User != sess.User || (sess.User == "" && t.Client != sess.Client) {
		return fmt.Errorf("token of another user: %w", ErrNotFound)
	}
	if t.TokenType == credential.KindAPIKey.String() {
		return s.DeleteAPIKey(ctx, t.User, id)
	}
	s.cache.dropSession(id)
	return entity.StoreErr(s.st.Delete(ctx, record.BucketToken, id), "revoke token")
}

// CreateAPIKey implements API.
func (s *Service) CreateAPIKey(ctx context.Context, user, comment string, scope []string) (APIKey, error) {
	names, err := s.scopeNames(scope)
	if err != nil {
		return APIKey{}, err
	}
	if err := s.exists(ctx, Users, user); err != nil {
		return APIKey{}, err
	}
	m, err := s.mint(ctx, credential.KindAPIKey, user, "", names, "", comment)
	if err != nil {
		return APIKey{}, err
	}
	err = s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "tokens", record.UserToken{Type: credential.KindAPIKey.String(), ID: m.id, Scope: names, Comment: comment})
	})
	if err != nil {
		_ = s.st.Delete(context.WithoutCancel(ctx), record.BucketToken, m.id)
		return APIKey{}, err
	}
	return APIKey{Token: m.bearer, ID: m.id}, nil
}

// DeleteAPIKey implements API.
func (s *Service) DeleteAPIKey(ctx context.Context, user, tokenID string) error {
	err := s.repo.Update(ctx, record.BucketUser, user, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		u, err := record.UserFromRecord(r)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(u.Tokens, func(t record.UserToken) bool { return t.ID == tokenID })
		if i < 0 {
			return nil, fmt.Errorf("token %s: %w", tokenID, ErrNotFound)
		}
		return r.RemoveFromSet("tokens", u.Tokens[i])
	})
	if err != nil {
		return err
	}
	s.cache.dropSession(tokenID)
	return entity.StoreErr(s.st.Delete(ctx, record.BucketToken, tokenID), "delete api key")
}

// SweepTokens deletes expired tokens and returns how many; the snarl
// application runs it periodically.
func (s *Service) SweepTokens(ctx context.Context) (int, error) {
	now := s.opts.Now().Unix()
	var expired []string
	err := s.st.Fold(ctx, record.BucketToken, func(id string, v []byte) error {
		r, err := record.Load(v)
		if err != nil {
			return nil
		}
		t, err := record.TokenFromRecord(r)
		if err == nil && t.Expiry != 0 && t.Expiry <= now {
			expired = append(expired, id)
		}
		return nil
	})
	if err != nil {
		return 0, entity.StoreErr(err, "sweep tokens")
	}
	for _, id := range expired {
		if err := s.st.Delete(ctx, record.BucketToken, id); err != nil {
			return 0, entity.StoreErr(err, "sweep tokens")
		}
	}
	return len(expired), nil
}
