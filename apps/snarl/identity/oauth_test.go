package identity

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/perm"
)

func TestClientCredentials(t *testing.T) {
	f := newFixture(t)
	cid, err := f.CreateClient(f.ctx, "robot", "s3cret")
	f.must(t, err)
	if _, err := f.CreateClient(f.ctx, "robot", "x"); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate client: %v", err)
	}
	f.must(t, f.Grant(f.ctx, Clients, cid, perm.Permission{"cloud", "vms", "list"}))
	tok, err := f.ClientCredentials(f.ctx, "robot", "s3cret", nil)
	f.must(t, err)
	if tok.RefreshToken != "" {
		t.Fatal("client_credentials issued a refresh token")
	}
	s, err := f.Resolve(f.ctx, tok.AccessToken)
	f.must(t, err)
	if s.User != "" || s.Client != cid || !f.allowed(t, s, "cloud", "vms", "list") || f.allowed(t, s, "cloud", "users", "list") {
		t.Fatalf("client session %+v", s)
	}
	if _, err := f.ClientCredentials(f.ctx, "robot", "wrong", nil); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, err := f.ClientCredentials(f.ctx, "nobody", "x", nil); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("unknown client: %v", err)
	}
	_, err = f.CreateClient(f.ctx, "spa", "")
	f.must(t, err)
	if _, err := f.ClientCredentials(f.ctx, "spa", "", nil); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("public client with client_credentials: %v", err)
	}
	f.must(t, f.SetClientSecret(f.ctx, cid, "new"))
	if _, err := f.ClientCredentials(f.ctx, "robot", "s3cret", nil); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("old secret after change: %v", err)
	}
	if strings.Contains(f.logs.String(), "s3cret") {
		t.Fatal("client secret in the log")
	}
}

func TestAuthorizationCodeFlow(t *testing.T) {
	f := newFixture(t)
	uid := f.user(t, "alice", "pw")
	cid, err := f.CreateClient(f.ctx, "app", "sec")
	f.must(t, err)
	const cb = "https://app.example/cb"
	if err := f.AddRedirectURI(f.ctx, cid, "not a uri"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad redirect uri: %v", err)
	}
	f.must(t, f.AddRedirectURI(f.ctx, cid, cb))
	req := AuthorizeRequest{ResponseType: "code", ClientID: "app", RedirectURI: cb, State: "xyz", Username: "alice", Password: "pw"}
	if _, err := f.Authorize(f.ctx, AuthorizeRequest{ResponseType: "code", ClientID: "app", RedirectURI: "https://evil/cb", Username: "alice", Password: "pw"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unregistered redirect: %v", err)
	}
	loc, err := f.Authorize(f.ctx, req)
	f.must(t, err)
	u, err := url.Parse(loc)
	f.must(t, err)
	code := u.Query().Get("code")
	if !strings.HasPrefix(loc, cb+"?") || u.Query().Get("state") != "xyz" || code == "" {
		t.Fatalf("redirect %q", loc)
	}
	if _, err := f.Code(f.ctx, code, cb, "app", "wrong"); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("code with a bad client secret: %v", err)
	}
	tok, err := f.Code(f.ctx, code, cb, "app", "sec")
	f.must(t, err)
	s, err := f.Resolve(f.ctx, tok.AccessToken)
	f.must(t, err)
	if s.User != uid || s.Client != cid {
		t.Fatalf("code session %+v", s)
	}
	if _, err := f.Code(f.ctx, code, cb, "app", "sec"); !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("code used twice: %v", err)
	}
	req.ResponseType = "token"
	loc, err = f.Authorize(f.ctx, req)
	f.must(t, err)
	u, _ = url.Parse(loc)
	frag, _ := url.ParseQuery(u.Fragment)
	if _, err := f.Resolve(f.ctx, frag.Get("access_token")); err != nil || frag.Get("state") != "xyz" {
		t.Fatalf("implicit grant redirect %q: %v", loc, err)
	}
	f.must(t, f.DeleteRedirectURI(f.ctx, cid, URIID(cb)))
	if _, err := f.Authorize(f.ctx, req); !errors.Is(err, ErrInvalid) {
		t.Fatalf("authorize after the uri was removed: %v", err)
	}
}

