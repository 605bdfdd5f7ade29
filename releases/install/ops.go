package install

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fifogo/fifo/releases/manifest"
)

// locked runs fn holding the root's lock, with the recorded state and
// the current link repaired from it. The root folder must exist.
func (r *Root) locked(fn func(s State) error) error {
	l, err := lockFile(filepath.Join(r.opts.Dir, LockName), r.opts.OnWait)
	if err != nil {
		return err
	}
	defer l.unlock()
	s, err := r.record.read()
	if err != nil {
		return err
	}
	if err := repairLink(r.opts.Dir, s); err != nil {
		return err
	}
	return fn(s)
}

// exists reports whether the root folder exists; commands other than
// Unpack do not create it.
func (r *Root) exists() (bool, error) {
	st, err := os.Stat(r.opts.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("releases root: %w", err)
	}
	if !st.IsDir() {
		return false, fmt.Errorf("releases root %s: not a directory", r.opts.Dir)
	}
	return true, nil
}

// Unpacked describes the outcome of Unpack.
type Unpacked struct {
	// Manifest is the release's manifest.
	Manifest manifest.Manifest
	// Dir is the release's folder.
	Dir string
	// Already is set when the same release was unpacked before; nothing
	// changed.
	Already bool
}

// Unpack verifies the tarball at path and unpacks it as <root>/<version>
// (see the package comment). A refused tarball changes nothing.
func (r *Root) Unpack(path string) (Unpacked, error) {
	v, err := verifyFile(path)
	if err != nil {
		return Unpacked{}, err
	}
	m := v.Manifest
	if m.Name == ChunterProduct && r.opts.Product != ChunterProduct {
		return r.unpackChunter(path, v)
	}
	// Refuse what needs no record before touching the disk.
	if err := checkCandidate(m, r.opts.Product, r.opts.Platform, State{}); err != nil {
		return Unpacked{}, fmt.Errorf("unpack %s: %w", path, err)
	}
	if err := os.MkdirAll(r.opts.Dir, 0o755); err != nil {
		return Unpacked{}, fmt.Errorf("releases root: %w", err)
	}
	out := Unpacked{Manifest: m, Dir: r.ReleaseDir(m.Version)}
	err = r.locked(func(s State) error {
		if err := checkCandidate(m, r.opts.Product, r.opts.Platform, s); err != nil {
			return err
		}
		restore := false
		if s.Has(m.Version) {
			have, err := os.ReadFile(filepath.Join(out.Dir, manifest.Path))
			switch {
			case err == nil && bytes.Equal(have, v.ManifestBytes):
				out.Already = true
				return nil
			case errors.Is(err, fs.ErrNotExist):
				restore = true // recorded, but its folder is gone: unpack it again
			default:
				return fmt.Errorf("%w: %s is unpacked with other contents; remove it first", ErrExists, m.Version)
			}
		}
		if err := r.removeDebris(m.Version); err != nil {
			return err
		}
		if err := r.extract(path, v); err != nil {
			return err
		}
		if restore {
			return nil
		}
		n, err := s.AddUnpacked(m.Version)
		if err == nil {
			err = r.record.write(n)
		}
		if err != nil {
			os.RemoveAll(out.Dir)
			return err
		}
		return nil
	})
	if err != nil {
		return Unpacked{}, fmt.Errorf("unpack %s: %w", path, err)
	}
	return out, nil
}

// verifyFile runs Verify on the file at path.
func verifyFile(path string) (Verified, error) {
	f, err := os.Open(path)
	if err != nil {
		return Verified{}, fmt.Errorf("unpack: %w", err)
	}
	defer f.Close()
	v, err := Verify(f)
	if err != nil {
		return Verified{}, fmt.Errorf("unpack %s: %w", path, err)
	}
	return v, nil
}

// extract unpacks the tarball into a staging folder and renames it to the
// release's folder.
func (r *Root) extract(path string, v Verified) error {
	return extractTo(r.opts.Dir, r.ReleaseDir(v.Manifest.Version), path, v)
}

// extractTo unpacks the tarball into a staging folder in parent and
// renames it to final.
func extractTo(parent, final, path string, v Verified) error {
	stage, err := os.MkdirTemp(parent, ".unpack-"+v.Manifest.Version+"-")
	if err != nil {
		return err
	}
	// MkdirTemp makes it 0700; the release is for the service's user too.
	err = os.Chmod(stage, 0o755)
	var f *os.File
	if err == nil {
		f, err = os.Open(path)
	}
	if err == nil {
		err = extract(f, stage, v)
		f.Close()
	}
	if err == nil {
		err = os.Rename(stage, final)
	}
	if err != nil {
		os.RemoveAll(stage)
		return err
	}
	return syncDir(parent)
}

