package identity

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// recordCodec merges records like production nodes do.
// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fixture struct {
	*Service
	st    *recstore.Memory
	clock *fakeClock
	logs  *syncBuffer
	ctx   context.Context
}

// cheap are argon2id parameters fast enough for tests.
var cheap = credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}

func newFixture(t *testing.T, mod ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{st: recstore.NewMemory(record.StoreCodec{}), clock: &fakeClock{now: time.Unix(1_800_000_000, 0)},
		logs: &syncBuffer{}, ctx: context.Background()}
	o := Options{Actor: "test", Now: f.clock.Now, Password: cheap, Logger: slog.New(slog.NewTextHandler(f.logs, nil))}
	for _, m := range mod {
		m(&o)
	}
	s, err := New(f.st, o)
	if err != nil {
		t.Fatal(err)
	}
	f.Service = s
	return f
}

func (f *fixture) must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// user creates a user and returns its id.
func (f *fixture) user(t *testing.T, name, pw string) string {
	t.Helper()
	id, err := f.CreateUser(f.ctx, Session{}, name, pw)
	f.must(t, err)
	return id
}

// login runs a password grant and resolves the access token.
func (f *fixture) login(t *testing.T, name, pw string) (TokenResponse, Session) {
	t.Helper()
	tok, err := f.Password(f.ctx, PasswordGrant{Username: name, Password: pw})
	f.must(t, err)
	s, err := f.Resolve(f.ctx, tok.AccessToken)
	f.must(t, err)
	return tok, s
}

func (f *fixture) allowed(t *testing.T, s Session, p ...string) bool {
	t.Helper()
	ok, err := f.Allowed(f.ctx, s, perm.Permission(p))
	f.must(t, err)
	return ok
}
