package identity

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/perm"
)

func TestAccessTokenExpiresAndRevokes(t *testing.T) {
	f := newFixture(t)
	f.user(t, "alice", "pw")
	tok, s := f.login(t, "alice", "pw")
	if tok.TokenType != "bearer" || tok.ExpiresIn != 3600 || tok.RefreshToken == "" || tok.Scope != "*" {
		t.Fatalf("token response %+v", tok)
	}
	if s.Expires.IsZero() {
		t.Fatal("access token session without expiry")
	}
	f.clock.Advance(time.Hour)
	if _, err := f.Resolve(f.ctx, tok.AccessToken); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("expired token: %v", err)
	}
	tok2, s2 := f.login(t, "alice", "pw")
	f.must(t, f.RevokeToken(f.ctx, s2, tok2.AccessToken))
	if _, err := f.Resolve(f.ctx, tok2.AccessToken); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("revoked token still resolves: %v", err)
	}
	if _, err := f.Resolve(f.ctx, "garbage"); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("garbage token: %v", err)
	}
	if _, err := f.Resolve(f.ctx, tok.RefreshToken); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("a refresh token used as bearer: %v", err)
	}
}

func TestRefreshGrant(t *testing.T) {
	f := newFixture(t)
	f.user(t, "alice", "pw")
	tok, _ := f.login(t, "alice", "pw")
	f.clock.Advance(2 * time.Hour) // the access token has expired
	fresh, err := f.Refresh(f.ctx, tok.RefreshToken, "", "", nil)
	f.must(t, err)
	if _, err := f.Resolve(f.ctx, fresh.AccessToken); err != nil {
		t.Fatalf("refreshed token: %v", err)
	}
	if _, err := f.Refresh(f.ctx, tok.AccessToken, "", "", nil); !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("refresh with an access token: %v", err)
	}
	if _, err := f.Refresh(f.ctx, tok.RefreshToken, "", "", []string{"bigger"}); !errors.Is(err, ErrInvalidScope) {
		t.Fatalf("refresh widening scope: %v", err)
	}
}

func TestThrottleSlowsRepeatedFailures(t *testing.T) {
	f := newFixture(t)
	f.user(t, "alice", "right")
	var throttled bool
	for i := 0; i < 10 && !throttled; i++ {
		_, err := f.Password(f.ctx, PasswordGrant{Username: "alice", Password: "wrong"})
		throttled = errors.Is(err, ErrThrottled)
		if !throttled && !errors.Is(err, ErrInvalidGrant) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if !throttled {
		t.Fatal("10 failed logins never throttled")
	}
	if _, err := f.Password(f.ctx, PasswordGrant{Username: "alice", Password: "right"}); !errors.Is(err, ErrThrottled) {
		t.Fatalf("right password while throttled: %v", err)
	}
	f.user(t, "bob", "pw")
	f.login(t, "bob", "pw") // other users are not slowed down
	f.clock.Advance(time.Hour)
	f.login(t, "alice", "right")
	for _, pw := range []string{"right", "wrong"} {
		if strings.Contains(f.logs.String(), pw) {
			t.Fatalf("password %q appears in the log:\n%s", pw, f.logs.String())
		}
	}
}

func TestOneTimeTokenSingleUse(t *testing.T) {
	f := newFixture(t)
	f.user(t, "alice", "pw")
	_, s := f.login(t, "alice", "pw")
	ott, ttl, err := f.OneTimeToken(f.ctx, s)
	f.must(t, err)
	if ttl != 30*time.Second {
		t.Fatalf("ott valid for %s", ttl)
	}
	if _, err := f.Resolve(f.ctx, ott); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("an ott used as bearer: %v", err)
	}
	got, err := f.ConsumeOTT(f.ctx, ott)
	f.must(t, err)
	if got.User != s.User || got.TokenID != s.TokenID {
		t.Fatalf("ott resolves to %+v, want the session it came from", got)
	}
	if _, err := f.ConsumeOTT(f.ctx, ott); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("second use: %v", err)
	}
	late, _, err := f.OneTimeToken(f.ctx, s)
	f.must(t, err)
	f.clock.Advance(30 * time.Second)
	if _, err := f.ConsumeOTT(f.ctx, late); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("expired ott: %v", err)
	}
}

func TestOneTimeTokenConcurrentConsumers(t *testing.T) {
	f := newFixture(t)
	f.user(t, "alice", "pw")
	_, s := f.login(t, "alice", "pw")
	for round := 0; round < 20; round++ {
		ott, _, err := f.OneTimeToken(f.ctx, s)
		f.must(t, err)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.ConsumeOTT(context.Background(), ott); err == nil {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d consumers got the one-time token", round, wins.Load())
		}
	}
}

func TestAPIKeys(t *testing.T) {
	f := newFixture(t)
	uid := f.user(t, "alice", "pw")
	f.must(t, f.Grant(f.ctx, Users, uid, perm.Permission{"vms", "_", "get"}))
	key, err := f.CreateAPIKey(f.ctx, uid, "ci", nil)
	f.must(t, err)
	f.clock.Advance(365 * 24 * time.Hour)
	s, err := f.Resolve(f.ctx, key.Token)
	f.must(t, err)
	if !s.Expires.IsZero() || !f.allowed(t, s, "vms", "x", "get") {
		t.Fatalf("api key session %+v", s)
	}
	u, err := f.Service.user(f.ctx, uid)
	f.must(t, err)
	if len(u.Tokens) != 1 || u.Tokens[0].ID != key.ID || u.Tokens[0].Token != "" || u.Tokens[0].Comment != "ci" {
		t.Fatalf("user tokens %+v (the bearer must not be stored)", u.Tokens)
	}
	f.must(t, f.DeleteAPIKey(f.ctx, uid, key.ID))
	if _, err := f.Resolve(f.ctx, key.Token); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("deleted api key: %v", err)
	}
	if err := f.DeleteAPIKey(f.ctx, uid, key.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	key2, err := f.CreateAPIKey(f.ctx, uid, "", nil)
	f.must(t, err)
	f.must(t, f.Delete(f.ctx, Users, uid))
	if _, err := f.Resolve(f.ctx, key2.Token); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("api key of a deleted user: %v", err)
	}
}

func TestSweepTokens(t *testing.T) {
	f := newFixture(t)
	uid := f.user(t, "alice", "pw")
	f.login(t, "alice", "pw")
	key, err := f.CreateAPIKey(f.ctx, uid, "", nil)
	f.must(t, err)
	n, err := f.SweepTokens(f.ctx)
	f.must(t, err)
	if n != 0 {
		t.Fatalf("swept %d valid tokens", n)
	}
	f.clock.Advance(31 * 24 * time.Hour)
	n, err = f.SweepTokens(f.ctx)
	f.must(t, err)
	if n != 2 { // access + refresh
		t.Fatalf("swept %d, want 2", n)
	}
	if _, err := f.Resolve(f.ctx, key.Token); err != nil {
		t.Fatalf("sweep removed an api key: %v", err)
	}
}
