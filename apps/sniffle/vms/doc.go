// Package vms is sniffle's VM logic (reference fifo.md §5): the create
// request, the create flow (org resources, triggers, accounting, package
// and dataset requirements, groupings, networks and IP leases, SSH keys,
// placement, memory admission by the hypervisor's agent, the hand-off to
// the agent, retries, and a failure reason in the VM log), VM state
// changes, snapshots and delete. Its dependencies — snarl, the agents,
// the event hub — are interfaces, so it runs in tests without actors.
//
// # Agents that die mid-call
//
// A create call to an agent that ends without a clear answer (the agent
// unreachable, gone or too slow: the host may or may not have made the
// VM) does not release the VM's placement: the VM waits, bound to that
// host, in creating phase PhaseAwaitingHost, until the host says whether
// it has it — it is then adopted, or placed again — or until
// Options.HostWait passes: then it fails with the reason, still bound to
// the host, its addresses still leased to it and info.unconfirmed_host
// naming the host, until the host, back, confirms it absent (deleting
// the copy it has first). An operator sure that a host will never come
// back frees such a VM at once with ForceDelete. A delete always has the
// VM's recorded host delete it (failed VMs too); a delete cut short
// resumes when the host's agent lists its VMs again or sniffle starts
// (ResumeDelete). A VM missing from a host's list is concluded gone only
// if the agent, asked then, does not have it (Absent). See hostwait.go
// and listed.go.
package vms
