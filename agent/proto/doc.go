// Package proto is the wire protocol between chunter, the hypervisor
// agent, and the control plane (sniffle), over ergo distribution
// (DESIGN.md §2.2, §7). It holds the message structs, the names of the
// actors they go to, the error codes replies carry, and the codec of the
// payloads; it imports no ergo, so its logic is tested with -race. The
// structs are registered for the network by package proto/wire, which
// every node that sends or receives them imports (agent/chunter and
// agent/client do).
//
// # Shape
//
// Every message is a flat struct of strings, int64s, bools and []byte:
// ergo's encoder only ever sees those, never a bare (empty) list. Complex
// payloads — a driver.Spec, a host report, a VM list — travel as
// deterministic CBOR (Marshal, Unmarshal) in a []byte field, so equal
// values are equal bytes. A message's layout never changes under its
// registered name: a new layout is a new type with a new name, and both
// are registered while a cluster upgrades.
//
// # Control plane → agent
//
// The control plane calls the agent actor of a hypervisor, registered as
// AgentName(hv) on the agent's node, with one request struct per command
// (Reserve, Release, Create, Start, Stop, Reboot, Delete, Update,
// Snapshot, DeleteSnapshot, Rollback, Snapshots, ImportImage, Images,
// Get, List, Sysinfo). Each carries the hypervisor uuid it means (HV);
// the agent refuses a request for another one. Every request is answered
// with a Reply: an error Code ("" for success) with its message, and,
// for the queries, a CBOR Body. Commands keep the driver's idempotency
// (agent/driver): a caller unsure whether a command ran repeats it.
//
// The upgrade requests (UpgradeInfo, UpgradeBegin, UpgradeChunk,
// UpgradeSwitch) push a new agent binary in chunks and switch to it; each
// is idempotent and names the binary and offset it concerns, so a
// transfer survives dropped messages and resumes (package upgrade).
//
// # Agent → control plane
//
// The agent talks to the actor registered as ControlName on a control
// node. Register (the host report) is a call, answered with an Ack, and
// opens a session; VMList (every VM on the host) follows at once, so the
// control plane reconciles its records with the host after every
// (re)start or reconnection; Heartbeat (the memory account) is a call
// repeated periodically, whose Ack may ask the agent to register again
// (the control actor restarted and forgot it); VMState (one VM's new
// state) is a plain send, in order after the VMList of its session.
//
// # Errors
//
// A Reply's or an Ack's Code is one of the Code* constants. CodeOf maps
// an error to its code (the driver's sentinels, context errors, this
// package's own), ErrorOf maps a code and message back to an *Error that
// unwraps to the same sentinel, so errors.Is(err, driver.ErrNoMemory)
// holds on the caller's node as it did on the agent's.
package proto
