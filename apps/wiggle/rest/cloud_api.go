package rest

import (
	"context"
	"errors"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/record"
)

// Errors a Cloud may return besides those of packages cloud and vms
// (Classify maps them).
var (
	// ErrUnavailable: sniffle is not running (503).
	ErrUnavailable = errors.New("rest: sniffle is not available")
	// ErrNotSupported: the operation exists in FiFo but not here (400
	// not_supported).
	ErrNotSupported = errors.New("rest: not supported")
)

// Cloud is what the cloud routes (hypervisors, VMs, datasets, packages,
// networks, IP ranges, groupings, DTrace) need of sniffle; NewCloud builds
// one over sniffle's services. Every call trusts its arguments' identity:
// the permission check happened before. Errors are those of package cloud
// (ErrNotFound 404, ErrConflict 409, ErrInvalid 400), of package vms
// (ErrState 412, ErrLocked 423) and ErrUnavailable (503), wrapped.
type Cloud interface {
	// Generic calls on every collection.
	List(ctx context.Context, k cloud.Kind) ([]string, error)
	Get(ctx context.Context, k cloud.Kind, id string) (*record.Record, error)
	SetMetadata(ctx context.Context, k cloud.Kind, id string, path []string, value any) error
	DeleteMetadata(ctx context.Context, k cloud.Kind, id string, path []string) error

	// Hypervisors.
	UnregisterHypervisor(ctx context.Context, id string) error
	SetHypervisorAlias(ctx context.Context, id, alias string) error
	SetHypervisorPath(ctx context.Context, id string, path []record.PathElem) error
	SetCharacteristic(ctx context.Context, id string, path []string, value any) error
	DeleteCharacteristic(ctx context.Context, id string, path []string) error

	// Datasets. ImportDataset fetches a manifest, creates its dataset
	// (pending) and downloads the file in the background; it returns the
	// dataset's uuid.
	CreateDataset(ctx context.Context, m cloud.Manifest) error
	ImportDataset(ctx context.Context, manifestURL string) (string, error)
	DeleteDataset(ctx context.Context, id string) error
	SetDatasetNetwork(ctx context.Context, id, nic, desc string) error
	DeleteDatasetNetwork(ctx context.Context, id, nic string) error

	// Packages.
	CreatePackage(ctx context.Context, p cloud.PackageSpec) (string, error)
	DeletePackage(ctx context.Context, id string) error

	// Networks.
	CreateNetwork(ctx context.Context, name string) (string, error)
	DeleteNetwork(ctx context.Context, id string) error
	AddNetworkIPRange(ctx context.Context, network, iprange string) error
	RemoveNetworkIPRange(ctx context.Context, network, iprange string) error

	// IP ranges. ReleaseIP with holder "" releases whoever holds ip.
	CreateIPRange(ctx context.Context, p cloud.IPRangeSpec) (string, error)
	DeleteIPRange(ctx context.Context, id string) error
	ClaimIP(ctx context.Context, rangeID, holder string) (cloud.Lease, error)
	ReleaseIP(ctx context.Context, rangeID, ip, holder string) error

	// Groupings.
	CreateGrouping(ctx context.Context, name, typ string) (string, error)
	DeleteGrouping(ctx context.Context, id string) error
	AddGroupingElement(ctx context.Context, id, element string) error
	RemoveGroupingElement(ctx context.Context, id, element string) error
	AddGroupingParent(ctx context.Context, id, parent string) error
	RemoveGroupingParent(ctx context.Context, id, parent string) error
	SetGroupingConfig(ctx context.Context, id string, path []string, value any) error
	DeleteGroupingConfig(ctx context.Context, id string, path []string) error

	// DTrace scripts.
	CreateDTrace(ctx context.Context, name, script string, config map[string]any) (string, error)
	UpdateDTrace(ctx context.Context, id, script string, config map[string]any) error
	DeleteDTrace(ctx context.Context, id string) error

	// VMs. CreateVM registers the VM (state pooled, the creator's grants
	// in place) and starts its create; it returns the VM's uuid.
	CreateVM(ctx context.Context, creator string, req vms.CreateRequest, advanced bool) (string, error)
	DryRun(ctx context.Context, creator string, req vms.CreateRequest, advanced bool) error
	VMAction(ctx context.Context, id, action string, force bool) error
	DeleteVM(ctx context.Context, id string) error
	Snapshot(ctx context.Context, id, comment string) (string, error)
	DeleteSnapshot(ctx context.Context, id, snap string) error
	Rollback(ctx context.Context, id, snap string) error
	Resize(ctx context.Context, id, pkg string) error
	UpdateVMConfig(ctx context.Context, id string, u vms.ConfigUpdate) error
	SetVMOwner(ctx context.Context, id, org string) error
	AddNIC(ctx context.Context, id, network string) (string, error)
	SetPrimaryNIC(ctx context.Context, id, mac string) error
	RemoveNIC(ctx context.Context, id, mac string) error
}
