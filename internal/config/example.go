package config

// Example returns a commented configuration file that sets every key to its
// default; Load parses it back to Default(). It is meant to be the default
// config file a release ships and `fifo` prints on request.
func Example() string {
	return exampleTOML
}

const exampleTOML = `# FiFo node configuration.
#
# Every key is optional; the values shown are the defaults. Each key can be
# overridden by the environment variable named beside it. Unknown keys are an
# error.

[node]
# ergo node name, short@host. Env FIFO_NODE_NAME.
name = "fifo@localhost"
# Directory holding everything the node writes. Env FIFO_DATA_DIR.
data_dir = "./data"
# Release (set of applications) to run. Env FIFO_RELEASE.
release = "all-in-one"

[http]
# host:port of the REST API and the /healthz, /readyz and /metrics endpoints;
# port 0 picks a free port. Env FIFO_HTTP_ADDR.
addr = "127.0.0.1:8080"

[dist]
# Interface ergo distribution listens on. Env FIFO_DIST_HOST.
listen_host = "127.0.0.1"
# ergo distribution port, 1..65535. Env FIFO_DIST_PORT.
listen_port = 4370
# Node registrar (EPMD) port, 1..65535. Env FIFO_EPMD_PORT.
epmd_port = 4369
# Fixed addresses of peer nodes, ahead of the registrar: "name=host:port"
# strings, e.g. ["fifo@ctl2=10.0.0.2:4370"]. Env FIFO_DIST_ROUTES
# ("name=host:port,name=host:port").
routes = []

[log]
# debug, info, warn or error. Env FIFO_LOG_LEVEL.
level = "info"
# text or json. Env FIFO_LOG_FORMAT.
format = "text"

[store]
# Number of ring partitions, 1..4096; fixed when the cluster is created.
# Env FIFO_PARTITIONS.
partitions = 64
# Replicas of every record (capped by the cluster's members), 1..9.
# Env FIFO_N_VAL.
n_val = 3
# Read quorum: a read answers once r replicas did, 1..n_val. Env FIFO_R.
r = 2
# Write quorum: a write is acknowledged once w replicas stored it durably,
# 1..n_val. Env FIFO_W.
w = 2
# Pause between two anti-entropy exchanges of this node (one partition
# compared with one other replica each), as a Go duration (1ms..1h).
# Env FIFO_AAE_INTERVAL.
aae_interval = "1s"
# Pause between two rounds of partition handoffs, as a Go duration
# (1ms..1h). Env FIFO_HANDOFF_INTERVAL.
handoff_interval = "5s"

[shutdown]
# How long a graceful stop may take, as a Go duration. Env FIFO_SHUTDOWN_TIMEOUT.
timeout = "10s"

[snarl]
# Password of user "admin", used only by the first start of an empty data
# dir; empty generates one, printed once and written to
# <data_dir>/admin-password (mode 0600). Env FIFO_ADMIN_PASSWORD.
admin_password = ""

[sniffle]
# Placement attempts of one VM create, 1..100. Env FIFO_CREATE_RETRIES.
create_retries = 5
# Pause between two attempts, as a Go duration (1ms..10m). Env FIFO_CREATE_RETRY_DELAY.
create_retry_delay = "5s"

[sim]
# Simulated hypervisors the all-in-one release runs inside the node,
# 0..100. Env FIFO_SIM_HYPERVISORS.
hypervisors = 1
# Memory of each simulated hypervisor in MB, 1024..16777216. Env FIFO_SIM_MEMORY_MB.
memory_mb = 65536
`
