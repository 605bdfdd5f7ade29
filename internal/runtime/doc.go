// Package runtime is the project's only door to the ergo actor framework
// (github.com/ergo-services/ergo v1.999.224, frozen upstream). Everything else
// builds actors, applications and calls through it, so every sharp edge of
// that version is handled once, here, with a test that pins the workaround:
//
//   - Nodes start with safe options (Start): one DIST handler per connection
//     so messages between two nodes keep their order, DIST handshake v6 (OTP
//     25 interop), anonymous phone-home metrics off, explicit listen and
//     registrar ports (never the shared 4369 unless configured), and a cookie
//     kept 0600 in the node's data directory (LoadOrCreateCookie).
//   - Actors (Actor, Spec) are plain Go values built afresh by a factory on
//     every (re)start; their Init cannot fail, a panic in any handler answers
//     the pending caller with ErrActorPanic before the actor stops, and a stop
//     answers every deferred request with ErrStopped.
//   - Calls from plain Go (Node.Call) use ergo's Direct path with a timeout and
//     always come back: with the reply, the handler's error, ErrActorPanic,
//     ErrStopped, ErrNoProc or ErrTimeout. Calls between actors are
//     asynchronous (Process.Request) and monitored, so a dead or unreachable
//     callee becomes an error reply instead of a hung caller.
//   - Messages that cross nodes are registered under versioned names
//     (RegisterMessage) and checked before they leave (CheckWire): a bare
//     empty slice, which wedges an ergo connection forever, is refused.
//   - Mailboxes are sized per actor; every message ergo drops because a
//     mailbox is full is counted (Metrics), including the drops ergo only
//     reports as log lines, which the log bridge (BridgeLogs) turns into slog
//     records.
//   - Client nodes (Options.Hidden, for the console) register nowhere and
//     are found by no one; Connect tells a refused handshake (ErrHandshake:
//     a wrong cookie) from a node that is not there (ErrUnreachable).
//   - Static routes (Options.Routes, SetRoute) send a peer's connections
//     to an address of our choosing ahead of the registrar; cluster tests
//     put a proxy they can cut between every pair of nodes this way
//     (internal/netfault, TestPartitionReset, TestPartitionBlackHole).
//   - Operators can list a node's processes (Processes) and trace what an
//     actor receives (Trace: types and timing, never contents), which
//     ergo itself cannot.
//
// Known data races inside ergo make `go test -race` fail for tests that stop
// applications or run several nodes in one process; this package's tests run
// without -race (see the Makefile).
package runtime
