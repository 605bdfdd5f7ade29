package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Format is the manifest format this package reads and writes. A change
// that adds, removes or changes a field bumps it; Parse refuses other
// formats.
const Format = 1

// MaxSize bounds a manifest's encoding; Parse refuses larger input.
const MaxSize = 1 << 20

// Manifest describes one release: what it is, what it was built from,
// what it can upgrade, and every file it holds.
type Manifest struct {
	// Format is the manifest format, Format.
	Format int `json:"format"`
	// Name is the product: "fifo" (a control-plane node) or "chunter"
	// (the hypervisor agent).
	Name string `json:"name"`
	// Version is the release version; see ValidVersion.
	Version string `json:"version"`
	// Commit is the source revision the binaries were built from.
	Commit string `json:"commit"`
	// Date is the build date as the build stamped it.
	Date string `json:"date"`
	// GoVersion is the toolchain that built the binaries, e.g. "go1.26.8".
	GoVersion string `json:"go_version"`
	// OS and Arch are the platform the binaries run on, as GOOS and
	// GOARCH name it.
	OS   string `json:"os"`
	Arch string `json:"arch"`
	// UpgradeFrom is the oldest version a node may run for this release to
	// be unpacked on it; "0.0.0" admits any (see CheckUpgrade).
	UpgradeFrom string `json:"upgrade_from"`
	// Apps maps each release the binary can run (e.g. "all-in-one") to
	// its applications in start order. Never nil after Parse.
	Apps map[string][]string `json:"apps"`
	// Schemas maps each record entity type to the schema version this
	// build writes. Never nil after Parse.
	Schemas map[string]uint32 `json:"schemas"`
	// Files lists every file of the release but manifest.json and
	// SHA256SUMS, sorted by path.
	Files []File `json:"files"`
}

// File is one file of a release.
type File struct {
	// Path is the file's path in the release; see ValidPath.
	Path string `json:"path"`
	// Size is its length in bytes.
	Size int64 `json:"size"`
	// Mode is its permission bits in octal, "0644" or "0755"; no bits
	// beyond 0777 and none writable by group or others.
	Mode string `json:"mode"`
	// SHA256 is the lower-case hex SHA-256 of its bytes.
	SHA256 string `json:"sha256"`
}

// Perm returns f's permission bits; it assumes f is valid.
func (f File) Perm() fs.FileMode {
	m, _ := strconv.ParseUint(f.Mode, 8, 32)
	return fs.FileMode(m)
}

// ModeString renders permission bits as File.Mode expects them, e.g. "0755".
func ModeString(m fs.FileMode) string {
	return fmt.Sprintf("%04o", uint32(m.Perm()))
}

// File returns the entry for path, if m lists it.
func (m Manifest) File(path string) (File, bool) {
	for _, f := range m.Files {
		if f.Path == path {
			return f, true
		}
	}
	return File{}, false
}

