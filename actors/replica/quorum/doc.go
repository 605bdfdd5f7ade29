// Package quorum is the pure core of the replicated store's coordinator
// (actors/replica): which nodes a request goes to (Plan: the preference
// list, with fallbacks standing in for unreachable primaries), when enough
// of them have answered (Tally), how answers are joined (Merge) and which
// replicas a read must repair (Stale). No I/O, no clock, no ergo: the
// coordinator feeds it answers as they arrive and acts on what it says.
package quorum
