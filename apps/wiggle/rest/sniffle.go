package rest

import (
	"context"
	"fmt"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
)

// CreateFunc registers a VM and starts its create flow
// (sniffle.Service.Create; sniffle.ErrNotRunning should be wrapped as
// ErrUnavailable).
type CreateFunc func(ctx context.Context, creator string, req vms.CreateRequest, advanced bool) (string, error)

// Importer imports a dataset from a manifest URL (images.Importer).
type Importer interface {
	Import(ctx context.Context, manifestURL string) (string, error)
}

// sniffleCloud is the Cloud over sniffle's services: the non-VM service
// (embedded: its methods are Cloud's), the VM flows, the create runner
// and the image importer.
type sniffleCloud struct {
	*cloud.Service
	vms    *vms.Service
	create CreateFunc
	images Importer
}

// NewCloud returns the Cloud over sniffle's services: v runs the VM
// operations and its Cloud() every other collection, create starts VM
// creates, images imports datasets (nil: ImportDataset is
// ErrNotSupported).
func NewCloud(v *vms.Service, create CreateFunc, images Importer) Cloud {
	return &sniffleCloud{Service: v.Cloud(), vms: v, create: create, images: images}
}

// ImportDataset implements Cloud.
func (s *sniffleCloud) ImportDataset(ctx context.Context, manifestURL string) (string, error) {
	if s.images == nil {
		return "", fmt.Errorf("dataset import: no importer: %w", ErrNotSupported)
	}
	return s.images.Import(ctx, manifestURL)
}

// CreateVM implements Cloud.
func (s *sniffleCloud) CreateVM(ctx context.Context, creator string, req vms.CreateRequest, advanced bool) (string, error) {
	return s.create(ctx, creator, req, advanced)
}

// DryRun implements Cloud.
func (s *sniffleCloud) DryRun(ctx context.Context, creator string, req vms.CreateRequest, advanced bool) error {
	return s.vms.DryRun(ctx, creator, req, advanced)
}

// VMAction implements Cloud.
func (s *sniffleCloud) VMAction(ctx context.Context, id, action string, force bool) error {
	return s.vms.Action(ctx, id, action, force)
}

// DeleteVM implements Cloud.
func (s *sniffleCloud) DeleteVM(ctx context.Context, id string) error { return s.vms.Delete(ctx, id) }

// Snapshot implements Cloud.
func (s *sniffleCloud) Snapshot(ctx context.Context, id, comment string) (string, error) {
	return s.vms.Snapshot(ctx, id, comment)
}

// DeleteSnapshot implements Cloud.
func (s *sniffleCloud) DeleteSnapshot(ctx context.Context, id, snap string) error {
	return s.vms.DeleteSnapshot(ctx, id, snap)
}

// Rollback implements Cloud.
func (s *sniffleCloud) Rollback(ctx context.Context, id, snap string) error {
	return s.vms.Rollback(ctx, id, snap)
}

// Resize implements Cloud.
func (s *sniffleCloud) Resize(ctx context.Context, id, pkg string) error {
	return s.vms.Resize(ctx, id, pkg)
}

// UpdateVMConfig implements Cloud.
func (s *sniffleCloud) UpdateVMConfig(ctx context.Context, id string, u vms.ConfigUpdate) error {
	return s.vms.UpdateConfig(ctx, id, u)
}

// SetVMOwner implements Cloud.
func (s *sniffleCloud) SetVMOwner(ctx context.Context, id, org string) error {
	return s.vms.SetOwner(ctx, id, org)
}

// AddNIC implements Cloud.
func (s *sniffleCloud) AddNIC(ctx context.Context, id, network string) (string, error) {
	return s.vms.AddNIC(ctx, id, network)
}

// SetPrimaryNIC implements Cloud.
func (s *sniffleCloud) SetPrimaryNIC(ctx context.Context, id, mac string) error {
	return s.vms.SetPrimaryNIC(ctx, id, mac)
}

// RemoveNIC implements Cloud.
func (s *sniffleCloud) RemoveNIC(ctx context.Context, id, mac string) error {
	return s.vms.RemoveNIC(ctx, id, mac)
}

var _ Cloud = (*sniffleCloud)(nil)
