package ring

import (
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/ergo-services/ergo/etf"

	core "github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
)

// Name is the ring actor's registered name on every node.
const Name = "ring"

// Errors of the ring actor; test with errors.Is.
var (
	// ErrNotReady: the actor has not loaded its ring yet.
	ErrNotReady = errors.New("ring: not ready")
	// ErrClustered: a join was asked of a node that already has other
	// members (it would abandon their ring).
	ErrClustered = errors.New("ring: already in a cluster")
)

// Spec is the ring actor's spec, for a supervisor or Node.Spawn.
func Spec(o Options) runtime.Spec {
	o = o.withDefaults()
	return runtime.Spec{Name: Name, New: func() runtime.Actor { return &actor{opts: o} }}
}

// actor holds the node's ring replica: it loads and persists it, gossips
// it, keeps a monitor on every live member, and runs the claimant's step.
type actor struct {
	runtime.Base
	opts      Options
	self      string
	r         *core.Ring
	monitored map[string]bool // members with a live node monitor
	joins     map[etf.Ref]runtime.From
}

// Init implements runtime.Actor; loading is the first message.
func (a *actor) Init(p *runtime.Process) {
	a.self = p.Node().Name()
	a.monitored = map[string]bool{}
	a.joins = map[etf.Ref]runtime.From{}
	if err := p.SendSelf(loadMsg{}); err != nil {
		p.Logger().Error("ring: cannot queue load", "err", err)
	}
}

// HandleMessage implements runtime.Actor.
func (a *actor) HandleMessage(p *runtime.Process, msg any) {
	switch m := msg.(type) {
	case loadMsg:
		a.load(p)
	case tick:
		a.tick(p)
		p.After(a.opts.GossipInterval, tick{})
	case Gossip:
		a.gossip(p, m)
	case runtime.Reply:
		a.joined(p, m)
	case runtime.NodeDown:
		delete(a.monitored, m.Name)
		p.Logger().Info("ring: member unreachable", "peer", m.Name)
		a.notify()
	default:
		a.Base.HandleMessage(p, msg)
	}
}

// load reads the ring file, or founds a cluster of this node alone.
func (a *actor) load(p *runtime.Process) {
	r, err := load(a.opts.DataDir)
	if err != nil {
		p.Logger().Error("ring: cannot load", "err", err)
		p.Stop("ring file unreadable")
		return
	}
	if r == nil {
		nonce := make([]byte, 8)
		_, _ = crand.Read(nonce)
		if r, err = core.New(a.self+"/"+hex.EncodeToString(nonce), a.opts.Partitions, a.self); err != nil {
			p.Logger().Error("ring: cannot found a cluster", "err", err)
			p.Stop("bad ring options")
			return
		}
		if err := save(a.opts.DataDir, r); err != nil {
			p.Logger().Error("ring: cannot save", "err", err)
			p.Stop("ring file unwritable")
			return
		}
	}
	a.r = r
	a.notify()
	p.After(a.opts.GossipInterval, tick{})
}

// notify hands the node's current view to Options.OnChange.
func (a *actor) notify() {
	if a.opts.OnChange != nil && a.r != nil {
		a.opts.OnChange(a.status())
	}
}

// HandleCall implements runtime.Actor.
func (a *actor) HandleCall(p *runtime.Process, from runtime.From, req any) (any, error) {
	if a.r == nil {
		return nil, ErrNotReady
	}
	switch q := req.(type) {
	case statusCmd:
		return a.status(), nil
	case JoinReq:
		return a.admit(p, q)
	case joinCmd:
		return a.join(p, from, q.seed)
	case leaveCmd:
		return nil, a.change(p, func(r *core.Ring) error { return r.Leave(a.self) })
	case completeCmd:
		return nil, a.change(p, func(r *core.Ring) error { return r.CompleteHandoff(q.partition, q.epoch) })
	case markDownCmd:
		return nil, a.change(p, func(r *core.Ring) error { return r.MarkDown(q.node) })
	case forceRemoveCmd:
		return nil, a.change(p, func(r *core.Ring) error { return r.ForceRemove(q.node) })
	}
	return a.Base.HandleCall(p, from, req)
}

// status returns a snapshot.
func (a *actor) status() Status {
	s := Status{Self: a.self, Ring: a.r.Clone()}
	for _, m := range a.peers() {
		if !a.monitored[m] {
			s.Unreachable = append(s.Unreachable, m)
		}
	}
	return s
}

// change applies op to a copy of the ring and, if it changed anything,
// persists the copy before adopting it and tells every reachable member.
func (a *actor) change(p *runtime.Process, op func(*core.Ring) error) error {
	next := a.r.Clone()
	if err := op(next); err != nil {
		return err
	}
	return a.adopt(p, next, true)
}

// adopt persists r and makes it the node's ring; with spread it gossips r
// to every reachable member, otherwise to one at random.
func (a *actor) adopt(p *runtime.Process, r *core.Ring, spread bool) error {
	if r.Equal(a.r) {
		return nil
	}
	if err := save(a.opts.DataDir, r); err != nil {
		return err
	}
	a.r = r
	a.notify()
	peers := a.reachable()
	if !spread && len(peers) > 1 {
		peers = []string{peers[rand.IntN(len(peers))]}
	}
	for _, peer := range peers {
		a.send(p, peer, false)
	}
	return nil
}

