package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fifogo/fifo/internal/version"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version this binary was built as",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), version.Get().String())
			return nil
		},
	}
}
