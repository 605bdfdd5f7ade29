package identity

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/internal/record"
)

// dummyHash is verified against when a user does not exist, so a login's
// duration does not tell which names exist.
type dummyHash struct {
	once sync.Once
	hash string
}

func (s *Service) dummy() string {
	s.dummyHash.once.Do(func() {
		h, err := s.opts.Password.Hash("fifo-dummy-password", s.opts.Rand)
		if err == nil {
			s.dummyHash.hash = h
		}
	})
	return s.dummyHash.hash
}

// login checks a user's password (and YubiKey OTP) with the failed-login
// throttle: after a few failures for one user name, further attempts
// wait (ErrThrottled) however good their password.
func (s *Service) login(ctx context.Context, name, password, otp string) (record.User, error) {
	key := "user:" + name
	now := s.opts.Now()
	if d := s.throttle.Wait(key, now); d > 0 {
		return record.User{}, fmt.Errorf("user %q: retry in %s: %w", name, d.Round(time.Second), ErrThrottled)
	}
	fail := func(why string) (record.User, error) {
		s.throttle.Failure(key, now)
		s.opts.Logger.Info("failed login", "user", name, "reason", why)
		return record.User{}, fmt.Errorf("bad user name or password: %w", ErrInvalidGrant)
	}
	id, err := s.st.LookupName(ctx, record.BucketUser, name)
	if err != nil {
		_, _ = credential.VerifyPassword(s.dummy(), password)
		return fail("unknown user")
	}
	u, err := s.user(ctx, id)
	if err != nil {
		_, _ = credential.VerifyPassword(s.dummy(), password)
		return fail("unknown user")
	}
	ok, err := credential.VerifyPassword(string(u.Password.Hash), password)
	if err != nil || !ok {
		return fail("bad password")
	}
	if len(u.YubiKeys) > 0 {
		if otp == "" {
			return record.User{UUID: u.UUID}, fmt.Errorf("user %q: %w", name, ErrOTPRequired)
		}
		kid, err := credential.YubikeyID(otp)
		if err != nil || !slices.Contains(u.YubiKeys, kid) {
			return fail("bad otp")
		}
	}
	s.throttle.Success(key, now)
	return u, nil
}

// Password implements API.
func (s *Service) Password(ctx context.Context, g PasswordGrant) (TokenResponse, error) {
	client := ""
	if g.ClientID != "" {
		c, err := s.authClient(ctx, g.ClientID, g.ClientSecret)
		if err != nil {
			return TokenResponse{}, err
		}
		client = c.UUID
	}
	scope, err := s.scopeNames(g.Scope)
	if err != nil {
		return TokenResponse{}, err
	}
	u, err := s.login(ctx, g.Username, g.Password, g.OTP)
	if err != nil {
		return TokenResponse{}, err
	}
	return s.issue(ctx, u.UUID, client, scope, true)
}

// ClientCredentials implements API: a confidential client acts for
// itself, with its own permissions.
func (s *Service) ClientCredentials(ctx context.Context, clientID, secret string, scope []string) (TokenResponse, error) {
	c, err := s.authClient(ctx, clientID, secret)
	if err != nil {
		return TokenResponse{}, err
	}
	if c.ClientType != ClientConfidential {
		return TokenResponse{}, fmt.Errorf("public client %q: %w", clientID, ErrInvalidClient)
	}
	names, err := s.scopeNames(scope)
	if err != nil {
		return TokenResponse{}, err
	}
	return s.issue(ctx, "", c.UUID, names, false)
}

// Refresh implements API: a new access token for a valid refresh token,
// with the same or fewer scopes, for the client it was issued to.
func (s *Service) Refresh(ctx context.Context, refreshToken, clientID, secret string, scope []string) (TokenResponse, error) {
	t, err := s.token(ctx, credential.TokenID(refreshToken))
	if err != nil || t.TokenType != credential.KindRefresh.String() {
		return TokenResponse{}, fmt.Errorf("refresh token: %w", ErrInvalidGrant)
	}
	if t.Client != "" || clientID != "" {
		c, err := s.authClient(ctx, clientID, secret)
		if err != nil {
			return TokenResponse{}, err
		}
		if c.UUID != t.Client {
			return TokenResponse{}, fmt.Errorf("refresh token of another client: %w", ErrInvalidGrant)
		}
	}
	names := t.Scope
	if len(scope) > 0 {
		for _, n := range scope {
			if !slices.Contains(t.Scope, n) {
				return TokenResponse{}, fmt.Errorf("scope %q beyond the refresh token's: %w", n, ErrInvalidScope)
			}
		}
		names = scope
	}
	if err := s.exists(ctx, Users, t.User); err != nil {
		return TokenResponse{}, fmt.Errorf("refresh token of a deleted user: %w", ErrInvalidGrant)
	}
	resp, err := s.issue(ctx, t.User, t.Client, names, false)
	resp.RefreshToken = ""
	return resp, err
}

