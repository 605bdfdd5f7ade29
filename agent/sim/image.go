package sim

import (
	"context"
	"fmt"
	"sort"

	"github.com/fifogo/fifo/agent/driver"
)

// ImportImage implements driver.Imager. The file and source are not
// read: the image is installed with its manifest after Delays.Import.
func (d *Driver) ImportImage(ctx context.Context, imp driver.ImageImport) error {
	img := imp.Manifest
	if err := driver.CheckUUID("image", img.UUID); err != nil {
		return err
	}
	unlock, err := d.locks.Lock(ctx, "image:"+img.UUID)
	if err != nil {
		return fmt.Errorf("image %s: import: %w", img.UUID, err)
	}
	defer unlock()
	d.mu.Lock()
	_, ok := d.images[img.UUID]
	if !ok {
		err = d.faultLocked(OpImport)
	}
	d.mu.Unlock()
	if ok {
		return nil
	}
	if err != nil {
		return fmt.Errorf("image %s: import: %w", img.UUID, err)
	}
	if err := d.wait(ctx, d.opts.Delays.Import); err != nil {
		return fmt.Errorf("image %s: import: %w", img.UUID, err)
	}
	d.mu.Lock()
	d.images[img.UUID] = img
	d.changedLocked()
	d.mu.Unlock()
	return d.flush()
}

// Images implements driver.Imager.
func (d *Driver) Images(ctx context.Context) ([]driver.Image, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	out := make([]driver.Image, 0, len(d.images))
	for _, img := range d.images {
		out = append(out, img)
	}
	d.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].UUID < out[j].UUID })
	return out, nil
}
