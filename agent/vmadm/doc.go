// Package vmadm is the SmartOS driver of chunter (DESIGN.md §7): it
// implements driver.Driver by running the host's own tools, which are the
// source of truth — vmadm (create, start, stop [-F], reboot [-F], delete,
// update, get, lookup -j), zoneadm list, zfs (snapshot, destroy, rollback, list), zpool
// list, imgadm (get, list -j, import, install), sysinfo and svcs.
//
// # Running commands
//
// Every command goes through a Runner (ExecRunner by default) as a
// program and its arguments, never through a shell; uuids and snapshot
// names are validated before they become arguments, so none can pass for
// an option. Payloads (vmadm create and update) go on stdin as JSON. Each
// command has a deadline (Options.CommandTimeout; CreateTimeout for
// vmadm create and image imports), its stdout and stderr are captured
// (and bounded), and a non-zero exit becomes a *CommandError carrying the
// exit code and stderr, whose category (errors.Is: driver.ErrNotFound,
// ErrConflict, ErrInvalid, ErrNoMemory, else ErrFailed) is read from its
// exit code and message.
//
// The driver does not rely on messages for its contract, though: it
// looks at the host before and after a command. A command whose goal
// already holds is not run (starting a running VM); a command that failed
// is checked against the host, and succeeds if its goal holds anyway (a
// delete that failed because the VM was already gone). A create that
// fails is cleaned up: a half-made VM is deleted and its memory released,
// as the original chunter did. Commands on one VM run one at a time.
//
// # Watching
//
// The original chunter watched zone states with DTrace (zonemon) and
// re-synced every second from zoneadm list. This driver polls
// `zoneadm list -pc` every PollInterval (1 s by default) and right after
// each of its own commands, diffs with the previous poll and reports the
// differences (driver.StateDeleted for VMs gone). zoneadm is a small C
// program; vmadm, a Node.js program, would be too heavy to start every
// second in the global zone. So the watch shows zone states: a VM whose
// creation failed shows as stopped there (Get and List, which ask vmadm,
// say failed), one being created as provisioning (configured or
// incomplete). States that last less than an interval can go unseen; the
// state every VM is in is always reported. Polling keeps chunter free of
// DTrace and of an illumos-only build.
//
// # Memory
//
// Reservations (driver.MemoryAdmitter) are held in memory and checked
// against sysinfo's "MiB of Memory" minus Options.ReservedMemoryMB and the
// max_physical_memory of every VM that vmadm lists. After a restart of
// chunter the VMs on the host are what counts.
package vmadm
