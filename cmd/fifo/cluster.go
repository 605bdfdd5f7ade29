package main

import (
	"github.com/spf13/cobra"
)

// newClusterCmd is `fifo cluster join|leave|status`: the console's
// cluster commands run on the local running node (the configuration's
// node.name unless --node says otherwise).
func newClusterCmd(env func(string) (string, bool)) *cobra.Command {
	var f consoleFlags
	var asJSON, force bool
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Join, leave or show the cluster of the running node",
		Long: "Cluster membership of a running node, through its console:\n" +
			"  fifo cluster join <node>   join the cluster <node> belongs to (no config edit on the others)\n" +
			"  fifo cluster leave         hand this node's partitions to the others and leave\n" +
			"  fifo cluster status        members, partitions owned, pending handoffs, unreachable members\n" +
			"  fifo cluster upgrade <v>   upgrade every member to release <v> live, one at a time (docs/releases.md)\n" +
			"A joining node drops its own records (the cluster's are authoritative); it refuses when\n" +
			"the node holds records beyond its first start's, unless --force.\n" +
			"Exit status: 0 ok, 1 the command failed, 2 usage error or cannot connect.",
	}
	f.register(cmd.PersistentFlags())
	cmd.PersistentFlags().StringVarP(&f.node, "node", "n", "", "the node to run on (default: the configuration's node.name)")
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	join := &cobra.Command{
		Use:   "join <node>",
		Short: "Join the cluster of <node>, a member",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			line := []string{"cluster", "join", args[0]}
			if force {
				line = append(line, "--force")
			}
			return runConsoleCommand(c, &f, env, line, asJSON)
		},
	}
	join.Flags().BoolVar(&force, "force", false, "join even if the node holds records beyond its first start's (they are dropped)")
	leave := &cobra.Command{
		Use:   "leave",
		Short: "Leave the cluster: partitions are handed to the other members",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return runConsoleCommand(c, &f, env, []string{"cluster", "leave"}, asJSON)
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Members with status, partitions owned, pending handoffs, unreachable members",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return runConsoleCommand(c, &f, env, []string{"cluster", "status"}, asJSON)
		},
	}
	cmd.AddCommand(join, leave, status, newClusterUpgradeCmd(&f, env, &asJSON))
	return cmd
}
