// Command chunter is the FiFo hypervisor agent. This build carries only its
// version command: the agent itself (drivers vmadm and sim, registration,
// VM commands) is built by the sniffle/chunter issue.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/fifogo/fifo/internal/version"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	root := &cobra.Command{Use: "chunter", Short: "FiFo hypervisor agent", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version this binary was built as",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), "chunter "+version.Get().String())
			return nil
		},
	})
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		fmt.Fprintf(stderr, "chunter: %v\n", err)
		return 2
	}
	return 0
}
