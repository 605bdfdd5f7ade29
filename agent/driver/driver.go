package driver

import "context"

// Driver is a hypervisor as chunter sees it. See the package
// documentation for the contract every implementation honours.
type Driver interface {
	Prober
	Lifecycle
	Snapshotter
	Imager
	Watcher
	MemoryAdmitter
}

// Prober describes the host.
type Prober interface {
	// Sysinfo reports the host: identity, CPUs, memory, pools, networks,
	// services and the kinds of VM it can run.
	Sysinfo(ctx context.Context) (Host, error)
}

// Lifecycle creates, drives and removes VMs.
type Lifecycle interface {
	// List returns every VM on the host, sorted by uuid.
	List(ctx context.Context) ([]VM, error)
	// Get returns one VM; ErrNotFound when it does not exist.
	Get(ctx context.Context, uuid string) (VM, error)
	// Create creates the VM the spec describes and, when the spec's
	// Autoboot is set, boots it. The images it names must be installed
	// (ErrNotFound otherwise) and its memory must fit (ErrNoMemory).
	Create(ctx context.Context, spec Spec) error
	// Start boots a VM; a running VM is left alone.
	Start(ctx context.Context, uuid string) error
	// Stop shuts a VM down, or halts it at once with force; a stopped VM
	// is left alone.
	Stop(ctx context.Context, uuid string, force bool) error
	// Reboot restarts a running VM (at once with force) and starts a
	// stopped one.
	Reboot(ctx context.Context, uuid string, force bool) error
	// Delete removes a VM, stopping it first, and releases its memory.
	Delete(ctx context.Context, uuid string) error
	// Update changes a VM's configuration (resize, metadata, NICs, …).
	// Growing its memory beyond the host's capacity is ErrNoMemory and
	// changes nothing.
	Update(ctx context.Context, uuid string, u UpdateSpec) error
}

// Snapshotter manages the ZFS snapshots of a VM: of its zone dataset and,
// for hardware VMs, of every disk, taken and removed together.
type Snapshotter interface {
	// Snapshot takes snapshot name of the VM.
	Snapshot(ctx context.Context, uuid, name string) error
	// Snapshots lists the VM's snapshots, oldest first.
	Snapshots(ctx context.Context, uuid string) ([]Snapshot, error)
	// DeleteSnapshot destroys snapshot name of the VM.
	DeleteSnapshot(ctx context.Context, uuid, name string) error
	// Rollback returns a stopped VM to snapshot name, destroying the
	// snapshots taken after it.
	Rollback(ctx context.Context, uuid, name string) error
}

// Imager installs and lists images (datasets).
type Imager interface {
	// ImportImage installs an image.
	ImportImage(ctx context.Context, imp ImageImport) error
	// Images lists the installed images, sorted by uuid.
	Images(ctx context.Context) ([]Image, error)
}

// Watcher streams VM state changes.
type Watcher interface {
	// Watch returns a channel of state changes, as the package
	// documentation describes; it closes when ctx is done.
	Watch(ctx context.Context) (<-chan StateChange, error)
}

// MemoryAdmitter is the host's memory authority.
type MemoryAdmitter interface {
	// Reserve sets the memory (MB) VM vmUUID is entitled to, if the host
	// can hold it: ErrNoMemory otherwise, and nothing changes.
	Reserve(ctx context.Context, vmUUID string, ramMB int64) error
	// Release drops VM vmUUID's reservation; its configured memory still
	// counts for as long as the VM exists.
	Release(ctx context.Context, vmUUID string) error
}
