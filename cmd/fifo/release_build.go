package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/version"
	"github.com/fifogo/fifo/releases"
	"github.com/fifogo/fifo/releases/pack"
)

// buildFlags are `fifo release build`'s flags.
type buildFlags struct {
	out, fifo, chunter, chunterIllumos, upgradeFrom string
}

func newReleaseBuildCmd() *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Pack release tarballs from built binaries (make release)",
		Long: "Pack <out>/fifo-<version>-<os>-<arch>.tar.gz from --fifo and --chunter, and, with\n" +
			"--chunter-illumos, <out>/chunter-<version>-illumos-amd64.tar.gz; each with a .sha256 beside it.\n" +
			"The binaries must carry this fifo's own version stamp (run the --fifo binary itself, as\n" +
			"make release does): the manifest's applications and record schema versions are this build's.",
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			results, err := f.build()
			for _, res := range results {
				fmt.Fprintf(cmd.OutOrStdout(), "%s  %s\n", res.SHA256, res.Path)
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "dist", "folder the tarballs are written to")
	fl.StringVar(&f.fifo, "fifo", "bin/fifo", "the fifo binary to pack")
	fl.StringVar(&f.chunter, "chunter", "bin/chunter", "the chunter binary packed beside it (same platform)")
	fl.StringVar(&f.chunterIllumos, "chunter-illumos", "", "chunter built for SmartOS (make chunter-illumos), packed alone")
	fl.StringVar(&f.upgradeFrom, "upgrade-from", releases.UpgradeFrom, "oldest version a node may run to unpack these releases")
	return cmd
}

// build packs the tarballs, returning those written.
func (f buildFlags) build() ([]pack.Result, error) {
	fb, err := stamped(f.fifo, version.Get())
	if err != nil {
		return nil, err
	}
	meta := pack.Meta{Version: fb.Version, Commit: fb.Commit, Date: orUnknown(fb.Date), GoVersion: fb.GoVersion,
		UpgradeFrom: f.upgradeFrom, Apps: map[string][]string{}, Schemas: record.Builtin().Versions()}
	for _, name := range releases.Names() {
		rel, err := releases.Lookup(name)
		if err != nil {
			return nil, err
		}
		meta.Apps[name] = rel.AppNames
	}
	cb, err := stamped(f.chunter, version.Info{Version: fb.Version, Commit: fb.Commit})
	if err != nil {
		return nil, err
	}
	if cb.Platform != fb.Platform {
		return nil, fmt.Errorf("%w: %s is for %s/%s, %s for %s/%s", pack.ErrInput, f.chunter, cb.Platform.OS, cb.Platform.Arch,
			f.fifo, fb.Platform.OS, fb.Platform.Arch)
	}
	var out []pack.Result
	res, err := pack.WriteFile(f.out, pack.Fifo(meta, fb.Platform, pack.FromFile(f.fifo), pack.FromFile(f.chunter)))
	if err != nil {
		return out, err
	}
	out = append(out, res)
	if f.chunterIllumos == "" {
		return out, nil
	}
	ib, err := stamped(f.chunterIllumos, version.Info{Version: fb.Version, Commit: fb.Commit})
	if err != nil {
		return out, err
	}
	res, err = pack.WriteFile(f.out, pack.Chunter(meta, ib.Platform, pack.FromFile(f.chunterIllumos)))
	if err != nil {
		return out, err
	}
	return append(out, res), nil
}

// stamped inspects the binary at path and checks that it carries the
// version and commit of want.
func stamped(path string, want version.Info) (pack.Binary, error) {
	b, err := pack.Inspect(path)
	if err != nil {
		return b, err
	}
	if b.Version == "" {
		return b, fmt.Errorf("%w: %s carries no version stamp: build it with make build", pack.ErrInput, path)
	}
	if b.Version != want.Version || orUnknown(b.Commit) != orUnknown(want.Commit) {
		return b, fmt.Errorf("%w: %s is version %s (commit %s), want %s (commit %s): pack the binaries of one build with that build's fifo (bin/fifo release build)",
			pack.ErrInput, path, b.Version, orUnknown(b.Commit), want.Version, orUnknown(want.Commit))
	}
	return b, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