// Parse decodes and validates a manifest. Unknown fields, trailing data,
// other formats and anything Validate refuses are errors wrapping
// ErrInvalid. Nil Apps and Schemas become empty maps, so that
// Parse(Marshal(m)) equals m for every m Parse returns.
func Parse(data []byte) (Manifest, error) {
	if len(data) > MaxSize {
		return Manifest{}, fmt.Errorf("%w: manifest is %d bytes, more than %d", ErrInvalid, len(data), MaxSize)
	}
	var head struct {
		Format json.RawMessage `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Manifest{}, fmt.Errorf("%w: manifest: %v", ErrInvalid, err)
	}
	if string(head.Format) != strconv.Itoa(Format) {
		return Manifest{}, fmt.Errorf("%w: manifest format %s, this build reads format %d", ErrInvalid, orMissing(head.Format), Format)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("%w: manifest: %v", ErrInvalid, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Manifest{}, fmt.Errorf("%w: manifest: data after the object", ErrInvalid)
	}
	if m.Apps == nil {
		m.Apps = map[string][]string{}
	}
	if m.Schemas == nil {
		m.Schemas = map[string]uint32{}
	}
	if err := m.Validate(); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

func orMissing(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "missing"
	}
	return string(raw)
}

// Marshal renders m as indented JSON with a final newline. Equal manifests
// give equal bytes (object keys in a fixed order, maps sorted). It does not
// validate m.
func (m Manifest) Marshal() []byte {
	if m.Apps == nil {
		m.Apps = map[string][]string{}
	}
	if m.Schemas == nil {
		m.Schemas = map[string]uint32{}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		// Only unsupported types fail, and Manifest has none.
		panic(fmt.Sprintf("manifest: marshal: %v", err))
	}
	return append(b, '\n')
}

// Validate checks m against the format's rules and reports every problem
// at once, wrapping ErrInvalid.
func (m Manifest) Validate() error {
	var bad []string
	add := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if m.Format != Format {
		add("format %d, want %d", m.Format, Format)
	}
	if !validName(m.Name) {
		add("name %q is not a lower-case name", m.Name)
	}
	if !ValidVersion(m.Version) {
		add("version %q is not a valid release version", m.Version)
	}
	for field, s := range map[string]string{"commit": m.Commit, "date": m.Date, "go_version": m.GoVersion} {
		if !validText(s) {
			add("%s %q is not short printable text", field, s)
		}
	}
	if !validName(m.OS) || !validName(m.Arch) {
		add("platform %q/%q is not a GOOS/GOARCH pair", m.OS, m.Arch)
	}
	if _, ok := parseVersion(m.UpgradeFrom); !ok {
		add("upgrade_from %q is not a semantic version", m.UpgradeFrom)
	}
	for rel, apps := range m.Apps {
		if !validName(rel) {
			add("apps: release name %q is not a lower-case name", rel)
		}
		for _, a := range apps {
			if !validName(a) {
				add("apps: %s: application name %q is not a lower-case name", rel, a)
			}
		}
	}
	for typ, v := range m.Schemas {
		if !validName(typ) || v == 0 {
			add("schemas: %q version %d", typ, v)
		}
	}
	bad = append(bad, checkFiles(m.Files)...)
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return fmt.Errorf("%w: manifest: %s", ErrInvalid, strings.Join(bad, "; "))
}

// checkFiles returns the problems of a file list.
func checkFiles(files []File) []string {
	var bad []string
	if len(files) == 0 {
		bad = append(bad, "no files")
	}
	paths := map[string]bool{Path: true, SumsPath: true}
	for _, f := range files {
		paths[f.Path] = true
	}
	for _, f := range files {
		if !ValidPath(f.Path) {
			continue // reported below; its parents need not end in "."
		}
		for dir := path.Dir(f.Path); dir != "."; dir = path.Dir(dir) {
			if paths[dir] {
				bad = append(bad, fmt.Sprintf("file %q: inside file %q", f.Path, dir))
			}
		}
	}
	for i, f := range files {
		if !ValidPath(f.Path) {
			bad = append(bad, fmt.Sprintf("file %q: not a valid path", f.Path))
		}
		if i > 0 && files[i-1].Path >= f.Path {
			bad = append(bad, fmt.Sprintf("file %q: not sorted after %q, or listed twice", f.Path, files[i-1].Path))
		}
		if f.Size < 0 {
			bad = append(bad, fmt.Sprintf("file %q: size %d", f.Path, f.Size))
		}
		if !validMode(f.Mode) {
			bad = append(bad, fmt.Sprintf("file %q: mode %q is not 0NNN without group/other write", f.Path, f.Mode))
		}
		if !validSHA256(f.SHA256) {
			bad = append(bad, fmt.Sprintf("file %q: sha256 %q is not 64 lower-case hex digits", f.Path, f.SHA256))
		}
	}
	return bad
}

func validMode(s string) bool {
	if len(s) != 4 || s[0] != '0' {
		return false
	}
	for i := 1; i < 4; i++ {
		if s[i] < '0' || s[i] > '7' {
			return false
		}
	}
	m, _ := strconv.ParseUint(s, 8, 32)
	return m&0o022 == 0
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
