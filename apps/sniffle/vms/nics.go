package vms

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// A VM's interfaces live in its config's "networks" list (one map per
// NIC: interface, ip, netmask, gateway, nic_tag, network_uuid, primary,
// vlan_id, and mac when sniffle chose it). NICs added here get a MAC
// sniffle makes (locally administered), so they can be addressed later;
// the MACs of a create's NICs are chosen by the hypervisor and not known
// to sniffle, so those NICs cannot be changed or removed by MAC.

// AddNIC adds an interface on network to a stopped VM (POST
// /vms/:id/nics): it leases an address from a range of the network whose
// nic tag the VM's hypervisor has and hands the NIC to the agent. A VM
// that is not stopped is ErrState (412). It returns the new NIC's MAC.
func (s *Service) AddNIC(ctx context.Context, id, network string) (string, error) {
	vm, err := s.placed(ctx, id)
	if err != nil {
		return "", err
	}
	if vm.State != string(driver.StateStopped) {
		return "", fmt.Errorf("add a nic to a %s vm: %w", vm.State, ErrState)
	}
	if err := s.repo.Exists(ctx, record.BucketNetwork, network); err != nil {
		return "", fmt.Errorf("network %s: %w", network, err)
	}
	hv, err := s.cloud.Hypervisor(ctx, vm.Hypervisor)
	if err != nil {
		return "", fmt.Errorf("hypervisor %s: %w", vm.Hypervisor, err)
	}
	ranges, err := s.usableRanges(ctx, network)
	if err != nil {
		return "", fmt.Errorf("network %s: %w: %w", network, cloud.ErrConflict, err)
	}
	var lease cloud.Lease
	lerr := fmt.Errorf("network %s: no range with a free address and a nic tag of the hypervisor: %w", network, cloud.ErrConflict)
	for _, r := range ranges {
		if !slices.Contains(hv.Networks, r.Tag) {
			continue
		}
		if lease, lerr = s.cloud.ClaimIP(ctx, r.UUID, id); lerr == nil {
			break
		}
	}
	if lerr != nil {
		return "", lerr
	}
	release := func() {
		if err := s.cloud.ReleaseIP(context.WithoutCancel(ctx), lease.IPRange, lease.IP, id); err != nil {
			s.logger.Warn("ip not released", "vm", id, "ip", lease.IP, "err", err)
		}
	}
	mac, err := s.newMAC()
	if err != nil {
		release()
		return "", err
	}
	nics := configNICs(vm)
	nic := driver.NIC{Interface: nextInterface(nics), MAC: mac, NICTag: lease.Tag, IP: lease.IP, Netmask: lease.Netmask,
		Gateway: lease.Gateway, VLANID: lease.VLAN, NetworkUUID: network, Primary: len(nics) == 0}
	if err := s.agents.Update(ctx, vm.Hypervisor, id, driver.UpdateSpec{AddNICs: []driver.NIC{nic}}); err != nil {
		release()
		return "", agentErr(err, "add nic")
	}
	nics = append(nics, map[string]any{"interface": nic.Interface, "mac": mac, "ip": nic.IP, "netmask": nic.Netmask,
		"gateway": nic.Gateway, "nic_tag": nic.NICTag, "network_uuid": network, "primary": nic.Primary, "vlan_id": nic.VLANID})
	if err := s.setMapEntries(ctx, id, "network_map", map[string]any{nic.IP: network}); err != nil {
		return "", err
	}
	if err := s.setMapEntries(ctx, id, "iprange_map", map[string]any{nic.IP: lease.IPRange}); err != nil {
		return "", err
	}
	if err := s.setConfig(ctx, id, map[string]any{"networks": nics}); err != nil {
		return "", err
	}
	s.events.Publish(id, "update", map[string]any{"config": map[string]any{"networks": nics}})
	s.log(ctx, id, fmt.Sprintf("nic %s (%s) added on network %s", nic.Interface, nic.IP, network))
	return mac, nil
}

