package ops

import (
	"context"
	"errors"
	"sort"
	"sync"
)

// CheckFunc reports whether a component is ready: nil when it is, else why
// not. It runs on every /readyz request, so it must be quick and honour ctx.
type CheckFunc func(ctx context.Context) error

// errNotReady stands in for a CheckFunc that returns a nil-message error.
var errNotReady = errors.New("not ready")

// Checks holds the node's named readiness checks. The zero value has no
// checks (and is therefore ready); it must not be copied after first use.
// It is safe for concurrent use.
type Checks struct {
	mu     sync.Mutex
	states map[string]error     // set by Set
	funcs  map[string]CheckFunc // set by Register
}

// NewChecks returns an empty Checks.
func NewChecks() *Checks { return &Checks{} }

// Set records the state of the check name: err == nil means ready, anything
// else is reported by /readyz as the check's message, e.g.
// checks.Set("store", errors.New("opening")). It replaces a CheckFunc
// registered under the same name.
func (c *Checks) Set(name string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.funcs, name)
	if c.states == nil {
		c.states = make(map[string]error)
	}
	c.states[name] = err
}

// Register makes fn the check name, evaluated on every /readyz request. It
// replaces a state set under the same name.
func (c *Checks) Register(name string, fn CheckFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.states, name)
	if c.funcs == nil {
		c.funcs = make(map[string]CheckFunc)
	}
	c.funcs[name] = fn
}

// Remove forgets the check name, whether set or registered.
func (c *Checks) Remove(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.states, name)
	delete(c.funcs, name)
}

// Failing evaluates every check and returns the failing ones by name, with
// their error messages; an empty map means ready. Registered functions run
// one after the other, in name order, outside the lock.
func (c *Checks) Failing(ctx context.Context) map[string]string {
	failing := make(map[string]string)
	c.mu.Lock()
	for name, err := range c.states {
		if err != nil {
			failing[name] = message(err)
		}
	}
	names := make([]string, 0, len(c.funcs))
	funcs := make(map[string]CheckFunc, len(c.funcs))
	for name, fn := range c.funcs {
		names = append(names, name)
		funcs[name] = fn
	}
	c.mu.Unlock()

	sort.Strings(names)
	for _, name := range names {
		if err := funcs[name](ctx); err != nil {
			failing[name] = message(err)
		}
	}
	return failing
}

// message is err's text, or a stand-in when it has none.
func message(err error) string {
	if s := err.Error(); s != "" {
		return s
	}
	return errNotReady.Error()
}
