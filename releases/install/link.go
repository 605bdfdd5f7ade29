package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// readLink returns the version <root>/current points at, "" when there is
// no link.
func readLink(dir string) (string, error) {
	target, err := os.Readlink(filepath.Join(dir, CurrentName))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("current link: %w", err)
	}
	return target, nil
}

// setLink points <root>/current at version v (relative, so the root can
// move), or removes it when v is "": a new link is made under a temporary
// name and renamed over the old one, then the folder is synced.
func setLink(dir, v string) error {
	p := filepath.Join(dir, CurrentName)
	if v == "" {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("current link: %w", err)
		}
		return syncDir(dir)
	}
	tmp := filepath.Join(dir, "."+CurrentName+"-new")
	os.Remove(tmp) // debris of a crashed switch
	if err := os.Symlink(v, tmp); err != nil {
		return fmt.Errorf("current link: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("current link: %w", err)
	}
	return syncDir(dir)
}

// repairLink makes <root>/current agree with the record.
func repairLink(dir string, s State) error {
	got, err := readLink(dir)
	if err != nil || got != s.Current {
		return setLink(dir, s.Current)
	}
	return nil
}
