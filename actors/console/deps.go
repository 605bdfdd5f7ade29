package console

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/actors/replica"
	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/supervisors"
)

// Deps is what the console serves its commands from. Every field but Node
// may be nil: the commands that need it then answer that it is not
// available on this node (status 1). All of them must be safe for
// concurrent use: commands run concurrently.
type Deps struct {
	// Node is the node the console runs on. Required. NewNodeView adapts a
	// *runtime.Node.
	Node NodeView
	// Release and Version name what the node runs; Commit is the build's
	// commit.
	Release string
	Version string
	Commit  string
	// Config is the node's configuration as loaded at start.
	Config *config.Config
	// Level is the level of the node's logger; `log level` and `config set
	// log.level` change it.
	Level *slog.LevelVar
	// Store is the node's record store.
	Store Store
	// Metrics gathers the node's Prometheus registry.
	Metrics prometheus.Gatherer
	// Users administers snarl's users.
	Users Users
	// Hypervisors lists sniffle's hypervisors.
	Hypervisors Hypervisors
	// Cluster is the node's membership and replication (ring, members,
	// cluster join|leave|status); nil on a node without the ring.
	Cluster Cluster
	// VMs frees VMs without their hypervisor (vms force-delete).
	VMs VMs
	// Upgrades pushes chunter releases to hypervisors.
	Upgrades HypervisorUpgrades
	// Releases is the node's own releases root and live installs (release
	// status, release install).
	Releases NodeReleases
	// Logger receives one line per command (its name, never its
	// arguments: they may hold passwords). Default: discarded.
	Logger *slog.Logger
	// Now is the clock (hypervisors' last-seen ages). Default time.Now.
	Now func() time.Time
}

// NodeView is the running node as the console sees it.
type NodeView interface {
	// Name is the node's name.
	Name() string
	// Uptime is how long the node has been running.
	Uptime() time.Duration
	// Applications lists the running applications.
	Applications() []supervisors.AppInfo
	// Processes lists the node's processes.
	Processes() []runtime.ProcessInfo
	// Peers lists the connected nodes.
	Peers() []string
	// Trace records what the actor registered as name receives for d (or
	// until ctx ends), keeping at most max events; it reports how many
	// more were dropped.
	Trace(ctx context.Context, name string, d time.Duration, max int) ([]runtime.TraceEvent, int64, error)
}

// Store is the node's record store; *storage.DB implements it.
type Store interface {
	// Partitions is the store's partition count.
	Partitions() int
	// Stats returns the engine's figures.
	Stats() (storage.Stats, error)
	// Quarantined lists the quarantined records.
	Quarantined() ([]storage.QuarantineEntry, error)
	// PartitionStats counts what partition p holds (a scan).
	PartitionStats(p int) (storage.PartitionStats, error)
}

// Cluster is the node's membership and replication; *replica.Cluster
// implements it.
type Cluster interface {
	// Status is the node's view of the cluster.
	Status(ctx context.Context) (replica.Status, error)
	// Join makes the node, alone, join the cluster of seed; force drops
	// records it holds beyond its first start's.
	Join(ctx context.Context, seed string, force bool) error
	// Leave makes the node leave its cluster.
	Leave(ctx context.Context) error
}

// User is a user as `users list` shows it.
type User struct {
	ID   string `json:"uuid"`
	Name string `json:"name"`
}

// Users administers snarl's users (the original's snarl-admin). A user is
// named by its name or its UUID.
type Users interface {
	// List lists every user.
	List(ctx context.Context) ([]User, error)
	// Add creates a user and returns its UUID.
	Add(ctx context.Context, name, password string) (string, error)
	// SetPassword sets a user's password.
	SetPassword(ctx context.Context, user, password string) error
	// Grant grants a user a permission.
	Grant(ctx context.Context, user string, p perm.Permission) error
}

// Hypervisor is a hypervisor as `hypervisors list` shows it.
type Hypervisor struct {
	ID       string    `json:"uuid"`
	Alias    string    `json:"alias"`
	Host     string    `json:"host"`
	Port     int64     `json:"port"`
	Version  string    `json:"version"`
	LastSeen time.Time `json:"last_seen"`
}

// Hypervisors lists sniffle's hypervisors (the original's sniffle-admin).
type Hypervisors interface {
	// List lists every hypervisor.
	List(ctx context.Context) ([]Hypervisor, error)
}

// VM is a VM as `vms force-delete` judges it.
type VM struct {
	ID         string `json:"uuid"`
	Alias      string `json:"alias"`
	State      string `json:"state"`
	Hypervisor string `json:"hypervisor"`
	// Creating is the phase of the VM's create under way ("": none).
	Creating string `json:"creating,omitempty"`
	// Deleting: a delete is under way, waiting for the VM's host.
	Deleting bool `json:"deleting"`
	// UnconfirmedHost is the hypervisor that may hold a copy of a VM that
	// failed waiting for it ("": none).
	UnconfirmedHost string `json:"unconfirmed_host,omitempty"`
}

// VMs frees VMs bound to a hypervisor that will not come back
// (sniffle's vms.Service.ForceDelete).
type VMs interface {
	// Get returns a VM.
	Get(ctx context.Context, id string) (VM, error)
	// ForceDelete removes a VM, its addresses and grants without asking
	// its hypervisor; it refuses a VM being created.
	ForceDelete(ctx context.Context, id string) error
}
