package netfault

import (
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Pair is an ordered pair of members: From reaches To through the pair's
// proxy.
type Pair struct{ From, To string }

// Network holds one proxy per ordered pair of its members, so each
// member reaches each other member through its own proxy, and cuts and
// heals them by groups. It is safe for concurrent use.
type Network struct {
	opts Options

	mu      sync.Mutex
	members []string // in order of Add
	targets map[string]string
	proxies map[Pair]*Proxy
	closed  bool
}

// NewNetwork returns an empty network whose proxies use o.
func NewNetwork(o Options) (*Network, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Network{opts: o.withDefaults(), targets: map[string]string{}, proxies: map[Pair]*Proxy{}}, nil
}

// Add makes name a member whose peers reach it at target (host:port):
// it starts the proxies between name and every member added before. A
// new member is connected to everyone, even while the network is
// partitioned, until the next Partition names it.
func (n *Network) Add(name, target string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return errors.New("netfault: network closed")
	}
	if name == "" {
		return errors.New("netfault: empty member name")
	}
	if _, ok := n.targets[name]; ok {
		return fmt.Errorf("netfault: member %s added twice", name)
	}
	made := map[Pair]*Proxy{}
	for _, m := range n.members {
		for _, pr := range []struct {
			pair   Pair
			target string
		}{{Pair{m, name}, target}, {Pair{name, m}, n.targets[m]}} {
			p, err := NewProxy(pr.target, n.opts)
			if err != nil {
				for _, q := range made {
					_ = q.Close()
				}
				return fmt.Errorf("netfault: add %s: %w", name, err)
			}
			made[pr.pair] = p
		}
	}
	for pair, p := range made {
		n.proxies[pair] = p
	}
	n.members = append(n.members, name)
	n.targets[name] = target
	return nil
}

// Members lists the members in the order they were added.
func (n *Network) Members() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.members)
}

// Proxy returns the proxy from uses to reach to.
func (n *Network) Proxy(from, to string) (*Proxy, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	p, ok := n.proxies[Pair{from, to}]
	if !ok {
		return nil, fmt.Errorf("netfault: no proxy from %q to %q", from, to)
	}
	return p, nil
}

// Routes returns, for every other member, the address (host:port) from
// must dial to reach it: the static routes of member from.
func (n *Network) Routes(from string) map[string]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make(map[string]string, len(n.members))
	for _, m := range n.members {
		if p, ok := n.proxies[Pair{from, m}]; ok {
			out[m] = p.Addr()
		}
	}
	return out
}

// Partition splits the network into groups: members of different groups
// cannot talk (the proxies between them, both ways, are cut); members of
// one group can. A member named in no group keeps talking to everyone.
// It replaces the previous partition: pairs it does not cut are healed.
// A name that is not a member, or is named twice, is an error and
// changes nothing.
func (n *Network) Partition(groups ...[]string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	group := map[string]int{}
	for i, g := range groups {
		for _, m := range g {
			if _, ok := n.targets[m]; !ok {
				return fmt.Errorf("netfault: partition: %q is not a member", m)
			}
			if _, ok := group[m]; ok {
				return fmt.Errorf("netfault: partition: %q is in two groups", m)
			}
			group[m] = i
		}
	}
	var heal []*Proxy
	for pair, p := range n.proxies {
		gf, okf := group[pair.From]
		gt, okt := group[pair.To]
		if okf && okt && gf != gt {
			p.Partition()
		} else {
			heal = append(heal, p)
		}
	}
	for _, p := range heal {
		p.Heal()
	}
	return nil
}

// Heal restores every pair.
func (n *Network) Heal() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, p := range n.proxies {
		p.Heal()
	}
}

// Connected reports whether from reaches to (their proxy is not cut).
func (n *Network) Connected(from, to string) bool {
	p, err := n.Proxy(from, to)
	return err == nil && !p.Partitioned()
}

// Stats returns the counters of every pair's proxy.
func (n *Network) Stats() map[Pair]Stats {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make(map[Pair]Stats, len(n.proxies))
	for pair, p := range n.proxies {
		out[pair] = p.Stats()
	}
	return out
}

// Close closes every proxy.
func (n *Network) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil
	}
	n.closed = true
	var errs []error
	for _, p := range n.proxies {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
}
