// Package releases defines what a node runs and how it runs it: a release
// is a named set of applications (the all-in-one release runs every
// control-plane application on one node), and Run takes a node from a
// validated configuration to serving, and back down on shutdown.
//
// Run's order is chosen so that a bad configuration writes nothing: the
// configuration, the data directory and both listening ports are checked
// (the HTTP port is bound and kept) before the data directory, the cookie
// or the database is created. Such failures are *ConfigError, which the
// CLI turns into exit code 2.
package releases
