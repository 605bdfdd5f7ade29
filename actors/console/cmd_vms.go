package console

import (
	"context"
	"fmt"
)

// forceDeleteUsage is the synopsis of vms force-delete's arguments.
const forceDeleteUsage = "<uuid> [--yes]"

func vmCommands() []command {
	return []command{
		{path: []string{"vms", "force-delete"}, args: forceDeleteUsage, min: 1, max: 2,
			help: "free a VM whose hypervisor will not come back, without asking it", run: runVMsForceDelete},
	}
}

// runVMsForceDelete frees a VM without its host (vms.Service.ForceDelete).
// It mirrors ForceDelete's preconditions: a VM being created (awaiting
// its host included) is refused, as ForceDelete refuses it; a VM that
// failed, or whose delete waits for its host, is what the command is for;
// any other VM (running on a host, say) needs --yes, because should its
// host come back with it, the copy is left there unknown to sniffle.
func runVMsForceDelete(ctx context.Context, s *Shell, args []string) (result, error) {
	id, yes, err := parseForceDelete(args)
	if err != nil {
		return result{}, err
	}
	if err := need(s.deps.VMs != nil, "vms (sniffle does not run here)"); err != nil {
		return result{}, err
	}
	vm, err := s.deps.VMs.Get(ctx, id)
	if err != nil {
		return result{}, fmt.Errorf("vms force-delete %s: %w", id, err)
	}
	if vm.Creating != "" {
		return result{}, fmt.Errorf("vms force-delete %s: the VM is being created (phase %s); "+
			"a VM awaiting its host fails after the host wait, force-delete it then", id, vm.Creating)
	}
	if !stranded(vm) && !yes {
		return result{}, fmt.Errorf("vms force-delete %s: the VM is %s on hypervisor %s, not failed nor deleting; "+
			"force-delete does not ask its host, which keeps any copy unknown to sniffle: "+
			"use --yes only if that host is gone for good", id, dash(vm.State), dash(vm.Hypervisor))
	}
	if err := s.deps.VMs.ForceDelete(ctx, id); err != nil {
		return result{}, fmt.Errorf("vms force-delete %s: %w", id, err)
	}
	text := fmt.Sprintf("VM %s force-deleted: its addresses, grants and record are gone; hypervisor %s was not asked",
		id, dash(vm.Hypervisor))
	return result{text: text, data: vm}, nil
}

// stranded reports whether vm is what force-delete is for: it failed
// (waiting for its host, or otherwise), or its delete waits for its host.
func stranded(vm VM) bool {
	return vm.State == "failed" || vm.Deleting || vm.UnconfirmedHost != ""
}

// parseForceDelete parses vms force-delete's arguments.
func parseForceDelete(args []string) (id string, yes bool, err error) {
	for _, a := range args {
		switch {
		case a == "--yes" || a == "-y":
			yes = true
		case id == "" && len(a) > 0 && a[0] != '-':
			id = a
		default:
			return "", false, usagef("vms force-delete: unexpected %q\nusage: vms force-delete %s", a, forceDeleteUsage)
		}
	}
	if id == "" {
		return "", false, usagef("usage: vms force-delete %s", forceDeleteUsage)
	}
	return id, yes, nil
}
