package ring

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	core "github.com/fifogo/fifo/internal/ring"
)

// load reads the ring file of dir; a missing file is (nil, nil).
func load(dir string) (*core.Ring, error) {
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ring: load: %w", err)
	}
	r, err := core.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("ring: load %s: %w", filepath.Join(dir, FileName), err)
	}
	return r, nil
}

// save writes r to dir durably: a temporary file, synced, renamed over
// the ring file, then the directory synced, so a crash leaves the old ring
// or the new one, never a torn file.
func save(dir string, r *core.Ring) error {
	b, err := core.Marshal(r)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, FileName+".tmp*")
	if err != nil {
		return fmt.Errorf("ring: save: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("ring: save: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("ring: save: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("ring: save: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, FileName)); err != nil {
		return fmt.Errorf("ring: save: %w", err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("ring: save: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("ring: save: sync dir: %w", err)
	}
	return nil
}
