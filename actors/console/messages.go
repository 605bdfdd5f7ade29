package console

import "github.com/fifogo/fifo/internal/runtime"

// Name is the registered name of the console actor on every node.
const Name = "console"

// AppName is the name of the console application.
const AppName = "console"

// ClientPrefix starts the node name of every console client (fifo attach,
// fifo admin), so the nodes they connect to can tell them from peers.
const ClientPrefix = "fifo-console-"

// Exit statuses of a command, the same as the CLI's exit codes.
const (
	// StatusOK: the command did what was asked.
	StatusOK = 0
	// StatusFailed: the command ran and failed (unknown user, feature not
	// available, store error).
	StatusFailed = 1
	// StatusUsage: the command line was wrong (unknown command, missing or
	// malformed argument). The CLI uses the same code when it cannot
	// connect.
	StatusUsage = 2
)

// Words is a command line split into words. It is a named type because
// ergo's wire registration accepts slice fields only of registered types.
type Words []string

// Request runs one console command; the answer is a Reply. It is
// registered for the network as "console.Request".
type Request struct {
	// Args is the command line split into words, e.g. ["users", "add",
	// "alice", "secret"]. Never empty.
	Args Words
	// JSON asks for the command's structured result in Reply.Data.
	JSON bool
}

// Reply answers a Request. It is registered as "console.Reply".
type Reply struct {
	// Output is the text for the operator, ending in a newline unless
	// empty.
	Output string
	// Status is StatusOK, StatusFailed or StatusUsage.
	Status int
	// Data is the structured result as JSON when Request.JSON asked for
	// it and the command has one; empty otherwise.
	Data []byte
}

func init() {
	runtime.MustRegisterMessage("console.Words", Words{})
	runtime.MustRegisterMessage("console.Request", Request{})
	runtime.MustRegisterMessage("console.Reply", Reply{})
}
