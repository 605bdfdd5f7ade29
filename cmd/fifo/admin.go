package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// exitCode ends the CLI with a code and no further message (the command
// has said what went wrong).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func newAdminCmd(env func(string) (string, bool)) *cobra.Command {
	var f consoleFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "admin [flags] <command...>",
		Short: "Run one console command on a running node (for scripts)",
		Long: "Run one console command on a running node and exit with its status:\n" +
			"0 ok, 1 the command failed, 2 usage error or cannot connect.\n" +
			"`fifo admin help` lists the commands. Flags go before the command.\n" +
			"A password given as - is read from the first line of standard input.",
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if args, err = passwordFromStdin(args, cmd.InOrStdin()); err != nil {
				return usageError{err}
			}
			return runConsoleCommand(cmd, &f, env, args, asJSON)
		},
	}
	cmd.Flags().SetInterspersed(false)
	f.register(cmd.Flags())
	cmd.Flags().StringVarP(&f.node, "node", "n", "", "the node to run on (default: the configuration's node.name)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the command's result as JSON")
	return cmd
}

// runConsoleCommand runs one console command on the node the flags name
// and prints its output (stdout, or stderr when it failed); a failed
// command ends the CLI with its status.
func runConsoleCommand(cmd *cobra.Command, f *consoleFlags, env func(string) (string, bool), args []string, asJSON bool) error {
	t, err := f.resolve(f.node, env)
	if err != nil {
		return err
	}
	c, err := f.dial(cmd.Context(), t, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer c.Close()
	r, err := f.runOne(cmd.Context(), c, args, asJSON)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if r.Status != 0 {
		out = cmd.ErrOrStderr()
	}
	if asJSON && r.Status == 0 && len(r.Data) > 0 {
		fmt.Fprintf(out, "%s\n", r.Data)
	} else {
		io.WriteString(out, r.Output)
	}
	if r.Status != 0 {
		return exitCode(r.Status)
	}
	return nil
}

// usageArgs makes an argument check's errors usage errors (exit 2).
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{fmt.Errorf("%s: %w", cmd.CommandPath(), err)}
		}
		return nil
	}
}

// passwordFromStdin replaces the password argument "-" of users add and
// users passwd by the first line of stdin, so it stays out of ps and
// shell history.
func passwordFromStdin(args []string, stdin io.Reader) ([]string, error) {
	if len(args) != 4 || !strings.EqualFold(args[0], "users") || args[3] != "-" ||
		(!strings.EqualFold(args[1], "add") && !strings.EqualFold(args[1], "passwd")) {
		return args, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return nil, fmt.Errorf("users %s: no password on standard input (%v)", args[1], err)
	}
	out := append([]string(nil), args...)
	out[3] = line
	return out, nil
}
