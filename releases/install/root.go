package install

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
)

// DefaultDir is the default releases root of a node whose data directory
// is dataDir: "releases" beside it, so "/var/lib/fifo/data" gives
// "/var/lib/fifo/releases".
func DefaultDir(dataDir string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(dataDir)), "releases")
}

// Options configure a Root.
type Options struct {
	// Dir is the releases root. Required.
	Dir string
	// Product is the product whose releases the root takes (a release
	// manifest's name). Default "fifo".
	Product string
	// Platform is the node's platform. Default the running binary's
	// runtime.GOOS and runtime.GOARCH.
	Platform Platform
	// OnWait, when set, is called once when a command must wait for
	// another one holding the root's lock, before it blocks.
	OnWait func()
}

func (o Options) withDefaults() Options {
	if o.Product == "" {
		o.Product = "fifo"
	}
	if o.Platform == (Platform{}) {
		o.Platform = Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}
	}
	return o
}

// Validate reports every problem of o at once.
func (o Options) Validate() error {
	var errs []error
	if o.Dir == "" {
		errs = append(errs, errors.New("install: no releases root"))
	}
	if o.Platform.OS == "" || o.Platform.Arch == "" {
		errs = append(errs, fmt.Errorf("install: incomplete platform %q", o.Platform))
	}
	return errors.Join(errs...)
}

// Root is a node's releases root. Its methods may be called from several
// goroutines and processes at once; the lock orders them.
type Root struct {
	opts   Options
	record recordFile
}

// New returns the releases root opts describes. It touches nothing on
// disk: Unpack creates the folder.
func New(opts Options) (*Root, error) {
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Root{opts: opts, record: recordFile{dir: opts.Dir}}, nil
}

// Dir returns the root's folder.
func (r *Root) Dir() string { return r.opts.Dir }

// ReleaseDir returns the folder of release v.
func (r *Root) ReleaseDir(v string) string { return filepath.Join(r.opts.Dir, v) }
