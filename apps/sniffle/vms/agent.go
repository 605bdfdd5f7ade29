package vms

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// RemoveLeftover deletes VM id from hypervisor hv, whose host reports
// it, when sniffle has settled the VM anywhere but there: the copy a
// create left on hv when the call to hv's agent was cut short (the agent
// died mid-create) and the flow then placed the VM elsewhere or failed
// it, releasing its addresses. Such a copy would run with addresses that
// now belong to other VMs and hold memory of hv nothing accounts for.
//
// Only a settled VM is touched: one whose create is still running
// belongs to its flow (which may be placing it on hv right now), one on
// hv is the agent reports' (AgentState), and a VM sniffle does not know
// is left alone. It reports whether it deleted the VM.
func (s *Service) RemoveLeftover(ctx context.Context, hv, id string) (bool, error) {
	vm, err := s.vm(ctx, id)
	if errors.Is(err, cloud.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if vm.Hypervisor == hv || !vm.Creating.IsZero() {
		return false, nil
	}
	if err := s.agents.Delete(ctx, hv, id); err != nil {
		return false, fmt.Errorf("vm %s: remove its copy from hypervisor %s: %w", id, hv, err)
	}
	s.log(ctx, id, "removed the copy an interrupted create left on hypervisor "+hv)
	return true, nil
}
