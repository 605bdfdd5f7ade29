package identity

import (
	"hash/maphash"
	"sync"
	"time"

	"github.com/fifogo/fifo/internal/perm"
)

// cacheLimit bounds each map of the cache; a full map is emptied (entries
// are cheap to rebuild and live one TTL at most).
const cacheLimit = 65536

// genStripes is how many generation counters the permission keys share.
const genStripes = 256

// cache keeps resolved sessions and permission sets for a short time.
// Writes through the Service invalidate what they change (a role change
// drops every set: users do not list who holds a role); changes made on
// other nodes show after at most one TTL, except that a check the cached
// sets deny is made again from the store (authz.go), so a grant made on
// another node is seen at once and only a revocation waits for the TTL.
//
// Permission sets are cached under keys (permKey): a user's or client's
// own ∪ roles' grants, each shard of a user's creator grants, and a
// user's whole effective set. An invalidation bumps the generation of its
// key, and a set read from the store is kept only if its key's generation
// did not move since the read began (gen, then putPerms): a read racing
// with a write can no longer put back what the write just invalidated, so
// a change is seen by every request that starts after the write returned.
type cache struct {
	ttl  time.Duration
	seed maphash.Seed

	mu       sync.Mutex
	sessions map[string]cachedSession // token id → session
	perms    map[permKey]cachedPerms
	epoch    uint64             // bumped when every set is dropped
	gens     [genStripes]uint64 // bumped when a key of the stripe is dropped
}

// permKey names a cached permission set: kind is keyBase (id is a user
// or client), keyCreator (id is a user, shard a creator shard) or keyAll
// (a user's whole effective set).
type permKey struct {
	kind  byte
	id    string
	shard int
}

// Kinds of permKey.
const (
	keyBase byte = iota
	keyCreator
	keyAll
)

// generation is a point in a key's history, taken before a read.
type generation struct {
	epoch, gen uint64
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
	return &cache{ttl: ttl, seed: maphash.MakeSeed(), sessions: map[string]cachedSession{}, perms: map[permKey]cachedPerms{}}
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

// stripe is the generation counter k shares.
func (c *cache) stripe(k permKey) *uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteByte(k.kind)
	h.WriteString(k.id)
	h.WriteByte(byte(k.shard))
	return &c.gens[h.Sum64()%genStripes]
}

// permsOf returns the cached set of k, or the generation to pass to
// putPerms with the set the caller is about to read.
func (c *cache) permsOf(k permKey, now time.Time) (*perm.Set, generation, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := generation{c.epoch, *c.stripe(k)}
	if c.ttl < 0 {
		return nil, g, false
	}
	e, ok := c.perms[k]
	if !ok || !now.Before(e.until) {
		return nil, g, false
	}
	return e.set, g, true
}

// putPerms keeps set under k unless k was invalidated since g.
func (c *cache) putPerms(k permKey, g generation, set *perm.Set, now time.Time) {
	if c.ttl < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if g != (generation{c.epoch, *c.stripe(k)}) {
		return
	}
	if len(c.perms) >= cacheLimit {
		clear(c.perms)
	}
	c.perms[k] = cachedPerms{set: set, until: now.Add(c.ttl)}
}

// dropLocked forgets k and moves its generation on.
func (c *cache) dropLocked(k permKey) {
	delete(c.perms, k)
	*c.stripe(k)++
}

// dropPerms forgets one holder's own ∪ roles' set and its whole effective
// set, or every set when id is "".
func (c *cache) dropPerms(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id == "" {
		clear(c.perms)
		c.epoch++
		return
	}
	c.dropLocked(permKey{kind: keyBase, id: id})
	c.dropLocked(permKey{kind: keyAll, id: id})
}

// dropCreator forgets one shard of a user's creator grants and the user's
// whole effective set.
func (c *cache) dropCreator(user string, shard int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(permKey{kind: keyCreator, id: user, shard: shard})
	c.dropLocked(permKey{kind: keyAll, id: user})
}

// dropUser forgets every set of a user.
func (c *cache) dropUser(user string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(permKey{kind: keyBase, id: user})
	c.dropLocked(permKey{kind: keyAll, id: user})
	for k := range creatorShards {
		c.dropLocked(permKey{kind: keyCreator, id: user, shard: k})
	}
}
