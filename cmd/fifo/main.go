// Command fifo runs and operates FiFo control-plane nodes.
//
//	fifo start [--config fifo.toml]   run a node (all-in-one release by default)
//	fifo attach [node]                interactive console on a running node
//	fifo admin <command...>           one console command, for scripts
//	fifo version                      print the build's version
//
// Exit codes: 0 success (and a graceful stop on SIGTERM), 1 a runtime
// failure (for admin: the command failed), 2 bad usage or configuration
// (nothing was written), or for attach and admin: cannot connect.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

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
	root := newRoot(stdout, stderr, env)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	fmt.Fprintf(stderr, "fifo: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

func newRoot(stdout, stderr io.Writer, env func(string) (string, bool)) *cobra.Command {
	root := &cobra.Command{
		Use:           "fifo",
		Short:         "FiFo cloud orchestrator: control-plane node and tools",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newVersionCmd(), newStartCmd(env), newAttachCmd(env), newAdminCmd(env), newClusterCmd(env), newReleaseCmd(env))
	return root
}
