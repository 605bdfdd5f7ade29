package install

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fifogo/fifo/releases/manifest"
)

// Chunter releases in a fifo node's root: the agent binaries the control
// plane pushes to hypervisors (`fifo admin hypervisors upgrade`). A fifo
// release already holds bin/chunter for its own platform; a chunter
// release (chunter-<version>-<os>-<arch>.tar.gz, e.g. illumos for
// SmartOS) is unpacked beside the fifo releases:
//
//	<root>/chunter/<version>-<os>-<arch>/   manifest.json, SHA256SUMS, bin/chunter, smf/chunter.xml
//
// They are verified as fifo releases are, for any platform and without an
// upgrade floor (each hypervisor's agent is checked against it when the
// binary is pushed), and are not in the record: install, rollback and
// list concern the node's own releases. The folder appears by rename, so
// it is whole or absent.
const (
	// ChunterProduct is the agent's product name in a manifest.
	ChunterProduct = "chunter"
	// ChunterDir is the folder of the chunter releases under a fifo root.
	ChunterDir = "chunter"
	// ChunterBinPath is the agent binary in a release.
	ChunterBinPath = "bin/chunter"
)

// ChunterReleaseDir is the folder of chunter release v for platform p.
func (r *Root) ChunterReleaseDir(v string, p Platform) string {
	return filepath.Join(r.opts.Dir, ChunterDir, v+"-"+p.OS+"-"+p.Arch)
}

// unpackChunter unpacks a verified chunter release into the chunter
// folder (see ChunterDir).
func (r *Root) unpackChunter(path string, v Verified) (Unpacked, error) {
	m := v.Manifest
	if reserved(m.Version) {
		return Unpacked{}, fmt.Errorf("unpack %s: %w: version %q is a reserved name", path, ErrCorrupt, m.Version)
	}
	parent := filepath.Join(r.opts.Dir, ChunterDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Unpacked{}, fmt.Errorf("releases root: %w", err)
	}
	out := Unpacked{Manifest: m, Dir: r.ChunterReleaseDir(m.Version, Platform{OS: m.OS, Arch: m.Arch})}
	err := r.locked(func(State) error {
		have, err := os.ReadFile(filepath.Join(out.Dir, manifest.Path))
		switch {
		case err == nil && bytes.Equal(have, v.ManifestBytes):
			out.Already = true
			return nil
		case err == nil:
			return fmt.Errorf("%w: chunter %s for %s/%s is unpacked with other contents; remove %s first", ErrExists, m.Version, m.OS, m.Arch, out.Dir)
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
		// A folder without a manifest, or a staging folder, is debris.
		if err := removeMatching(parent, func(name string) bool {
			return strings.HasPrefix(name, ".unpack-") || name == filepath.Base(out.Dir)
		}); err != nil {
			return err
		}
		return extractTo(parent, out.Dir, path, v)
	})
	if err != nil {
		return Unpacked{}, fmt.Errorf("unpack %s: %w", path, err)
	}
	return out, nil
}

// removeMatching deletes the entries of dir whose names match.
func removeMatching(dir string, match func(string) bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if match(e.Name()) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// AgentBinary is the agent binary of a release under the root.
type AgentBinary struct {
	// Path is the binary; File its manifest entry (size, SHA-256).
	Path string
	File manifest.File
	// Manifest is the manifest of the release that holds it.
	Manifest manifest.Manifest
	// Dir is that release's folder.
	Dir string
}

// ChunterBinary finds the agent binary of version v for platform p: the
// chunter release unpacked for p, else the fifo release v when it was
// built for p (it holds bin/chunter for its own platform). The release's
// manifest must agree with its SHA256SUMS; the binary itself is checked by
// the agent that receives it, against File.SHA256. A version not
// unpacked for p is ErrNotUnpacked, saying which tarball to unpack.
func (r *Root) ChunterBinary(v string, p Platform) (AgentBinary, error) {
	if !manifest.ValidVersion(v) || reserved(v) {
		return AgentBinary{}, fmt.Errorf("%w: version %q", ErrNotUnpacked, v)
	}
	dirs := []string{r.ChunterReleaseDir(v, p)}
	if s, err := r.record.read(); err == nil && s.Has(v) {
		dirs = append(dirs, r.ReleaseDir(v))
	}
	for _, dir := range dirs {
		m, err := readManifest(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return AgentBinary{}, err
		}
		if m.Version != v || m.OS != p.OS || m.Arch != p.Arch {
			continue
		}
		f, ok := m.File(ChunterBinPath)
		if !ok {
			continue
		}
		return AgentBinary{Path: filepath.Join(dir, filepath.FromSlash(ChunterBinPath)), File: f, Manifest: m, Dir: dir}, nil
	}
	return AgentBinary{}, fmt.Errorf("%w: no chunter %s for %s under %s: unpack chunter-%s-%s-%s.tar.gz there (fifo release unpack), or fifo-%[5]s-%[6]s-%[7]s.tar.gz",
		ErrNotUnpacked, v, p, r.opts.Dir, v, p.OS, p.Arch)
}

// readManifest reads a release folder's manifest after checking it
// against the folder's SHA256SUMS.
func readManifest(dir string) (manifest.Manifest, error) {
	mdata, err := os.ReadFile(filepath.Join(dir, manifest.Path))
	if err != nil {
		return manifest.Manifest{}, err
	}
	sdata, err := os.ReadFile(filepath.Join(dir, manifest.SumsPath))
	if err != nil {
		return manifest.Manifest{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	sums, err := manifest.ParseSums(sdata)
	if err != nil {
		return manifest.Manifest{}, fmt.Errorf("%w: %s: %w", ErrCorrupt, dir, err)
	}
	if i := slices.IndexFunc(sums, func(s manifest.Sum) bool { return s.Path == manifest.Path }); i < 0 || sums[i].SHA256 != sha256Hex(mdata) {
		return manifest.Manifest{}, fmt.Errorf("%w: %s: manifest.json does not match SHA256SUMS", ErrCorrupt, dir)
	}
	m, err := manifest.Parse(mdata)
	if err != nil {
		return manifest.Manifest{}, fmt.Errorf("%w: %s: %w", ErrCorrupt, dir, err)
	}
	return m, nil
}
