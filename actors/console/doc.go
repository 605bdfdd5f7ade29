// Package console is the operator console of a node: the server behind
// `fifo attach` (interactive) and `fifo admin <command>` (scripts), like an
// Erlang remote console over the distribution, without running arbitrary
// code.
//
// Every node runs the console application (App): one actor registered as
// Name that serves Requests — a command line split into words — with a
// Reply holding the text for the operator, an exit status (StatusOK,
// StatusFailed, StatusUsage: the CLI's exit codes) and, on request, the
// result as JSON. Both are registered wire messages. Commands:
//
//	status, apps, procs [N|all]          the node, its applications, its busiest processes
//	ring, members, cluster status        ownership and membership (one node owns all: no ring yet)
//	cluster join <node> | cluster leave  status 1 until clustering lands
//	store, store partitions              engine figures, quarantined records, per-partition counts
//	log level [lvl]                      show or change the log level at run time
//	metrics [prefix]                     the node's Prometheus registry in text format
//	trace <process> [seconds]            what an actor receives, for a while
//	users list|add|passwd|grant          snarl's users (the original's snarl-admin)
//	hypervisors list                     sniffle's hypervisors (sniffle-admin)
//	hypervisors upgrade <version> …      push a chunter release to the hypervisors
//	config get [key], config set k v     the configuration; only log.level changes at run time
//	help [command]
//
// The commands' logic is Shell, plain Go over Deps (interfaces the release
// fills in), so it is tested without a node. The actor runs each command
// in its own goroutine and answers through a detached reply, bounded by
// Options.MaxConcurrent, so a slow command never blocks the mailbox.
// Commands are logged by name only: arguments may hold passwords.
//
// Tracing: ergo v1.999.224 has no trace facility. Our runtime layer wraps
// every actor, so trace shows each message an actor takes from its
// mailbox: when, what kind (call, request, message), its Go type, and how
// many messages wait behind it. Never the content (messages carry
// passwords and tokens), and not ergo's own supervisors and application
// processes.
//
// The client side is Dial: a hidden node (runtime.Options.Hidden: no
// registration, found by no one) that connects to the node with the
// cluster cookie and calls its console.
package console
