package sniffle

import (
	"context"
	"errors"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// agentResolver finds a hypervisor's agent for the VM flows: among the
// agents registered with this node's receiver first, then on the node
// the hypervisor record names (its host, the agent's node name, set by
// whichever control node the agent registered with). With the records
// replicated, sniffle on any control node commands any agent, and keeps
// commanding it after it fails over to another control node.
func agentResolver(rcv *client.Receiver, cl *cloud.Service) client.Recorded {
	return client.Recorded{Local: rcv, Hosts: recordedHosts{cl}}
}

// recordedHosts reads agents' nodes from the hypervisor records.
type recordedHosts struct{ cloud *cloud.Service }

// AgentNode implements client.HostSource: "" for a hypervisor sniffle
// does not know.
func (h recordedHosts) AgentNode(ctx context.Context, hv string) (string, error) {
	r, err := h.cloud.Hypervisor(ctx, hv)
	if errors.Is(err, cloud.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return r.Host, nil
}