// send gossips the ring to a peer.
func (a *actor) send(p *runtime.Process, peer string, wantReply bool) {
	b, err := core.Marshal(a.r)
	if err != nil {
		p.Logger().Error("ring: encode", "err", err)
		return
	}
	if err := p.Send(runtime.ProcessID{Name: Name, Node: peer}, Gossip{From: a.self, Ring: b, WantReply: wantReply}); err != nil {
		p.Logger().Debug("ring: gossip not sent", "peer", peer, "err", err)
	}
}

// gossip merges a peer's ring and answers a push-pull.
func (a *actor) gossip(p *runtime.Process, m Gossip) {
	if a.r == nil {
		return
	}
	theirs, err := core.Unmarshal(m.Ring)
	if err != nil {
		p.Logger().Warn("ring: bad gossip", "peer", m.From, "err", err)
		return
	}
	next := a.r.Clone()
	if _, err := next.Merge(theirs); err != nil {
		p.Logger().Warn("ring: gossip of another cluster", "peer", m.From, "err", err)
		return
	}
	if me, ok := next.Member(a.self); ok && me.Status == core.Down {
		_ = next.Reassert(a.self) // we are up: say so
	}
	if err := a.adopt(p, next, false); err != nil {
		p.Logger().Error("ring: cannot save", "err", err)
		return
	}
	if m.WantReply && !a.r.Equal(theirs) {
		a.send(p, m.From, false)
	}
}

// tick connects to members, runs the claimant's step and gossips once.
func (a *actor) tick(p *runtime.Process) {
	if a.r == nil {
		return
	}
	for _, m := range a.peers() {
		if a.monitored[m] {
			continue
		}
		if err := p.Node().Connect(m); err != nil {
			continue
		}
		p.MonitorNode(m)
		a.monitored[m] = true
		p.Logger().Info("ring: member reachable", "peer", m)
		a.notify()
	}
	if a.r.Claimant() == a.self {
		next := a.r.Clone()
		if next.Rebalance(a.opts.N) {
			if err := a.adopt(p, next, true); err != nil {
				p.Logger().Error("ring: cannot save", "err", err)
			}
		}
	}
	if peers := a.reachable(); len(peers) > 0 {
		a.send(p, peers[rand.IntN(len(peers))], true)
	}
}

// peers returns the members other than this node that have not left.
func (a *actor) peers() []string {
	return slices.DeleteFunc(a.r.WithStatus(core.Joining, core.Valid, core.Leaving, core.Down),
		func(m string) bool { return m == a.self })
}

// reachable returns the peers with a live monitor.
func (a *actor) reachable() []string {
	return slices.DeleteFunc(a.peers(), func(m string) bool { return !a.monitored[m] })
}

// admit serves a JoinReq from another node: add it as Joining and answer
// with the ring. A node that is already a live member gets the ring
// again, so a join whose answer was lost can be retried.
func (a *actor) admit(p *runtime.Process, q JoinReq) (any, error) {
	if m, ok := a.r.Member(q.Node); !ok || m.Status == core.Left {
		if err := a.change(p, func(r *core.Ring) error { return r.Join(q.Node) }); err != nil {
			return nil, fmt.Errorf("admit %s: %w", q.Node, err)
		}
	}
	b, err := core.Marshal(a.r)
	if err != nil {
		return nil, err
	}
	return JoinResp{Ring: b}, nil
}

// join asks seed's ring actor to admit this node; joined finishes it.
func (a *actor) join(p *runtime.Process, from runtime.From, seed string) (any, error) {
	if others := slices.DeleteFunc(a.r.MemberNames(), func(m string) bool { return m == a.self }); len(others) > 0 {
		return nil, fmt.Errorf("%w with %v", ErrClustered, others)
	}
	ref, err := p.Request(runtime.ProcessID{Name: Name, Node: seed}, JoinReq{Node: a.self}, a.opts.CallTimeout)
	if err != nil {
		return nil, fmt.Errorf("join via %s: %w", seed, err)
	}
	a.joins[ref] = from
	return nil, runtime.Deferred
}

// joined adopts the cluster's ring from the seed's answer. The node's own
// singleton ring is dropped: it held no one else.
func (a *actor) joined(p *runtime.Process, m runtime.Reply) {
	from, ok := a.joins[m.Ref]
	if !ok {
		return
	}
	delete(a.joins, m.Ref)
	if m.Err != nil {
		p.Reply(from, nil, fmt.Errorf("join: %w", m.Err))
		return
	}
	resp, ok := m.Value.(JoinResp)
	if !ok {
		p.Reply(from, nil, fmt.Errorf("join: unexpected answer %T", m.Value))
		return
	}
	r, err := core.Unmarshal(resp.Ring)
	if err != nil {
		p.Reply(from, nil, fmt.Errorf("join: %w", err))
		return
	}
	if _, ok := r.Member(a.self); !ok {
		p.Reply(from, nil, errors.New("join: the seed's ring does not list this node"))
		return
	}
	if a.opts.Partitions != 0 && r.Partitions() != a.opts.Partitions {
		p.Reply(from, nil, fmt.Errorf("join: %w: the cluster has %d partitions, this node's store %d",
			core.ErrMismatch, r.Partitions(), a.opts.Partitions))
		return
	}
	if err := save(a.opts.DataDir, r); err != nil {
		p.Reply(from, nil, fmt.Errorf("join: %w", err))
		return
	}
	a.r = r
	a.notify()
	p.Logger().Info("ring: joined", "cluster", r.Cluster(), "members", len(r.MemberNames()))
	p.Reply(from, nil, nil)
}
