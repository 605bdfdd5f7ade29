package config

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// field binds one setting to its TOML key, its environment variable and the
// Config field it fills. The table in fields is the schema: the file decoder
// and the environment overlay both walk it.
type field struct {
	section string // TOML table, e.g. "dist"
	name    string // key inside the table, e.g. "listen_port"
	env     string // environment variable, e.g. "FIFO_DIST_PORT"
	val     value  // where the value goes
}

// key returns the dotted TOML key, e.g. "dist.listen_port".
func (f field) key() string { return f.section + "." + f.name }

// fields returns the schema bound to c. It is built afresh on each call so
// that it can point into c; there is no package-level table.
func fields(c *Config) []field {
	return []field{
		{"node", "name", "FIFO_NODE_NAME", stringValue{&c.Node.Name}},
		{"node", "data_dir", "FIFO_DATA_DIR", stringValue{&c.Node.DataDir}},
		{"node", "release", "FIFO_RELEASE", stringValue{&c.Node.Release}},
		{"http", "addr", "FIFO_HTTP_ADDR", stringValue{&c.HTTP.Addr}},
		{"dist", "listen_host", "FIFO_DIST_HOST", stringValue{&c.Dist.ListenHost}},
		{"dist", "listen_port", "FIFO_DIST_PORT", intValue{&c.Dist.ListenPort}},
		{"dist", "epmd_port", "FIFO_EPMD_PORT", intValue{&c.Dist.EPMDPort}},
		{"dist", "routes", "FIFO_DIST_ROUTES", routesValue{&c.Dist.Routes}},
		{"log", "level", "FIFO_LOG_LEVEL", stringValue{&c.Log.Level}},
		{"log", "format", "FIFO_LOG_FORMAT", stringValue{&c.Log.Format}},
		{"store", "partitions", "FIFO_PARTITIONS", intValue{&c.Store.Partitions}},
		{"store", "n_val", "FIFO_N_VAL", intValue{&c.Store.NVal}},
		{"store", "r", "FIFO_R", intValue{&c.Store.R}},
		{"store", "w", "FIFO_W", intValue{&c.Store.W}},
		{"store", "aae_interval", "FIFO_AAE_INTERVAL", durationValue{&c.Store.AAEInterval}},
		{"store", "handoff_interval", "FIFO_HANDOFF_INTERVAL", durationValue{&c.Store.HandoffInterval}},
		{"shutdown", "timeout", "FIFO_SHUTDOWN_TIMEOUT", durationValue{&c.Shutdown.Timeout}},
		{"snarl", "admin_password", "FIFO_ADMIN_PASSWORD", stringValue{&c.Snarl.AdminPassword}},
		{"sniffle", "create_retries", "FIFO_CREATE_RETRIES", intValue{&c.Sniffle.CreateRetries}},
		{"sniffle", "create_retry_delay", "FIFO_CREATE_RETRY_DELAY", durationValue{&c.Sniffle.CreateRetryDelay}},
		{"sim", "hypervisors", "FIFO_SIM_HYPERVISORS", intValue{&c.Sim.Hypervisors}},
		{"sim", "memory_mb", "FIFO_SIM_MEMORY_MB", intValue{&c.Sim.MemoryMB}},
	}
}

// errWrongType reports a decoded TOML value whose type the field cannot take.
var errWrongType = errors.New("wrong type")

// value is a typed pointer into a Config.
type value interface {
	// kind names the TOML type the field expects, for error messages.
	kind() string
	// setTOML stores a value decoded by the TOML parser, or returns
	// errWrongType when its type does not fit.
	setTOML(v any) error
	// setEnv parses and stores an environment variable's value.
	setEnv(s string) error
}

// stringValue is a string field.
type stringValue struct{ p *string }

func (v stringValue) kind() string { return "string" }

func (v stringValue) setTOML(x any) error {
	s, ok := x.(string)
	if !ok {
		return errWrongType
	}
	*v.p = s
	return nil
}

func (v stringValue) setEnv(s string) error {
	*v.p = s
	return nil
}

// intValue is an integer field; Validate checks its range.
type intValue struct{ p *int }

func (v intValue) kind() string { return "integer" }

func (v intValue) setTOML(x any) error {
	n, ok := x.(int64)
	if !ok {
		return errWrongType
	}
	if int64(int(n)) != n {
		return fmt.Errorf("%d does not fit in an int", n)
	}
	*v.p = int(n)
	return nil
}

func (v intValue) setEnv(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%q is not an integer", s)
	}
	*v.p = n
	return nil
}

// durationValue is a time.Duration field written as a Go duration string.
type durationValue struct{ p *time.Duration }

func (v durationValue) kind() string { return `duration string (e.g. "10s")` }

func (v durationValue) setTOML(x any) error {
	s, ok := x.(string)
	if !ok {
		return errWrongType
	}
	return v.setEnv(s)
}

func (v durationValue) setEnv(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration (e.g. \"10s\")", s)
	}
	*v.p = d
	return nil
}

// routesValue is a list of routes: a TOML array of "name=host:port"
// strings, or a comma-separated environment variable.
type routesValue struct{ p *[]Route }

func (v routesValue) kind() string { return `array of "name=host:port" strings` }

func (v routesValue) setTOML(x any) error {
	items, ok := x.([]any)
	if !ok {
		return errWrongType
	}
	var routes []Route
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return errWrongType
		}
		r, err := ParseRoute(s)
		if err != nil {
			return err
		}
		routes = append(routes, r)
	}
	*v.p = routes
	return nil
}

func (v routesValue) setEnv(s string) error {
	routes, err := ParseRoutes(s)
	if err != nil {
		return err
	}
	*v.p = routes
	return nil
}
