package vms

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/vmadm/spec"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// ConfigUpdate is a change to a VM's configuration (PUT /vms/:id/config,
// the parts of FiFo's vm_update_config an agent applies without a NIC or
// package change); nil fields stay as they are.
type ConfigUpdate struct {
	Alias     *string  `json:"alias,omitempty"`
	Hostname  *string  `json:"hostname,omitempty"`
	Resolvers []string `json:"resolvers,omitempty"`
	Autoboot  *bool    `json:"autoboot,omitempty"`
	MaxSwap   *int64   `json:"max_swap,omitempty"`
	// SetRoutes adds or replaces routes: destination (CIDR or address) →
	// gateway (an address or "nics[N]").
	SetRoutes map[string]string `json:"set_routes,omitempty"`
	// RemoveRoutes removes routes by destination.
	RemoveRoutes []string `json:"remove_routes,omitempty"`
	// SSHKeys replace root_authorized_keys.
	SSHKeys []string `json:"ssh_keys,omitempty"`
	// Metadata is merged into the customer metadata.
	Metadata map[string]any `json:"metadata,omitempty"`
}

// Validate checks the update's shape.
func (u ConfigUpdate) Validate() error {
	if u.Alias != nil && (*u.Alias == "" || len(*u.Alias) > 255) {
		return fmt.Errorf("vm config: alias 1..255 bytes: %w", cloud.ErrInvalid)
	}
	if u.MaxSwap != nil && *u.MaxSwap < 256 {
		return fmt.Errorf("vm config: max_swap %d MB, at least 256: %w", *u.MaxSwap, cloud.ErrInvalid)
	}
	for k, v := range u.SetRoutes {
		if k == "" || v == "" {
			return fmt.Errorf("vm config: route %q → %q: %w", k, v, cloud.ErrInvalid)
		}
	}
	return nil
}

// UpdateConfig applies u to a VM on its hypervisor, then to the VM's
// record (alias, config), and publishes an update event.
func (s *Service) UpdateConfig(ctx context.Context, id string, u ConfigUpdate) error {
	if err := u.Validate(); err != nil {
		return err
	}
	vm, err := s.placed(ctx, id)
	if err != nil {
		return err
	}
	upd, err := spec.ToUpdate(s.driverVM(ctx, vm), nil, spec.UpdateConfig{Alias: u.Alias, Hostname: u.Hostname,
		Autoboot: u.Autoboot, Resolvers: u.Resolvers, MaxSwap: u.MaxSwap, SSHKeys: u.SSHKeys, Metadata: u.Metadata,
		SetRoutes: u.SetRoutes, RemoveRoutes: u.RemoveRoutes}, spec.Host{})
	if err != nil {
		return fmt.Errorf("vm %s config: %w: %w", id, cloud.ErrInvalid, err)
	}
	if err := s.agents.Update(ctx, vm.Hypervisor, id, upd); err != nil {
		return agentErr(err, "vm config")
	}
	changes := configChanges(vm, u)
	if u.Alias != nil {
		if err := s.set(ctx, id, map[string]any{"alias": *u.Alias}); err != nil {
			return err
		}
	}
	if err := s.setConfig(ctx, id, changes); err != nil {
		return err
	}
	s.events.Publish(id, "update", map[string]any{"config": changes})
	s.log(ctx, id, "configuration updated")
	return nil
}

// configChanges are the config entries u changes, in the record's
// shapes.
func configChanges(vm record.VM, u ConfigUpdate) map[string]any {
	out := map[string]any{}
	if u.Alias != nil {
		out["alias"] = *u.Alias
	}
	if u.Hostname != nil {
		out["hostname"] = *u.Hostname
	}
	if u.Resolvers != nil {
		out["resolvers"] = toAnySlice(u.Resolvers)
	}
	if u.Autoboot != nil {
		out["autoboot"] = *u.Autoboot
	}
	if u.MaxSwap != nil {
		out["max_swap"] = *u.MaxSwap
	}
	if u.SSHKeys != nil {
		out["ssh_keys"] = toAnySlice(u.SSHKeys)
	}
	if len(u.SetRoutes) > 0 || len(u.RemoveRoutes) > 0 {
		out["routes"] = editRoutes(vm.Config["routes"], u.SetRoutes, u.RemoveRoutes)
	}
	if len(u.Metadata) > 0 {
		md, _ := vm.Config["metadata"].(map[string]any)
		merged := maps.Clone(md)
		if merged == nil {
			merged = map[string]any{}
		}
		maps.Copy(merged, jsonToRecord(u.Metadata).(map[string]any))
		out["metadata"] = merged
	}
	return out
}

