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
//
// A node keeps its listening sockets (HTTP and the control socket,
// package handoff) for its whole life and runs its services as a stack on
// duplicates of them: the store, the ergo node, the applications and the
// HTTP server (stack.go). A live upgrade asked on the control socket
// (upgrade.go) drains and stops the stack without closing the sockets,
// hands them to the new binary and exits once it serves; if the new
// binary fails, the node starts a new stack on the same sockets. A process
// started by such an upgrade gets the sockets from Hooks.Inherited, waits
// for the old one to release the store and the node name, and takes over.
package releases