// RemoveNIC removes the interface with the given MAC (DELETE
// /vms/:id/nics/:mac) and releases its address. Only NICs whose MAC
// sniffle knows can be removed; others are ErrNotFound.
func (s *Service) RemoveNIC(ctx context.Context, id, mac string) error {
	vm, err := s.placed(ctx, id)
	if err != nil {
		return err
	}
	nics := configNICs(vm)
	i := nicByMAC(nics, mac)
	if i < 0 {
		return fmt.Errorf("vm %s nic %s: %w", id, mac, cloud.ErrNotFound)
	}
	if err := s.agents.Update(ctx, vm.Hypervisor, id, driver.UpdateSpec{RemoveNICs: []string{mac}}); err != nil {
		return agentErr(err, "remove nic")
	}
	ip, _ := nics[i]["ip"].(string)
	if r, ok := vm.IPRangeMap[ip].(string); ok && ip != "" {
		if err := s.cloud.ReleaseIP(ctx, r, ip, id); err != nil {
			return fmt.Errorf("vm %s: release %s: %w", id, ip, err)
		}
	}
	for _, field := range []string{"network_map", "iprange_map", "hostname_map"} {
		if err := s.removeMapEntry(ctx, id, field, ip); err != nil {
			return err
		}
	}
	nics = slices.Delete(nics, i, i+1)
	if err := s.setConfig(ctx, id, map[string]any{"networks": nics}); err != nil {
		return err
	}
	s.events.Publish(id, "update", map[string]any{"config": map[string]any{"networks": nics}})
	s.log(ctx, id, "nic "+mac+" removed")
	return nil
}

// SetPrimaryNIC makes the interface with the given MAC the primary one
// (PUT /vms/:id/nics/:mac {"primary": true}).
func (s *Service) SetPrimaryNIC(ctx context.Context, id, mac string) error {
	vm, err := s.placed(ctx, id)
	if err != nil {
		return err
	}
	nics := configNICs(vm)
	i := nicByMAC(nics, mac)
	if i < 0 {
		return fmt.Errorf("vm %s nic %s: %w", id, mac, cloud.ErrNotFound)
	}
	err = s.agents.Update(ctx, vm.Hypervisor, id, driver.UpdateSpec{UpdateNICs: []driver.NIC{{MAC: mac, Primary: true}}})
	if err != nil {
		return agentErr(err, "primary nic")
	}
	for j := range nics {
		nics[j]["primary"] = j == i
	}
	if err := s.setConfig(ctx, id, map[string]any{"networks": nics}); err != nil {
		return err
	}
	s.events.Publish(id, "update", map[string]any{"config": map[string]any{"networks": nics}})
	return nil
}

// configNICs returns copies of the NIC maps of a VM's config.
func configNICs(vm record.VM) []map[string]any {
	list, _ := vm.Config["networks"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			c := make(map[string]any, len(m))
			for k, v := range m {
				c[k] = v
			}
			out = append(out, c)
		}
	}
	return out
}

func nicByMAC(nics []map[string]any, mac string) int {
	for i, n := range nics {
		if m, _ := n["mac"].(string); m != "" && strings.EqualFold(m, mac) {
			return i
		}
	}
	return -1
}

// nextInterface is the first netN no NIC uses.
func nextInterface(nics []map[string]any) string {
	used := map[string]bool{}
	for _, n := range nics {
		if s, ok := n["interface"].(string); ok {
			used[s] = true
		}
	}
	for i := 0; ; i++ {
		if name := fmt.Sprintf("net%d", i); !used[name] {
			return name
		}
	}
}

// newMAC makes a random, locally administered unicast MAC.
func (s *Service) newMAC() (string, error) {
	u, err := s.repo.NewID()
	if err != nil {
		return "", err
	}
	h := strings.ReplaceAll(u, "-", "")
	return fmt.Sprintf("02:%s:%s:%s:%s:%s", h[0:2], h[2:4], h[4:6], h[6:8], h[8:10]), nil
}
