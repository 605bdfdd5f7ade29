// Package systest runs the real binaries for system tests: it builds
// bin/fifo and bin/chunter once per test binary, starts control nodes and
// agents as processes on loopback with private ports and temporary data
// directories, kills and restarts them, and talks to the nodes the way a
// client does (REST with a bearer token, the howl websocket).
//
// Processes are stopped when the test that started them ends. Nothing here
// waits by sleeping alone: every wait polls a condition with a deadline.
package systest
