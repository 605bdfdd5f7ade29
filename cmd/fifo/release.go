package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/releases/install"
)

// releaseFlags are the flags every node-side release command shares.
type releaseFlags struct {
	root       string
	configPath string
}

// resolve returns the releases root (--root, else "releases" beside the
// configuration's data_dir) and the node's configuration. Its errors are
// usage errors.
func (f *releaseFlags) resolve(env func(string) (string, bool), onWait func()) (*install.Root, config.Config, error) {
	cfg, err := config.Load(f.configPath, env)
	if err != nil {
		return nil, config.Config{}, usageError{err}
	}
	dir := f.root
	if dir == "" {
		dir = install.DefaultDir(cfg.Node.DataDir)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	r, err := install.New(install.Options{Dir: dir, OnWait: onWait})
	if err != nil {
		return nil, config.Config{}, usageError{err}
	}
	return r, cfg, nil
}

func newReleaseCmd(env func(string) (string, bool)) *cobra.Command {
	var f releaseFlags
	cmd := &cobra.Command{
		Use:   "release",
		Short: "Build, unpack, install, make permanent and roll back releases",
		Long: "Manage the releases of this node under its releases root (--root; default: \"releases\" beside\n" +
			"the configuration's data_dir, e.g. /var/lib/fifo/releases for /var/lib/fifo/data):\n" +
			"<root>/<version>/ per unpacked release, <root>/current pointing at the one services run,\n" +
			"<root>/RELEASES recording installed, current and permanent versions.\n\n" +
			"install and rollback switch the current release and, when a node runs from the configuration's\n" +
			"data_dir, upgrade it live: it hands its listening sockets to the new binary, which takes over\n" +
			"without a refused connection; if the new binary does not become ready, the node keeps (or\n" +
			"resumes) serving its old version, the switch is undone and the command exits 1.\n" +
			"See docs/releases.md.",
	}
	cmd.AddCommand(newReleaseBuildCmd())
	var lf liveFlags
	install, rollback := newReleaseInstallCmd(&f, &lf, env), newReleaseRollbackCmd(&f, &lf, env)
	for _, sub := range []*cobra.Command{newReleaseUnpackCmd(&f, env), install,
		newReleasePermanentCmd(&f, env), rollback, newReleaseListCmd(&f, env)} {
		f.register(sub)
		cmd.AddCommand(sub)
	}
	for _, sub := range []*cobra.Command{install, rollback} {
		sub.Flags().DurationVar(&lf.readyTimeout, "ready-timeout", 60*time.Second,
			"how long the new binary may take to serve once the old one has released its services")
	}
	return cmd
}

// register adds the shared flags to a node-side command.
func (f *releaseFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.root, "root", "", "releases root (default: \"releases\" beside the configuration's data_dir)")
	fl.StringVarP(&f.configPath, "config", "c", "", "the node's TOML configuration (data_dir, http.addr)")
}

// waitNote tells the operator why a command blocks.
func waitNote(w io.Writer) func() {
	return func() { fmt.Fprintln(w, "waiting for another fifo release command to finish…") }
}

func newReleaseUnpackCmd(f *releaseFlags, env func(string) (string, bool)) *cobra.Command {
	return &cobra.Command{
		Use:   "unpack <tarball>",
		Short: "Verify a release tarball and unpack it under the releases root",
		Long: "Verify a release tarball (checksums, manifest, this node's OS/arch, the oldest version it\n" +
			"upgrades from against the current release) and unpack it as <root>/<version>.\n" +
			"A refused tarball changes nothing.",
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, _, err := f.resolve(env, waitNote(cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			u, err := r.Unpack(args[0])
			if err != nil {
				return err
			}
			m, out := u.Manifest, cmd.OutOrStdout()
			if u.Already {
				fmt.Fprintf(out, "%s %s is already unpacked in %s\n", m.Name, m.Version, u.Dir)
				return nil
			}
			fmt.Fprintf(out, "unpacked %s %s (%s/%s, commit %s, built %s) in %s\n", m.Name, m.Version, m.OS, m.Arch, m.Commit, m.Date, u.Dir)
			if m.Name == install.ChunterProduct {
				fmt.Fprintf(out, "push it to hypervisors with: fifo admin hypervisors upgrade %s\n", m.Version)
				return nil
			}
			fmt.Fprintf(out, "switch to it with: fifo release install %s\n", m.Version)
			return nil
		},
	}
}

func newReleaseInstallCmd(f *releaseFlags, lf *liveFlags, env func(string) (string, bool)) *cobra.Command {
	return &cobra.Command{
		Use:   "install <version>",
		Short: "Make an unpacked release the node's current release, and upgrade a running node to it live",
		Long: "Check the unpacked release's files against its manifest and point <root>/current at it.\n" +
			"A node running from the configuration's data_dir is upgraded live (see fifo release --help);\n" +
			"if that fails the switch is undone and the command exits 1.",
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, cfg, err := f.resolve(env, waitNote(cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			sw, err := r.InstallWith(args[0], liveSwitch(cmd.OutOrStdout(), r, cfg, *lf))
			if err != nil {
				return err
			}
			if sw.Changed {
				if s, err := r.State(); err == nil && s.Permanent != sw.To {
					fmt.Fprintf(cmd.OutOrStdout(), "once it runs well: fifo release permanent %s (until then, fifo release rollback returns to %s)\n", sw.To, s.Permanent)
				}
			}
			return nil
		},
	}
}

func newReleasePermanentCmd(f *releaseFlags, env func(string) (string, bool)) *cobra.Command {
	return &cobra.Command{
		Use:   "permanent <version>",
		Short: "Make the current release permanent: the one rollback returns to",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, _, err := f.resolve(env, waitNote(cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			if err := r.MakePermanent(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "permanent release: %s\n", args[0])
			return nil
		},
	}
}

func newReleaseRollbackCmd(f *releaseFlags, lf *liveFlags, env func(string) (string, bool)) *cobra.Command {
	return &cobra.Command{
		Use:   "rollback",
		Short: "Return to the permanent release (or to the previous one, when the current release is permanent)",
		Long: "Switch back as the record says, and downgrade a node running from the configuration's data_dir\n" +
			"live, as install does; if that fails the switch is undone and the command exits 1.",
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, cfg, err := f.resolve(env, waitNote(cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			_, err = r.RollbackWith(liveSwitch(cmd.OutOrStdout(), r, cfg, *lf))
			return err
		},
	}
}

func newReleaseListCmd(f *releaseFlags, env func(string) (string, bool)) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List unpacked releases with their installed, current and permanent marks",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, _, err := f.resolve(env, nil)
			if err != nil {
				return err
			}
			s, err := r.State()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			entries := s.Entries()
			if len(entries) == 0 {
				fmt.Fprintf(out, "no releases in %s\n", r.Dir())
				return nil
			}
			fmt.Fprintf(out, "releases in %s:\n", r.Dir())
			for _, e := range entries {
				fmt.Fprintf(out, "  %-24s %s\n", e.Version, marks(e))
			}
			if link, err := r.Link(); err == nil && link != s.Current {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: %s/current points at %q, the record says %q; the next release command repairs it\n", r.Dir(), link, s.Current)
			}
			return nil
		},
	}
}

// marks renders an entry's marks for list.
func marks(e install.Entry) string {
	m := []string{"unpacked"}
	if e.Installed {
		m[0] = "installed"
	}
	if e.Current {
		m = append(m, "current")
	}
	if e.Permanent {
		m = append(m, "permanent")
	}
	if e.Previous {
		m = append(m, "previous")
	}
	return strings.Join(m, " ")
}
