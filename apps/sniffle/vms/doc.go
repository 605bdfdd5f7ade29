// Package vms is sniffle's VM logic (reference fifo.md §5): the create
// request, the create flow (org resources, triggers, accounting, package
// and dataset requirements, groupings, networks and IP leases, SSH keys,
// placement, memory admission by the hypervisor's agent, the hand-off to
// the agent, retries, and a failure reason in the VM log), VM state
// changes, snapshots and delete. Its dependencies — snarl, the agents,
// the event hub — are interfaces, so it runs in tests without actors.
package vms
