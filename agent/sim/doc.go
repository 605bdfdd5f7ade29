// Package sim is a simulated SmartOS host implementing driver.Driver in
// memory, for development, tests and benchmarks of chunter and the
// control plane without a hypervisor (DESIGN.md §7).
//
// It keeps what a real host keeps and nothing more: per VM its spec,
// state, creation time and snapshot names (a few hundred bytes), so a
// chunter with a hundred simulated VMs stays small. It honours the whole
// driver contract (the conformance suite in drivertest runs against it
// and against the vmadm driver alike) and adds:
//
//   - capacity: memory, CPUs, pools, NIC tags, services and
//     virtualisation types are options;
//   - timing: each operation may take a configured time (Delays, zero by
//     default), measured on an injected driver.Clock, during which the VM
//     is in its transitional state (provisioning, booting,
//     shutting_down), visible to Get and Watch;
//   - failures: Faults fail the Nth call of an operation, or each call
//     with a probability drawn from an injected random source, with
//     driver.ErrFailed or a chosen error; InjectFault adds one at run time;
//   - events from outside: SetState moves a VM as if the zone had changed
//     state by itself (a crash, a shutdown from inside);
//   - persistence: with Options.StateFile the host outlives its process
//     as a real host outlives its agent. Its VMs and images are written
//     to the file (JSON, HostState) atomically after every change and
//     read back by New; operations the dead process was in the middle of
//     settle as on SmartOS (HostState.Settle: a half-created VM is gone,
//     booting ends running, shutting_down ends stopped). Memory
//     reservations are the agent's and die with it. Crash freezes the
//     file, for tests that kill a host in process; ReadStateFile reads a
//     file for comparison. Without a state file nothing is written and
//     nothing costs more.
//
// Commands on one VM run one at a time (the others wait, or give up when
// their context is done); commands on different VMs run in parallel.
// A command whose context ends during a simulated delay undoes what it did
// and returns the context's error.
package sim
