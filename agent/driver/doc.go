// Package driver is the contract between chunter and the hypervisor it
// runs on (DESIGN.md §7): one interface, Driver, implemented by the
// SmartOS driver (package vmadm) and by a simulated host (package sim),
// and the plain data types that cross it. It holds no I/O and imports no
// ergo.
//
// # Idempotency
//
// Every command states its goal, not a step, so a caller that is unsure
// whether a command ran (a timeout, a restart of chunter) simply repeats
// it:
//
//   - Create of a VM that exists with the same spec (SameSpec) succeeds;
//     with a different spec, or in StateFailed, it is ErrConflict. A
//     create that fails leaves nothing behind: a half-made VM is deleted
//     and its memory released.
//   - Start of a running VM, Stop of a stopped VM succeed; Reboot of a
//     stopped VM starts it.
//   - Delete of a missing VM succeeds.
//   - Snapshot of an existing snapshot name succeeds; DeleteSnapshot of a
//     missing snapshot (or of a missing VM) succeeds.
//   - ImportImage of an installed image succeeds.
//   - Reserve repeated for a VM with the same amount succeeds; Release of
//     an unknown VM succeeds.
//
// Commands on a VM that does not exist (Get, Start, Stop, Reboot, Update,
// Snapshot, Snapshots, Rollback) are ErrNotFound. Rollback of a VM that is
// not stopped is ErrConflict. Arguments that could never work (a uuid that
// is not a uuid, a snapshot name zfs refuses, a spec without a brand) are
// ErrInvalid, checked before anything runs.
//
// # Memory
//
// chunter is the authority for its host's memory (DESIGN.md §6,
// consistency islands). Reserve admits or refuses, atomically, the memory
// a VM is entitled to, against the host's real capacity: total memory
// minus the part reserved for the global zone. Each VM counts once, with
// the larger of its reservation and the memory its configuration gives it
// (max_physical_memory), so a reservation followed by the Create it was
// made for is not counted twice. An admission that would take the host
// over capacity is ErrNoMemory; one that does not grow a VM's entitlement
// is always admitted. Create and Update admit the memory of their spec
// themselves (ErrNoMemory when it does not fit), so a caller that did not
// reserve cannot over-commit the host either. Delete releases the VM's
// reservation. Reservations live in the driver's memory: after a restart
// only the VMs on the host count, which is what the host really holds.
//
// # Watching
//
// Watch streams the state of every VM: first the current state of each
// VM, then each change. A VM that disappears is reported as StateDeleted.
// The stream never blocks the driver: changes of one VM that come faster
// than the consumer reads them coalesce, and only the latest is kept, so
// a state a VM passes through without pausing (stopped between
// provisioning and booting) may be skipped, but the state each VM is in
// is always delivered, in the order the VMs changed. Drivers that poll
// the host (vmadm) see only the states that last a poll interval. The
// channel closes when the context given to Watch is done.
//
// Every method of a Driver is safe for concurrent use. Errors carry the
// sentinel of their category (errors.Is) and the context of what failed;
// a command cut short by its context wraps the context's error.
package driver
