package runtime

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"log/slog"
	"time"

	"github.com/ergo-services/ergo"
	"github.com/ergo-services/ergo/etf"
	"github.com/ergo-services/ergo/gen"
	ergonode "github.com/ergo-services/ergo/node"
	"github.com/ergo-services/ergo/proto/dist"
)

// Node is a running ergo node started with safe options.
type Node struct {
	ergo       ergonode.Node
	opts       Options
	log        *slog.Logger
	metrics    *Metrics
	gateway    gen.Process
	handshakes *handshakeProbe
	started    time.Time
	traces     tracing
}

// ergoOptions builds the ergo node options. It is the one place where the
// safe defaults of this version are decided; see the package comment.
func ergoOptions(o Options) ergonode.Options {
	proto := ergonode.DefaultProtoOptions()
	// Bug: with NumHandlers > 1 ergo spreads one connection's messages over
	// several sender/receiver goroutines and two messages from A to B can
	// arrive swapped. One handler keeps per-pair order.
	proto.NumHandlers = 1

	listener := ergonode.Listener{Hostname: o.ListenHost}
	if o.ListenPort != 0 {
		listener.Listen = o.ListenPort
	} else {
		listener.ListenBegin, listener.ListenEnd = 20000, 60000
	}
	env := make(map[gen.EnvKey]interface{}, len(o.Env))
	for k, v := range o.Env {
		env[gen.EnvKey(k)] = v
	}
	registrar := dist.CreateRegistrarWithLocalEPMD(o.ListenHost, o.EPMDPort)
	if o.Hidden {
		registrar = newHiddenRegistrar(o.EPMDPort)
	}
	return ergonode.Options{
		Env:       env,
		Creation:  creation(),
		Listeners: []ergonode.Listener{listener},
		// Bug: StaticRoutesOnly with a nil registrar panics on the first
		// outgoing connect; a registrar is always set. The embedded EPMD
		// binds the listen host only, never every interface.
		Registrar:        registrar,
		StaticRoutesOnly: o.StaticRoutesOnly,
		// OTP 25 refuses ergo's default handshake v5.
		Handshake: dist.CreateHandshake(dist.HandshakeOptions{Version: dist.HandshakeVersion6}),
		Proto:     dist.CreateProto(proto),
		// The default node phones home to metrics.ergo.services after a minute.
		System: ergonode.System{DisableAnonMetrics: true},
	}
}

// creation returns a random non-zero node incarnation. ergo's default is the
// start second, so a node restarted within the same second would look like
// its previous incarnation to its peers.
func creation() uint32 {
	var b [4]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return uint32(time.Now().UnixNano())
		}
		if c := binary.BigEndian.Uint32(b[:]); c != 0 {
			return c
		}
	}
}

// Start starts an ergo node with the safe options of this package and a
// gateway process for calls from plain Go.
func Start(ctx context.Context, o Options) (*Node, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	eo := ergoOptions(o)
	probe := &handshakeProbe{HandshakeInterface: eo.Handshake}
	eo.Handshake = probe
	started := time.Now()
	en, err := ergo.StartNodeWithContext(ctx, o.Name, o.Cookie, eo)
	if err != nil {
		return nil, fmt.Errorf("node %s: start: %w", o.Name, err)
	}
	n := &Node{ergo: en, opts: o, log: o.Logger.With("node", o.Name), metrics: o.Metrics,
		handshakes: probe, started: started}
	if err := n.applyRoutes(o.Routes); err != nil {
		en.Stop()
		return nil, fmt.Errorf("node %s: %w", o.Name, err)
	}
	o.Metrics.watch(n)
	gw, err := n.Spawn(Spec{Name: gatewayName, New: func() Actor { return &gateway{} }, MailboxSize: 4096, DirectboxSize: 4096})
	if err != nil {
		en.Stop()
		return nil, fmt.Errorf("node %s: gateway: %w", o.Name, err)
	}
	n.gateway = gw
	return n, nil
}

// Name returns the node's name.
func (n *Node) Name() string { return n.ergo.Name() }

// Logger returns the node's logger.
func (n *Node) Logger() *slog.Logger { return n.log }

// Metrics returns the node's runtime metrics.
func (n *Node) Metrics() *Metrics { return n.metrics }

// Ergo returns the underlying ergo node. Only the runtime layer and
// supervisors may use it.
func (n *Node) Ergo() ergonode.Node { return n.ergo }

// Env returns a node environment value set in Options.Env.
func (n *Node) Env(key string) any {
	return n.ergo.Env(gen.EnvKey(key))
}

// Alive reports whether the node runs.
func (n *Node) Alive() bool { return n.ergo.IsAlive() }

// Stop stops the node and waits up to Options.StopTimeout for it.
func (n *Node) Stop() error {
	n.ergo.Stop()
	if err := n.ergo.WaitWithTimeout(n.opts.StopTimeout); err != nil {
		return fmt.Errorf("node %s: stop: %w", n.Name(), err)
	}
	return nil
}

// Wait blocks until the node stops.
func (n *Node) Wait() { n.ergo.Wait() }

// AddStaticRoute routes connections to peer to host:port.
func (n *Node) AddStaticRoute(peer, host string, port uint16) error {
	// No Handshake in the route options: the node's own (v6) is used, the
	// one wrapped by the probe that lets Connect report a refused cookie
	// as ErrHandshake.
	err := n.ergo.AddStaticRoute(peer, host, port, ergonode.RouteOptions{Cookie: n.opts.Cookie, IsErgo: true})
	if err != nil {
		return fmt.Errorf("static route %s: %w", peer, err)
	}
	return nil
}

// Peers lists the connected nodes.
func (n *Node) Peers() []string { return n.ergo.Nodes() }

// ProcessID names a process on a node; Node "" means this node.
type ProcessID struct {
	Name string
	Node string
}

// target converts a ProcessID into an ergo send target.
func (n *Node) target(id ProcessID) interface{} {
	if id.Node == "" || id.Node == n.Name() {
		return id.Name
	}
	return gen.ProcessID{Name: id.Name, Node: id.Node}
}

// pidOf returns the pid of a local registered name.
func (n *Node) pidOf(name string) (etf.Pid, bool) {
	p := n.ergo.ProcessByName(name)
	if p == nil {
		return etf.Pid{}, false
	}
	return p.Self(), true
}

// NameFree reports whether a local name can be registered now. ergo frees
// a stopped process's name only after the process has already vanished
// from look-ups, so a nil ProcessByName does not mean the name is free;
// this probes by registering the name (to the gateway) and releasing it.
func (n *Node) NameFree(name string) bool {
	if err := n.ergo.RegisterName(name, n.gateway.Self()); err != nil {
		return false
	}
	n.ergo.UnregisterName(name)
	return true
}
