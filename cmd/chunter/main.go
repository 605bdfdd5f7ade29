// Command chunter is FiFo's hypervisor agent (DESIGN.md §7): an ergo node
// in the hypervisor's global zone that registers the hypervisor with the
// control plane, reports it, and runs the control plane's VM commands
// through a driver (vmadm on SmartOS, sim for a simulated host).
//
//	chunter start --driver sim|vmadm --join fifo@control [--join fifo@control2] [flags]
//	chunter version
//
// Settings come from flags, else from FIFO_* environment variables, else
// defaults (see `chunter start --help`). The data directory holds the
// hypervisor's uuid (host_id) and the cluster cookie (cookie, 0600; it
// must be the control plane's). There is no database and no web server:
// the host is the source of truth.
//
// Exit codes: 0 success (and a graceful stop on SIGTERM or SIGINT), 1 a
// runtime failure, 2 bad usage or configuration.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks errors that exit with code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv))
}

// run executes the CLI and returns the process exit code.
func run(args []string, stdout, stderr io.Writer, env func(string) (string, bool)) int {
	root := &cobra.Command{Use: "chunter", Short: "FiFo hypervisor agent", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newVersionCmd(), newStartCmd(env))
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "chunter: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return exitUsage
	}
	return exitFailure
}

// isCobraUsage reports cobra's own usage errors (an unknown command,
// arguments where none are taken), which bypass the flag error function.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "accepts ")
}