// Code implements API: an authorization code is exchanged once, by the
// client it was issued to, with the same redirect URI.
func (s *Service) Code(ctx context.Context, code, redirectURI, clientID, secret string) (TokenResponse, error) {
	c, err := s.authClient(ctx, clientID, secret)
	if err != nil {
		return TokenResponse{}, err
	}
	t, err := s.consume(ctx, credential.TokenID(code), credential.KindCode)
	if err != nil {
		return TokenResponse{}, fmt.Errorf("authorization code: %w", ErrInvalidGrant)
	}
	if t.Client != c.UUID {
		return TokenResponse{}, fmt.Errorf("code of another client: %w", ErrInvalidGrant)
	}
	if t.Comment != "" && t.Comment != redirectURI {
		return TokenResponse{}, fmt.Errorf("redirect uri differs from the authorization request's: %w", ErrInvalidGrant)
	}
	return s.issue(ctx, t.User, t.Client, t.Scope, true)
}

// redirectFor picks the redirect URI of an authorization request: the
// requested one when the client registered it, or the client's only one.
func redirectFor(c record.Client, requested string) (string, error) {
	if requested == "" {
		if len(c.RedirectURIs) == 1 {
			return c.RedirectURIs[0], nil
		}
		return "", fmt.Errorf("redirect_uri required: %w", ErrInvalid)
	}
	if !slices.Contains(c.RedirectURIs, requested) {
		return "", fmt.Errorf("redirect_uri %q not registered for the client: %w", requested, ErrInvalid)
	}
	return requested, nil
}

// Authorize implements API: response_type "code" redirects with a code,
// "token" with an access token in the fragment (implicit grant).
func (s *Service) Authorize(ctx context.Context, r AuthorizeRequest) (string, error) {
	if r.ResponseType != "code" && r.ResponseType != "token" {
		return "", fmt.Errorf("response_type %q: %w", r.ResponseType, ErrInvalid)
	}
	c, err := s.authClient(ctx, r.ClientID, "")
	if err != nil && !errors.Is(err, ErrInvalidClient) {
		return "", err
	}
	if err != nil {
		// Confidential clients are not authenticated here (RFC 6749 §4.1.1);
		// look them up without the secret.
		if c, err = s.clientByID(ctx, r.ClientID); err != nil {
			return "", err
		}
	}
	uri, err := redirectFor(c, r.RedirectURI)
	if err != nil {
		return "", err
	}
	scope, err := s.scopeNames(r.Scope)
	if err != nil {
		return "", err
	}
	if r.Session != nil {
		return s.authorizeSession(ctx, *r.Session, c.UUID, scope, uri, r)
	}
	u, err := s.login(ctx, r.Username, r.Password, r.OTP)
	if errors.Is(err, ErrOTPRequired) {
		return "", s.pendMFA(ctx, u.UUID, c.UUID, scope, uri, r)
	}
	if err != nil {
		return "", err
	}
	return s.finishAuthorize(ctx, u.UUID, c.UUID, scope, uri, r)
}

// authorizeSession authorizes for the user of an existing session, with
// scopes within the session's (requested ones, else the session's).
func (s *Service) authorizeSession(ctx context.Context, sess Session, client string, scope []string, uri string, r AuthorizeRequest) (string, error) {
	if sess.User == "" || sess.TokenID == "" {
		return "", fmt.Errorf("authorize: not a user's session: %w", ErrUnauthorized)
	}
	if len(r.Scope) == 0 {
		scope = sess.Scope
	}
	for _, n := range scope {
		if !slices.Contains(sess.Scope, n) {
			return "", fmt.Errorf("scope %q beyond the session's: %w", n, ErrInvalidScope)
		}
	}
	if err := s.exists(ctx, Users, sess.User); err != nil {
		return "", fmt.Errorf("authorize: %w", ErrUnauthorized)
	}
	return s.finishAuthorize(ctx, sess.User, client, scope, uri, r)
}

// finishAuthorize redirects an authorized user's request: with a code, or
// with an access token in the fragment.
func (s *Service) finishAuthorize(ctx context.Context, user, client string, scope []string, uri string, r AuthorizeRequest) (string, error) {
	u := record.User{UUID: user}
	c := record.Client{UUID: client}
	target, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("redirect uri: %w: %w", ErrInvalid, err)
	}
	if r.ResponseType == "code" {
		m, err := s.mint(ctx, credential.KindCode, u.UUID, c.UUID, scope, "", r.RedirectURI)
		if err != nil {
			return "", err
		}
		q := target.Query()
		q.Set("code", m.bearer)
		if r.State != "" {
			q.Set("state", r.State)
		}
		target.RawQuery = q.Encode()
		return target.String(), nil
	}
	tok, err := s.issue(ctx, u.UUID, c.UUID, scope, false)
	if err != nil {
		return "", err
	}
	f := url.Values{"access_token": {tok.AccessToken}, "token_type": {tok.TokenType},
		"expires_in": {strconv.FormatInt(tok.ExpiresIn, 10)}, "scope": {strings.Join(scope, " ")}}
	if r.State != "" {
		f.Set("state", r.State)
	}
	target.Fragment = ""
	return target.String() + "#" + f.Encode(), nil
}

// clientByID loads a client by its client_id without authenticating it.
func (s *Service) clientByID(ctx context.Context, clientID string) (record.Client, error) {
	id, err := s.st.LookupName(ctx, record.BucketClient, clientID)
	if err != nil {
		return record.Client{}, fmt.Errorf("client %q: %w", clientID, ErrInvalidClient)
	}
	r, err := s.repo.Load(ctx, record.BucketClient, id)
	if err != nil {
		return record.Client{}, fmt.Errorf("client %q: %w", clientID, ErrInvalidClient)
	}
	c, err := record.ClientFromRecord(r)
	c.UUID = id
	return c, err
}
