package vmadm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/fifogo/fifo/agent/driver"
)

// ImportImage implements driver.Imager: nothing when `imgadm get` finds
// the image; else `imgadm install -m <manifest> -f <file>` for a local
// file, or `imgadm import -q [-S <source>] <uuid>`.
func (d *Driver) ImportImage(ctx context.Context, imp driver.ImageImport) error {
	id := imp.Manifest.UUID
	if err := driver.CheckUUID("image", id); err != nil {
		return err
	}
	if imp.File != "" && !filepath.IsAbs(imp.File) {
		return fmt.Errorf("image %s: file %q is not an absolute path: %w", id, imp.File, driver.ErrInvalid)
	}
	if imp.Source != "" {
		u, err := url.Parse(imp.Source)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("image %s: source %q is not an http(s) URL: %w", id, imp.Source, driver.ErrInvalid)
		}
	}
	unlock, err := d.locks.Lock(ctx, "image:"+id)
	if err != nil {
		return fmt.Errorf("image %s: import: %w", id, err)
	}
	defer unlock()
	if _, err := d.cmd(ctx, "imgadm", "get", id); err == nil {
		return nil
	} else if !errors.Is(err, driver.ErrNotFound) {
		return fmt.Errorf("image %s: import: %w", id, err)
	}
	if imp.File != "" {
		return d.install(ctx, imp)
	}
	args := []string{"import", "-q"}
	if imp.Source != "" {
		args = append(args, "-S", imp.Source)
	}
	if _, err := d.run(ctx, d.opts.CreateTimeout, nil, "imgadm", append(args, id)...); err != nil {
		return fmt.Errorf("image %s: import: %w", id, err)
	}
	return nil
}

// install writes the manifest to a temporary file for imgadm install.
func (d *Driver) install(ctx context.Context, imp driver.ImageImport) error {
	m := imp.Manifest
	b, err := json.Marshal(map[string]any{
		"v": 2, "uuid": m.UUID, "name": m.Name, "version": m.Version, "type": m.Type, "os": m.OS,
		"state": "active", "disabled": false, "public": false,
	})
	if err != nil {
		return fmt.Errorf("image %s: manifest: %w", m.UUID, err)
	}
	f, err := os.CreateTemp(d.opts.TempDir, "fifo-manifest-*.json")
	if err != nil {
		return fmt.Errorf("image %s: manifest: %w", m.UUID, err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("image %s: manifest: %w", m.UUID, err)
	}
	if _, err := d.run(ctx, d.opts.CreateTimeout, nil, "imgadm", "install", "-q", "-m", f.Name(), "-f", imp.File); err != nil {
		return fmt.Errorf("image %s: install: %w", m.UUID, err)
	}
	return nil
}

// Images implements driver.Imager with `imgadm list -j`.
func (d *Driver) Images(ctx context.Context) ([]driver.Image, error) {
	out, err := d.cmd(ctx, "imgadm", "list", "-j")
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	return ParseImages(out)
}
