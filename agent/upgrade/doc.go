// Package upgrade is how chunter, the hypervisor agent, takes a new binary
// of itself from the control plane and switches to it without touching
// the host's VMs (docs/releases.md, "Pushing chunter to hypervisors"). It
// imports no ergo: the agent (package chunter) and the control plane's
// client (package client) carry its chunks over the protocol (package
// proto), so its logic is tested with -race.
//
// # The agent's releases folder
//
//	<dir>/<version>/bin/chunter               a received binary, verified, 0755
//	<dir>/<version>/bin/.chunter-<sha>.part   a binary being received
//	<dir>/current -> <version>                what the service runs (SMF: <dir>/current/bin/chunter)
//	<dir>/upgrade.json                        the switch on trial (Trial)
//	<dir>/last-upgrade.json                   how the last switch ended (Outcome)
//
// The folder is the agent's releases root, "releases" beside its data
// directory by default (/opt/chunter/releases for /opt/chunter/data), the
// same layout the SMF manifest and a hand-unpacked chunter tarball use.
//
// # Receiving (Store)
//
// A transfer is stateless on the wire: every chunk names the binary
// (version, size, SHA-256) and its offset, and every answer names the
// offset the agent wants next. Store.Chunk appends a chunk that starts
// where the partial file ends, acknowledges one it already has (a
// retransmission after a lost reply), answers the offset it has for one
// beyond it (a lost chunk), and refuses one whose data does not match its
// own SHA-256 — the sender then sends from the answered offset again. So
// any chunk or answer may be lost, repeated or reordered; the partial file
// survives a restart of the agent and the transfer resumes from it. When
// the last byte is in, the file is synced and hashed from disk: a
// mismatch with the announced SHA-256 deletes it and is ErrChecksum; a
// match makes it <version>/bin/chunter, mode 0755.
//
// # Sending (Send)
//
// Send drives a transfer from an io.ReaderAt through two functions (begin
// and chunk, the caller's calls to the agent), resending from the offset
// the agent answers after a refusal or a lost call, and giving up after
// Retries attempts in a row without progress.
//
// # Switching (Trial)
//
// Before the agent executes a new binary it records the switch as a trial
// (upgrade.json: from which version and binary, to which). The new binary
// finds the trial naming its own version at start; once it has registered
// with a control node it commits: current points at the new version and
// the outcome is recorded. If it does not register in time it gives up
// and executes the old binary again. An agent that starts and finds a
// trial naming another version (the new binary died and the service
// manager started current, still the old one) records the failure. Decide
// is that choice, pure.
package upgrade