// editRoutes applies set and remove to a config's routes, a list of
// one-entry maps (FiFo's [{"10.0.0.0/8": "10.1.1.1"}]), sorted by
// destination.
func editRoutes(old any, set map[string]string, remove []string) []any {
	routes := map[string]any{}
	list, _ := old.([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			maps.Copy(routes, m)
		}
	}
	for k, v := range set {
		routes[k] = v
	}
	for _, k := range remove {
		delete(routes, k)
	}
	out := make([]any, 0, len(routes))
	for _, k := range slices.Sorted(maps.Keys(routes)) {
		out = append(out, map[string]any{k: routes[k]})
	}
	return out
}

func toAnySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// setConfig writes entries of a VM's config map.
func (s *Service) setConfig(ctx context.Context, id string, entries map[string]any) error {
	return s.setMapEntries(ctx, id, "config", entries)
}

// driverVM is what the update builder needs to know of a VM: its uuid
// and brand (a hardware VM's added NICs get a model).
func (s *Service) driverVM(ctx context.Context, vm record.VM) driver.VM {
	brand := "joyent"
	if ds, err := s.cloud.Dataset(ctx, vm.Dataset); err == nil {
		switch {
		case ds.DatasetType == "kvm" || ds.DatasetType == "bhyve":
			brand = ds.DatasetType
		case ds.ZoneType == "lx" || ds.ZoneType == "docker":
			brand = "lx"
		}
	}
	return driver.VM{Spec: driver.Spec{UUID: vm.UUID, Brand: brand}}
}

// SetOwner moves a VM to another org (PUT /vms/:id/owner): the agent
// learns the new owner_uuid, the accounting moves (destroy in the old
// org, create in the new one) and the new org's vm_create triggers run.
// An unknown org is ErrNotFound.
func (s *Service) SetOwner(ctx context.Context, id, org string) error {
	vm, err := s.vm(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.id.OrgResources(ctx, org); err != nil {
		return fmt.Errorf("org %s: %w", org, err)
	}
	if vm.Owner == org {
		return nil
	}
	if _, err := s.placed(ctx, id); err == nil {
		if err := s.agents.Update(ctx, vm.Hypervisor, id, driver.UpdateSpec{OwnerUUID: &org}); err != nil {
			return agentErr(err, "vm owner")
		}
	}
	if err := s.set(ctx, id, map[string]any{"owner": org}); err != nil {
		return err
	}
	now := s.now().UnixMicro()
	if vm.Owner != "" {
		err := s.id.AddAccounting(ctx, vm.Owner, identity.AccountingEntry{Timestamp: now, Action: "destroy", Resource: id})
		if err != nil && !errors.Is(err, cloud.ErrNotFound) {
			return fmt.Errorf("vm %s: accounting: %w", id, err)
		}
	}
	err = s.id.AddAccounting(ctx, org, identity.AccountingEntry{Timestamp: now, Action: "create", Resource: id,
		Metadata: map[string]any{"user": vm.CreatedBy, "package": vm.Package, "dataset": vm.Dataset}})
	if err != nil {
		return fmt.Errorf("vm %s: accounting: %w", id, err)
	}
	if err := s.id.RunTriggers(ctx, org, identity.EventVMCreate, id); err != nil {
		return fmt.Errorf("vm %s: org %s triggers: %w", id, org, err)
	}
	s.events.Publish(id, "update", map[string]any{"owner": org})
	s.log(ctx, id, "owner changed to "+org)
	return nil
}
