// Package config reads a FiFo node's configuration.
//
// A node is configured by one TOML file plus FIFO_* environment variables.
// Load layers them over the built-in defaults, in this order:
//
//	Default()  <-  TOML file (if a path is given)  <-  FIFO_* environment
//
// Command-line flags, if any, are applied by the caller on the returned Config,
// which then calls Validate. Load itself never validates ranges or enums, so
// that a later layer can still fix an earlier one.
//
// The file layout (every key optional, see Example for the commented file and
// the Config field docs for each default):
//
//	[node]     name, data_dir, release
//	[http]     addr
//	[dist]     listen_host, listen_port, epmd_port, routes
//	[log]      level, format
//	[store]    partitions, n_val, r, w
//	[shutdown] timeout
//	[snarl]    admin_password
//	[sniffle]  create_retries, create_retry_delay
//	[sim]      hypervisors, memory_mb
//
// Contract:
//   - The package is pure: Load reads only the file it is given and the
//     environment through the lookup function it is given; there is no
//     package state. CheckDataDir inspects the file system but never writes.
//   - Keys are case-sensitive. A key the schema does not know, a value of the
//     wrong TOML type, a TOML syntax error or an environment value that does not
//     parse is an error naming the key or variable, on one line, e.g.
//     `config fifo.toml: unknown key "http.adress"`. Such errors, and those of
//     Validate, match ErrInvalid with errors.Is; a file that cannot be read
//     keeps its fs error (errors.Is(err, fs.ErrNotExist)).
//   - An environment variable that is set but empty counts as unset.
//   - Example() parses back to Default().
package config
