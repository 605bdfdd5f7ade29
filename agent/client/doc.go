// Package client is the control plane's side of the agent protocol
// (package proto): the Client that sniffle uses to command hypervisor
// agents, and the Receiver, the actor that takes the agents' reports and
// hands them to the Control interface sniffle implements.
//
// # Commanding agents
//
//	c := client.New(node)
//	err := c.Reserve(ctx, addr, vmUUID, 1024)
//	if errors.Is(err, driver.ErrNoMemory) { /* next hypervisor */ }
//
// An agent is addressed by Addr: its node's name and its hypervisor's
// uuid, as it reported them at registration (Receiver.Lookup finds the
// Addr of a hypervisor; Client.ByHV addresses agents by hypervisor uuid
// alone; with a Recorded resolver, an agent registered with another
// control node is found on the node its hypervisor record names). It
// works the same whether the agent runs in the caller's node
// (all-in-one) or on another node over ergo distribution. Errors keep the
// driver's sentinels across nodes (driver.ErrNotFound, ErrConflict,
// ErrNoMemory, ErrInvalid, ErrFailed, context.DeadlineExceeded when the
// command ran out of time on the agent); an agent that cannot be reached,
// is not registered or is stopping gives ErrUnavailable (wrapping the
// runtime's ErrTimeout, ErrNoProc or ErrNodeDown when that was the cause).
// A command that timed out on the caller's side may still complete on the
// agent: commands are idempotent, so repeat it, or undo it (Release after
// a Reserve) when moving on to another hypervisor.
//
// # Receiving agents
//
//	rcv, _ := client.NewReceiver(client.ReceiverOptions{Control: sniffle})
//	children = append(children, supervisors.ActorChild(rcv.Spec()))
//
// The Receiver's actor is registered as proto.ControlName on every control
// node. It answers Register, Heartbeat and VMList calls after the Control
// callback returns (an error makes the agent try again, possibly on
// another control node), keeps a directory of the registered agents
// (Lookup, Agents), monitors each agent actor, and asks an agent it does
// not know to register again. Callbacks run off the actor's mailbox, one
// at a time per hypervisor in arrival order, so a slow store write for one
// hypervisor delays no other, and a hypervisor's VMList is handled before
// the state changes that follow it.
package client
