// Package install keeps the releases of one node under a releases root,
// laid out like Erlang's releases/<vsn>/:
//
//	<root>/RELEASES        the record: unpacked releases, current, permanent, previous
//	<root>/RELEASES.lock   taken by every command that changes anything
//	<root>/current         symlink to the current release's folder
//	<root>/<vsn>/          an unpacked release: manifest.json, SHA256SUMS, bin/, etc/, …
//	<root>/chunter/<vsn>-<os>-<arch>/  an unpacked chunter release (ChunterDir)
//
// Services run <root>/current/bin/fifo. The default root is
// "<data_dir>/../releases" (DefaultDir).
//
// # Commands
//
// Unpack verifies a tarball completely before it writes anything: gzip and
// tar well-formed, regular files and directories only at clean relative
// paths, manifest.json and SHA256SUMS present, valid and in agreement with
// every byte, the product and platform this node's, its upgrade-from floor
// met by the current release, and its version not unpacked with other
// contents. It then extracts into a staging folder, checking every file
// again as it writes, syncs, renames the folder to <vsn> and records it. A
// refused tarball leaves the root as it was.
//
// A fifo root also takes chunter releases, for any platform, outside the
// record (see ChunterDir): the agent binaries the control plane pushes to
// hypervisors, which ChunterBinary finds (also in a fifo release, which
// holds bin/chunter for its own platform).
//
// Install switches the current release: it checks the unpacked files
// against their manifest again, records the switch and points current at
// the release. The running node is not touched: it keeps running the old
// binary until it is restarted (handing its listening sockets to the new
// binary is a later step). The first release installed on a node is also
// made permanent. MakePermanent marks the current release as the one to
// return to. Rollback returns to the permanent release, or, when the
// current one is permanent, to the previous one (which becomes permanent);
// there is one step of history. List reads the record.
//
// # Crash safety and concurrency
//
// The record is rewritten through a synced temporary file renamed over it
// (and the folder synced), so a crash leaves either the old record or the
// new one, never a mix; the current link is replaced by rename too, and
// every command that takes the lock first repairs the link from the
// record, which is the source of truth. A release folder the record does
// not list (a crash between rename and record) is debris that the next
// Unpack of that version replaces. Commands that change anything hold an
// open-file-description lock (fcntl F_OFD_SETLKW) on RELEASES.lock for
// their whole run, so concurrent commands, in one process or several, run
// one after the other; List only reads the record, which is always whole.
//
// # Pure and I/O parts
//
// State is the record as a pure state machine (Install, MakePermanent,
// Rollback, AddUnpacked, Validate) and checkCandidate the pure admission
// of a manifest; Verify reads a tarball from an io.Reader without touching
// the file system. Root puts them together with files, the lock and the
// link.
package install
