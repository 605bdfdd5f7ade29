// Package chunter is the hypervisor agent as an ergo application
// (DESIGN.md §7, reference/fifo.md §6): per hypervisor, an agent actor
// that serves the control plane's commands by running a driver.Driver, a
// watcher of the VMs' states, and a registrar that keeps a session with a
// control node. The wire protocol is package proto; the control plane's
// side is package client.
//
// Running it:
//
//	d, _ := sim.New(sim.Options{UUID: hv})
//	a, _ := chunter.New(chunter.Options{HV: hv, Driver: d, Controls: []string{"fifo@ctl1", "fifo@ctl2"}})
//	app, _ := chunter.App(version, a)        // several agents for simulated hosts
//	supervisors.StartApp(ctx, node, app)
//
// The agent actor is registered as proto.AgentName(hv), so several
// (simulated) hypervisors can share a node. Commands never run in its
// mailbox: each runs in a goroutine that answers its caller; commands on
// one VM run one at a time in arrival order, queries at once. The driver
// keeps the idempotency and the memory admission of its contract
// (agent/driver), so the agent is the authority on its host's memory: a
// Reserve that does not fit is refused with proto.CodeNoMemory, which the
// control plane's client turns back into driver.ErrNoMemory.
//
// The registrar opens a session with the first reachable control node of
// Options.Controls (the agent's own node when empty): Register with the
// host report, then the full VM list so the control plane reconciles its
// records with the host after every (re)start or reconnection, then VM
// state changes as they happen, heartbeats with the memory account, and
// the VM list again every ResyncInterval. It monitors the control actor;
// when it goes away, or heartbeats go unanswered, the registrar starts
// over with the next control node after an exponential backoff with
// jitter (package backoff).
//
// The global zone stays small: no database, no web server; the host, via
// the driver, is the source of truth, and the hypervisor's uuid lives in
// the data directory (package hostid).
package chunter
