// Package spec turns FiFo's view of a VM into vmadm's and back, the job of
// the original chunter_spec module (reference/fifo.md §6.3, §4.2). It is
// pure: no I/O, no clock (the time comes in Host.Now), no ergo.
//
//   - ToVmadm(package, dataset, config, host) builds the `vmadm create`
//     payload (a driver.Spec). The brand follows the dataset: joyent (or
//     joyent-minimal when the image asks for it) for zone datasets, lx for
//     zone_type lx, lx plus docker's init and metadata for zone_type
//     docker, kvm or bhyve for hardware datasets.
//   - ToUpdate(vm, package, config, host) builds the `vmadm update`
//     payload of a resize or reconfiguration (the original's
//     create_update).
//   - ToSniffle(vm) renders a VM as vmadm reports it as the config map
//     sniffle keeps in its VM record (the original's to_sniffle).
//
// Where this package departs from the original, on purpose:
//
//   - ram in ToSniffle is max_physical_memory in MB (vmadm's unit); the
//     original divided it by 2^20 as if it were bytes, which gave 0.
//   - quota of a zone comes from vmadm's quota property, not from running
//     `zfs list` on the zone path (this package does no I/O).
//   - nic_driver and disk_driver are set for hardware VMs only, where
//     vmadm uses them, and also as the model of each NIC and disk.
//   - a hardware VM with a zero quota gets no data disk (the original
//     made one of size 0), and resizing one updates the first non-boot
//     disk (the original's search for it never advanced past the first).
//   - root_authorized_keys joins the SSH keys with newlines; metadata
//     values that are not strings are stored as their JSON text, as vmadm
//     only keeps strings.
//   - cpu_shares and zfs_io_priority default to the VM's share of the
//     host's memory (1024 × ram / total) as before; when the host's total
//     is unknown they are left out, so vmadm's defaults apply instead of 0.
//
// Every error wraps driver.ErrInvalid.
package spec
