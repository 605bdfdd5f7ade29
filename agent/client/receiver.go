package client

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// Defaults of ReceiverOptions.
const (
	DefaultCallbackTimeout = 30 * time.Second
	DefaultQueueLimit      = 4096
	DefaultMailboxSize     = 8192
)

// ReceiverOptions configure a Receiver. Control is required.
type ReceiverOptions struct {
	// Control handles the agents' reports. Required.
	Control Control
	// Logger receives the receiver's logs. Default: discard.
	Logger *slog.Logger
	// Registerer receives the receiver's metrics. Default: a private
	// registry.
	Registerer prometheus.Registerer
	// CallbackTimeout bounds each call to Control. Default 30 s.
	CallbackTimeout time.Duration
	// QueueLimit bounds the reports of one hypervisor waiting for
	// Control; beyond it calls are answered ErrUnavailable (the agent
	// retries) and state changes dropped (the next VM list repairs them),
	// both counted. Default 4096.
	QueueLimit int
	// MailboxSize bounds the actor's mailbox. Default 8192.
	MailboxSize uint16
}

func (o ReceiverOptions) withDefaults() ReceiverOptions {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	if o.CallbackTimeout <= 0 {
		o.CallbackTimeout = DefaultCallbackTimeout
	}
	if o.QueueLimit <= 0 {
		o.QueueLimit = DefaultQueueLimit
	}
	if o.MailboxSize == 0 {
		o.MailboxSize = DefaultMailboxSize
	}
	return o
}

// Validate reports the first problem with the options.
func (o ReceiverOptions) Validate() error {
	if o.Control == nil {
		return errors.New("receiver options: Control is required")
	}
	return nil
}

// Receiver is the control node's endpoint of the agents: its actor (Spec)
// takes their reports for Control and keeps the directory of registered
// agents (Lookup, Agents).
type Receiver struct {
	opts ReceiverOptions
	log  *slog.Logger
	m    *ReceiverMetrics

	mu     sync.Mutex
	agents map[string]AgentInfo // by hypervisor uuid
}

// AgentInfo is a registered agent as the receiver knows it.
type AgentInfo struct {
	Addr    Addr
	Version string
	// Registered is when its current session opened (control node's
	// clock); LastSeen when it last reported.
	Registered time.Time
	LastSeen   time.Time
}

// NewReceiver validates o and registers the receiver's metrics.
func NewReceiver(o ReceiverOptions) (*Receiver, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	m, err := NewReceiverMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	return &Receiver{opts: o, log: o.Logger.With("actor", proto.ControlName), m: m, agents: map[string]AgentInfo{}}, nil
}

// Spec is the receiver's actor, registered as proto.ControlName; put it
// in the control plane's supervision tree. Each incarnation starts with
// an empty directory: agents that report to it are asked to register
// again.
func (r *Receiver) Spec() runtime.Spec {
	return runtime.Spec{
		Name:          proto.ControlName,
		New:           func() runtime.Actor { return &receiver{r: r} },
		MailboxSize:   r.opts.MailboxSize,
		DirectboxSize: 64,
	}
}

// App is the receiver alone as an application (named "agents"), for a
// release or a test without sniffle's own tree.
func (r *Receiver) App(version string) supervisors.App {
	return supervisors.App{
		Name:        "agents",
		Description: "receiver of hypervisor agents",
		Version:     version,
		Top: supervisors.Supervisor{
			Name: "agents_sup", Strategy: supervisors.OneForOne, Intensity: 5, Period: 5,
			Children: func() []supervisors.Child { return []supervisors.Child{supervisors.ActorChild(r.Spec())} },
		},
	}
}

// Metrics returns the receiver's metrics.
func (r *Receiver) Metrics() *ReceiverMetrics { return r.m }

// Lookup returns where the agent of hypervisor hv runs, if it is
// registered.
func (r *Receiver) Lookup(hv string) (Addr, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.agents[hv]
	return a.Addr, ok
}

// Agent returns what the receiver knows of the agent of hypervisor hv, if
// it is registered.
func (r *Receiver) Agent(hv string) (AgentInfo, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.agents[hv]
	return a, ok
}

// Agents lists the registered agents, by hypervisor uuid.
func (r *Receiver) Agents() []AgentInfo {
	r.mu.Lock()
	out := make([]AgentInfo, 0, len(r.agents))
	for _, a := range r.agents {
		out = append(out, a)
	}
	r.mu.Unlock()
	slices.SortFunc(out, func(a, b AgentInfo) int { return strings.Compare(a.Addr.HV, b.Addr.HV) })
	return out
}

// setAgent records (or refreshes) a registered agent.
func (r *Receiver) setAgent(a AgentInfo) {
	r.mu.Lock()
	r.agents[a.Addr.HV] = a
	r.m.Agents.Set(float64(len(r.agents)))
	r.mu.Unlock()
}

// seen stamps an agent's last report.
func (r *Receiver) seen(hv string, at time.Time) {
	r.mu.Lock()
	if a, ok := r.agents[hv]; ok {
		a.LastSeen = at
		r.agents[hv] = a
	}
	r.mu.Unlock()
}

// dropAgent forgets an agent.
func (r *Receiver) dropAgent(hv string) {
	r.mu.Lock()
	delete(r.agents, hv)
	r.m.Agents.Set(float64(len(r.agents)))
	r.mu.Unlock()
}

// resetAgents forgets every agent (a new incarnation of the actor).
func (r *Receiver) resetAgents() {
	r.mu.Lock()
	r.agents = map[string]AgentInfo{}
	r.m.Agents.Set(0)
	r.mu.Unlock()
}

// ReceiverMetrics are the receiver's metrics.
type ReceiverMetrics struct {
	// Messages counts agents' messages, by kind (register, heartbeat,
	// vm_state, vm_list, agent_down) and outcome (ok, error, invalid,
	// dropped, reregister).
	Messages *prometheus.CounterVec
	// Agents is the number of registered agents.
	Agents prometheus.Gauge
}

// NewReceiverMetrics creates the receiver's metrics and registers them.
func NewReceiverMetrics(reg prometheus.Registerer) (*ReceiverMetrics, error) {
	m := &ReceiverMetrics{
		Messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fifo_sniffle_agent_messages_total",
			Help: "Messages from hypervisor agents, by kind and outcome.",
		}, []string{"kind", "outcome"}),
		Agents: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fifo_sniffle_agents",
			Help: "Hypervisor agents registered with this control node.",
		}),
	}
	for _, c := range []prometheus.Collector{m.Messages, m.Agents} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("receiver metrics: %w", err)
		}
	}
	return m, nil
}
