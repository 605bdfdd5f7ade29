// Package plan is the pure core of ownership handoff: what a node must do
// about the partitions its ring view says are moving (Tasks), and the
// record of keys written to a partition while it is being transferred
// (Watch). It does no I/O and imports no ergo; actors/handoff runs the
// tasks.
package plan
