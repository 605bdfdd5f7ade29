package config

import "time"

// Config is the whole configuration of one node. The zero value is not
// useful; start from Default or Load.
type Config struct {
	// Node identifies the node and where it keeps its data.
	Node Node
	// HTTP is the node's HTTP listener (REST API and ops endpoints).
	HTTP HTTP
	// Dist is ergo's node-to-node distribution.
	Dist Dist
	// Log sets up the node's log/slog output.
	Log Log
	// Store sizes the replicated record store.
	Store Store
	// Shutdown bounds a graceful stop.
	Shutdown Shutdown
	// Snarl configures identity and access.
	Snarl Snarl
	// Sniffle tunes VM creates.
	Sniffle Sniffle
	// Sim configures the simulated hypervisors of the all-in-one release.
	Sim Sim
}

// Node is the [node] table.
type Node struct {
	// Name is the ergo node name, "short@host". TOML node.name, env
	// FIFO_NODE_NAME, default "fifo@localhost".
	Name string
	// DataDir holds every file the node writes. TOML node.data_dir, env
	// FIFO_DATA_DIR, default "./data".
	DataDir string
	// Release names the release (the set of applications) the node runs.
	// TOML node.release, env FIFO_RELEASE, default "all-in-one".
	Release string
}

// HTTP is the [http] table.
type HTTP struct {
	// Addr is the host:port the HTTP server listens on; port 0 picks a free
	// port. TOML http.addr, env FIFO_HTTP_ADDR, default "127.0.0.1:8080".
	Addr string
}

// Dist is the [dist] table.
type Dist struct {
	// ListenHost is the interface ergo distribution listens on. TOML
	// dist.listen_host, env FIFO_DIST_HOST, default "127.0.0.1".
	ListenHost string
	// ListenPort is ergo's distribution port, 1..65535. TOML
	// dist.listen_port, env FIFO_DIST_PORT, default 4370.
	ListenPort int
	// EPMDPort is the port of the node registrar (EPMD), 1..65535, distinct
	// from ListenPort. TOML dist.epmd_port, env FIFO_EPMD_PORT, default 4369.
	EPMDPort int
	// Routes send the node's connections to the named peers to fixed
	// addresses instead of those the registrar knows (peers outside the
	// registrar's reach, or proxies in cluster tests). TOML dist.routes as
	// an array of "name=host:port" strings, env FIFO_DIST_ROUTES as
	// "name=host:port,name=host:port", default none.
	Routes []Route
}

// Log is the [log] table.
type Log struct {
	// Level is the minimum level logged: "debug", "info", "warn" or "error".
	// TOML log.level, env FIFO_LOG_LEVEL, default "info".
	Level string
	// Format is the log encoding: "text" or "json". TOML log.format, env
	// FIFO_LOG_FORMAT, default "text".
	Format string
}

// Store is the [store] table.
type Store struct {
	// Partitions is the number of ring partitions, 1..4096. It is fixed when
	// a cluster is created. TOML store.partitions, env FIFO_PARTITIONS,
	// default 64.
	Partitions int
	// NVal is the replica count of every record (the preference list's
	// length), capped by the cluster's members, 1..9. TOML store.n_val,
	// env FIFO_N_VAL, default 3.
	NVal int
	// R is the read quorum: a read answers after R replicas did, 1..n_val.
	// TOML store.r, env FIFO_R, default 2.
	R int
	// W is the write quorum: a write is acknowledged after W replicas
	// stored it durably, 1..n_val. TOML store.w, env FIFO_W, default 2.
	W int
	// AAEInterval is the pause between two anti-entropy exchanges of a
	// node (each compares one partition with one other replica),
	// 1ms..1h. TOML store.aae_interval as a Go duration, env
	// FIFO_AAE_INTERVAL, default 1s.
	AAEInterval time.Duration
	// HandoffInterval is the pause between two rounds of partition
	// handoffs (transfers to new owners, repatriation), 1ms..1h. TOML
	// store.handoff_interval as a Go duration, env
	// FIFO_HANDOFF_INTERVAL, default 5s.
	HandoffInterval time.Duration
}

// Shutdown is the [shutdown] table.
type Shutdown struct {
	// Timeout bounds a graceful stop before the node gives up waiting; it
	// must be positive. TOML shutdown.timeout as a Go duration string such as
	// "10s", env FIFO_SHUTDOWN_TIMEOUT, default 10s.
	Timeout time.Duration
}

// Snarl is the [snarl] table.
type Snarl struct {
	// AdminPassword is the password the first start gives user "admin";
	// empty generates one, printed once and written to
	// <data_dir>/admin-password (mode 0600). TOML snarl.admin_password,
	// env FIFO_ADMIN_PASSWORD, default empty.
	AdminPassword string
}

// Sniffle is the [sniffle] table.
type Sniffle struct {
	// CreateRetries bounds the placement attempts of one VM create, 1..100
	// (fifo's create_max_retries). TOML sniffle.create_retries, env
	// FIFO_CREATE_RETRIES, default 5.
	CreateRetries int
	// CreateRetryDelay is the pause between two attempts, 1ms..10m. TOML
	// sniffle.create_retry_delay as a Go duration, env
	// FIFO_CREATE_RETRY_DELAY, default 5s.
	CreateRetryDelay time.Duration
}

// Sim is the [sim] table.
type Sim struct {
	// Hypervisors is how many simulated hypervisors the all-in-one
	// release runs in the node, 0..100. TOML sim.hypervisors, env
	// FIFO_SIM_HYPERVISORS, default 1.
	Hypervisors int
	// MemoryMB is each simulated hypervisor's memory. TOML
	// sim.memory_mb, env FIFO_SIM_MEMORY_MB, default 65536.
	MemoryMB int
}

// Default returns the configuration a node runs with when neither a file nor
// the environment says otherwise.
func Default() Config {
	return Config{
		Node: Node{
			Name:    "fifo@localhost",
			DataDir: "./data",
			Release: "all-in-one",
		},
		HTTP: HTTP{Addr: "127.0.0.1:8080"},
		Dist: Dist{
			ListenHost: "127.0.0.1",
			ListenPort: 4370,
			EPMDPort:   4369,
		},
		Log:      Log{Level: "info", Format: "text"},
		Store:    Store{Partitions: 64, NVal: 3, R: 2, W: 2, AAEInterval: time.Second, HandoffInterval: 5 * time.Second},
		Shutdown: Shutdown{Timeout: 10 * time.Second},
		Sniffle:  Sniffle{CreateRetries: 5, CreateRetryDelay: 5 * time.Second},
		Sim:      Sim{Hypervisors: 1, MemoryMB: 65536},
	}
}