func TestAuthorizeSecondFactor(t *testing.T) {
	f := newFixture(t)
	id := f.user(t, "alice", "pw")
	const otp = "ccccccbcgujhingjrdejhgfnuetrgigvejhhgbkugded"
	f.must(t, f.AddYubikey(f.ctx, id, otp))
	cid, err := f.CreateClient(f.ctx, "app", "sec")
	f.must(t, err)
	const cb = "https://app.example/cb"
	f.must(t, f.AddRedirectURI(f.ctx, cid, cb))
	req := AuthorizeRequest{ResponseType: "code", ClientID: "app", RedirectURI: cb, State: "s1", Username: "alice", Password: "pw"}

	_, err = f.Authorize(f.ctx, req)
	var p *PendingMFA
	if !errors.As(err, &p) || p.Token == "" || !errors.Is(err, ErrOTPRequired) || strings.Contains(err.Error(), p.Token) {
		t.Fatalf("authorize without otp: %v", err)
	}
	if _, err := f.CompleteMFA(f.ctx, p.Token, "cccccc"+otp[6:12]+"x"); !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("bad otp: %v", err)
	}
	if _, err := f.CompleteMFA(f.ctx, p.Token, otp); !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("a pending login used twice: %v", err)
	}
	_, err = f.Authorize(f.ctx, req)
	if !errors.As(err, &p) {
		t.Fatal(err)
	}
	loc, err := f.CompleteMFA(f.ctx, p.Token, otp)
	f.must(t, err)
	u, _ := url.Parse(loc)
	if !strings.HasPrefix(loc, cb+"?") || u.Query().Get("state") != "s1" {
		t.Fatalf("redirect %q", loc)
	}
	tok, err := f.Code(f.ctx, u.Query().Get("code"), cb, "app", "sec")
	f.must(t, err)
	s, err := f.Resolve(f.ctx, tok.AccessToken)
	f.must(t, err)
	if s.User != id {
		t.Fatalf("session of %q", s.User)
	}
	_, err = f.Authorize(f.ctx, req)
	if !errors.As(err, &p) {
		t.Fatal(err)
	}
	f.clock.Advance(121 * time.Second)
	if _, err := f.CompleteMFA(f.ctx, p.Token, otp); !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("expired pending login: %v", err)
	}
}

func TestAuthorizeWithSession(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Scopes = append(DefaultScopes(), Scope{Name: "read", Description: "read", Permissions: []perm.Permission{{"vms", "_", "get"}}})
	})
	id := f.user(t, "alice", "pw")
	cid, err := f.CreateClient(f.ctx, "app", "sec")
	f.must(t, err)
	const cb = "https://app.example/cb"
	f.must(t, f.AddRedirectURI(f.ctx, cid, cb))
	tok, err := f.Password(f.ctx, PasswordGrant{Username: "alice", Password: "pw", Scope: []string{"read"}})
	f.must(t, err)
	sess, err := f.Resolve(f.ctx, tok.AccessToken)
	f.must(t, err)
	req := AuthorizeRequest{ResponseType: "token", ClientID: "app", RedirectURI: cb, Session: &sess}
	loc, err := f.Authorize(f.ctx, req)
	f.must(t, err)
	u, _ := url.Parse(loc)
	frag, _ := url.ParseQuery(u.Fragment)
	s, err := f.Resolve(f.ctx, frag.Get("access_token"))
	f.must(t, err)
	if s.User != id || s.Client != cid || strings.Join(s.Scope, " ") != "read" {
		t.Fatalf("session-authorized token %+v", s)
	}
	req.Scope = []string{"*"}
	if _, err := f.Authorize(f.ctx, req); !errors.Is(err, ErrInvalidScope) {
		t.Fatalf("widening the session's scope: %v", err)
	}
}
