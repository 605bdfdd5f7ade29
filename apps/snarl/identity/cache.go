package identity

import (
	"sync"
	"time"

	"github.com/fifogo/fifo/internal/perm"
)

// cacheLimit bounds each map of the cache; a full map is emptied (entries
// are cheap to rebuild and live one TTL at most).
const cacheLimit = 65536

// cache keeps resolved sessions and effective permission sets for a short
// time. Writes through the Service invalidate what they change (a role
// change drops every user's set: users do not list who holds a role);
// changes made on other nodes show after at most one TTL.
type cache struct {
	ttl time.Duration

	mu       sync.Mutex
	sessions map[string]cachedSession // token id → session
	perms    map[string]cachedPerms   // user or client id → effective set
}

type cachedSession struct {
	s     Session
	until time.Time
}

type cachedPerms struct {
	set   *perm.Set
	until time.Time
}

func newCache(ttl time.Duration) *cache {
	return &cache{ttl: ttl, sessions: map[string]cachedSession{}, perms: map[string]cachedPerms{}}
}

func (c *cache) session(id string, now time.Time) (Session, bool) {
	if c.ttl < 0 {
		return Session{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.sessions[id]
	if !ok || !now.Before(e.until) {
		return Session{}, false
	}
	return e.s, true
}

func (c *cache) putSession(id string, s Session, now time.Time) {
	if c.ttl < 0 {
		return
	}
	until := now.Add(c.ttl)
	if !s.Expires.IsZero() && s.Expires.Before(until) {
		until = s.Expires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sessions) >= cacheLimit {
		clear(c.sessions)
	}
	c.sessions[id] = cachedSession{s: s, until: until}
}

func (c *cache) dropSession(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sessions, id)
}

func (c *cache) dropSessions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.sessions)
}

func (c *cache) permsOf(id string, now time.Time) (*perm.Set, bool) {
	if c.ttl < 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.perms[id]
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	return e.set, true
}

func (c *cache) putPerms(id string, set *perm.Set, now time.Time) {
	if c.ttl < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.perms) >= cacheLimit {
		clear(c.perms)
	}
	c.perms[id] = cachedPerms{set: set, until: now.Add(c.ttl)}
}

// dropPerms forgets one holder's set, or every set when id is "".
func (c *cache) dropPerms(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id == "" {
		clear(c.perms)
		return
	}
	delete(c.perms, id)
}