// removeDebris deletes the staging folders of crashed unpacks and a folder
// for version v that the record does not list.
func (r *Root) removeDebris(v string) error {
	entries, err := os.ReadDir(r.opts.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".unpack-") || e.Name() == v {
			if err := os.RemoveAll(filepath.Join(r.opts.Dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// Switch describes a change of the current release.
type Switch struct {
	// From and To are the current release before and after.
	From, To string
	// Changed is false when To was already current.
	Changed bool
}

// Install makes the unpacked release v current, after checking its files
// against its manifest, and points the current link at it.
func (r *Root) Install(v string) (Switch, error) { return r.InstallWith(v, nil) }

// InstallWith is Install, then apply (when not nil) with the lock still
// held: a live upgrade of the running node. If apply fails, the record
// and the link are put back as they were, and its error is returned.
func (r *Root) InstallWith(v string, apply func(Switch) error) (Switch, error) {
	sw, err := r.switchWith(func(s State) (State, error) { return s.Install(v) }, apply)
	if err != nil {
		return sw, fmt.Errorf("install %s: %w", v, err)
	}
	return sw, nil
}

// Rollback returns to the permanent (or previous) release; see
// State.Rollback.
func (r *Root) Rollback() (Switch, error) { return r.RollbackWith(nil) }

// RollbackWith is Rollback, then apply as InstallWith does.
func (r *Root) RollbackWith(apply func(Switch) error) (Switch, error) {
	sw, err := r.switchWith(State.Rollback, apply)
	if err != nil {
		return sw, fmt.Errorf("rollback: %w", err)
	}
	return sw, nil
}

// ErrApply wraps the error of a switch's apply step, after which the
// switch was undone.
var ErrApply = errors.New("switch undone")

// switchWith applies a change of the current release: check the target's
// files, write the record, then move the link; then apply (if any), and
// if it fails, restore the record and the link. A failed apply returns the
// Switch it undid.
func (r *Root) switchWith(step func(State) (State, error), apply func(Switch) error) (Switch, error) {
	ok, err := r.exists()
	if err != nil {
		return Switch{}, err
	}
	if !ok {
		_, err := step(State{})
		return Switch{}, err
	}
	var sw Switch
	err = r.locked(func(s State) error {
		n, err := step(s)
		if err != nil {
			return err
		}
		sw = Switch{From: s.Current, To: n.Current, Changed: n.Current != s.Current}
		if sw.Changed {
			if _, err := checkDir(r.ReleaseDir(n.Current)); err != nil {
				return err
			}
			if err := r.record.write(n); err != nil {
				return err
			}
			if err := setLink(r.opts.Dir, n.Current); err != nil {
				return err
			}
		}
		if apply == nil {
			return nil
		}
		aerr := apply(sw)
		if aerr == nil || !sw.Changed {
			return wrapApply(aerr)
		}
		if err := r.record.write(s); err != nil {
			return errors.Join(wrapApply(aerr), fmt.Errorf("restoring the record: %w", err))
		}
		if err := setLink(r.opts.Dir, s.Current); err != nil {
			return errors.Join(wrapApply(aerr), fmt.Errorf("restoring the current link: %w", err))
		}
		return wrapApply(aerr)
	})
	return sw, err
}

// wrapApply marks an apply step's error.
func wrapApply(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrApply, err)
}

// MakePermanent makes the current release v permanent.
func (r *Root) MakePermanent(v string) error {
	ok, err := r.exists()
	if err == nil && !ok {
		_, err = State{}.MakePermanent(v)
	}
	if err == nil && ok {
		err = r.locked(func(s State) error {
			n, err := s.MakePermanent(v)
			if err != nil || n.Permanent == s.Permanent {
				return err
			}
			return r.record.write(n)
		})
	}
	if err != nil {
		return fmt.Errorf("permanent %s: %w", v, err)
	}
	return nil
}

// State returns the recorded state without taking the lock (the record is
// always whole); a root that does not exist has the empty state.
func (r *Root) State() (State, error) {
	return r.record.read()
}

// Link returns the version the current link points at ("" for none); it
// differs from State().Current only after a crash, until the next command
// repairs it.
func (r *Root) Link() (string, error) {
	return readLink(r.opts.Dir)
}
