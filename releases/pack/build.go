package pack

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/fifogo/fifo/releases/manifest"
)

// Options describe one release tarball.
type Options struct {
	// Manifest describes the release; Build sets its Format and Files.
	Manifest manifest.Manifest
	// Files are the release's files, in any order.
	Files []Input
}

// Build writes the release tarball opts describes to w and returns its
// manifest. See the package comment for what makes it reproducible.
// Errors about the inputs wrap ErrInput.
func Build(w io.Writer, opts Options) (manifest.Manifest, error) {
	inputs, err := sortedInputs(opts.Files)
	if err != nil {
		return manifest.Manifest{}, err
	}
	m := opts.Manifest
	m.Format = manifest.Format
	m.Files = make([]manifest.File, 0, len(inputs))
	for _, in := range inputs {
		size, sum, err := hashSource(in.Source)
		if err != nil {
			return manifest.Manifest{}, fmt.Errorf("pack %s: %w", in.Path, err)
		}
		m.Files = append(m.Files, manifest.File{Path: in.Path, Size: size, Mode: manifest.ModeString(in.Mode), SHA256: sum})
	}
	if err := m.Validate(); err != nil {
		return manifest.Manifest{}, fmt.Errorf("%w: %w", ErrInput, err)
	}
	mdata := m.Marshal()
	sums := []manifest.Sum{{Path: manifest.Path, SHA256: sha256Hex(mdata)}}
	for _, f := range m.Files {
		sums = append(sums, manifest.Sum{Path: f.Path, SHA256: f.SHA256})
	}
	sdata := manifest.FormatSums(sums)

	tw := newTarball(w, modTime(m.Date))
	byPath := map[string]Input{}
	for _, in := range inputs {
		byPath[in.Path] = in
	}
	for _, name := range entryNames(m.Files) {
		switch {
		case strings.HasSuffix(name, "/"):
			err = tw.dir(name)
		case name == manifest.Path:
			err = tw.file(name, 0o644, int64(len(mdata)), FromBytes(mdata), sha256Hex(mdata))
		case name == manifest.SumsPath:
			err = tw.file(name, 0o644, int64(len(sdata)), FromBytes(sdata), sha256Hex(sdata))
		default:
			f, _ := m.File(name)
			err = tw.file(name, f.Perm(), f.Size, byPath[name].Source, f.SHA256)
		}
		if err != nil {
			return manifest.Manifest{}, fmt.Errorf("pack %s: %w", name, err)
		}
	}
	if err := tw.close(); err != nil {
		return manifest.Manifest{}, fmt.Errorf("pack: %w", err)
	}
	return m, nil
}

// sortedInputs checks the inputs and sorts them by path.
func sortedInputs(files []Input) ([]Input, error) {
	out := slices.Clone(files)
	slices.SortFunc(out, func(a, b Input) int { return strings.Compare(a.Path, b.Path) })
	for i, in := range out {
		if !manifest.ValidPath(in.Path) {
			return nil, fmt.Errorf("%w: path %q", ErrInput, in.Path)
		}
		if in.Mode != 0o755 && in.Mode != 0o644 {
			return nil, fmt.Errorf("%w: %s: mode %04o, want 0755 or 0644", ErrInput, in.Path, uint32(in.Mode))
		}
		if in.Source == nil {
			return nil, fmt.Errorf("%w: %s: no source", ErrInput, in.Path)
		}
		if i > 0 && out[i-1].Path == in.Path {
			return nil, fmt.Errorf("%w: %s listed twice", ErrInput, in.Path)
		}
	}
	return out, nil
}

// entryNames lists the tarball's entries in order: the manifest, the
// checksums file, the files and their directories (with a trailing
// slash), sorted by name.
func entryNames(files []manifest.File) []string {
	seen := map[string]bool{manifest.Path: true, manifest.SumsPath: true}
	for _, f := range files {
		seen[f.Path] = true
		for dir := path.Dir(f.Path); dir != "."; dir = path.Dir(dir) {
			seen[dir+"/"] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// hashSource returns the size and SHA-256 of what src gives.
func hashSource(src Source) (int64, string, error) {
	r, err := src()
	if err != nil {
		return 0, "", err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
