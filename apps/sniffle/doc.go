// Package sniffle is the cloud application (reference fifo.md §1, §5): its
// supervision tree and the runner of VM create flows. The domain logic
// lives in cloud (hypervisors, datasets, packages, networks, IP ranges,
// groupings, DTrace) and vms (the VM flows); wiggle serves them over REST.
//
// Each create runs as its own flow under the runner actor: a panic in a
// flow fails that VM with the reason, a stop cancels the flows (their VMs
// end failed, or, when their host's answer was pending, keep waiting for
// it), and the runner's next start resumes VMs that never left "pooled",
// settles those caught mid-flow (vms.Settle: a VM that may be on its host
// waits for the host's answer; the others fail) and resumes cut deletes,
// so no VM stays in a transitional state.
package sniffle
