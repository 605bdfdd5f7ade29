// Package handoff hands a running node's listening sockets to a new binary
// without refusing a connection: the live upgrade of `fifo release install`
// and `rollback` (docs/releases.md). It knows nothing of ergo or of what a
// node runs; releases.Run drives it.
//
// # The order
//
// The old process (the parent) keeps one master descriptor per listening
// socket (Sockets) and serves on duplicates of it. Asked to upgrade
// (the control socket, Control), Upgrade:
//
//  1. starts the new binary with the same arguments, the masters as extra
//     files named in FIFO_HANDOFF_FDS, and one end of a private socket pair
//     (FIFO_HANDOFF_CONN) for the steps below;
//  2. waits until the child reports "waiting": its configuration is valid
//     and it holds the inherited sockets. A child that exits or does not
//     report in time is killed; the parent never stopped serving;
//  3. releases what only one process may hold (Plan.Release: drain HTTP
//     without closing the socket, stop the applications and the ergo node,
//     close the store), then sends "go";
//  4. waits until the child reports "ready" (it opened the store, started
//     its node and applications, and serves on the inherited sockets).
//     Connections that arrive between 3 and 4 wait in the kernel's accept
//     queue: none is refused. If the child fails, exits or does not report
//     in time, the parent kills it, waits for its exit, and reports that
//     its services were released so that the caller starts them again
//     (the abort path);
//  5. on "ready" the caller answers its client and exits 0.
//
// The child side is Inherit (the sockets and a Child) and Child's Await,
// Ready and Fail.
//
// # Service managers
//
// The new process is the old one's child and outlives it. Under systemd
// (Type=notify, NotifyAccess=all) Notify sends READY=1 and the new
// MAINPID; WritePIDFile keeps <data_dir>/fifo.pid naming the serving
// process for anything else.
package handoff
