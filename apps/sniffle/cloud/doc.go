// Package cloud is sniffle's domain logic over the record store:
// hypervisors, datasets, packages, networks, IP ranges (with the claim of
// addresses, a consistency island), groupings and DTrace scripts
// (reference fifo.md §2.3, §4.2, §5.4). VMs and their create flow build on
// it. It knows nothing of actors or HTTP.
package cloud
