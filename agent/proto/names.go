package proto

// Version is the protocol version an agent announces in Register. It
// changes when the set of messages changes incompatibly.
const Version = 1

// ControlName is the registered name of the actor that receives agents'
// messages on every control node.
const ControlName = "sniffle_agents"

// agentPrefix starts the registered name of an agent actor.
const agentPrefix = "chunter_agent_"

// AgentName is the registered name of the agent actor of hypervisor hv.
// Several hypervisors (simulated ones) may run in one node, so the name
// includes the uuid.
func AgentName(hv string) string { return agentPrefix + hv }
