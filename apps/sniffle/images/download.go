package images

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// errInterrupted: the runner stopped during a download.
var errInterrupted = errors.New("import interrupted")

// download streams a dataset's file to <Dir>/<uuid>, recording progress,
// and marks the dataset imported or failed.
func (im *Importer) download(ctx context.Context, m cloud.Manifest, fileURL string) error {
	id := m.UUID
	if err := im.o.Cloud.SetDatasetStatus(ctx, id, cloud.DatasetImporting, 0); err != nil {
		im.fail(ctx, id, err)
		return err
	}
	im.o.Events.Publish(id, "progress", map[string]any{"imported": 0.0})
	if err := im.fetch(ctx, m, fileURL); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", errInterrupted, err)
		}
		im.fail(ctx, id, err)
		return err
	}
	if err := im.o.Cloud.SetDatasetStatus(context.WithoutCancel(ctx), id, cloud.DatasetImported, 1); err != nil {
		im.fail(ctx, id, err)
		return err
	}
	im.o.Events.Publish(id, "progress", map[string]any{"imported": 1.0})
	im.o.Logger.Info("dataset imported", "dataset", id)
	return nil
}

// fail records a failed import and tells howl.
func (im *Importer) fail(ctx context.Context, id string, cause error) {
	ctx = context.WithoutCancel(ctx)
	if err := im.o.Cloud.SetDatasetStatus(ctx, id, cloud.DatasetFailed, 0); err != nil {
		im.o.Logger.Warn("dataset status not recorded", "dataset", id, "err", err)
	}
	im.o.Events.Publish(id, "error", map[string]any{"message": cause.Error()})
}

// fetch downloads the file to a temporary name, checks it and moves it
// into place.
func (im *Importer) fetch(ctx context.Context, m cloud.Manifest, fileURL string) error {
	want, sum := expected(m)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fileURL, nil)
	if err != nil {
		return fmt.Errorf("file request: %w", err)
	}
	res, err := im.o.Client.Do(req)
	if err != nil {
		return fmt.Errorf("file: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("file: %s answered %d", fileURL, res.StatusCode)
	}
	if want <= 0 {
		want = res.ContentLength
	}
	if want > im.o.MaxImageBytes {
		return fmt.Errorf("file of %d bytes: at most %d", want, im.o.MaxImageBytes)
	}
	if err := os.MkdirAll(im.o.Dir, 0o755); err != nil {
		return fmt.Errorf("image dir: %w", err)
	}
	part := im.Path(m.UUID) + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("image file: %w", err)
	}
	h := sha1.New()
	n, err := im.copy(ctx, io.MultiWriter(f, h), res.Body, m.UUID, want)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = verify(n, want, h, sum)
	}
	if err == nil {
		err = os.Rename(part, im.Path(m.UUID))
	}
	if err != nil {
		_ = os.Remove(part)
		return err
	}
	return nil
}

// expected are the size and SHA-1 the manifest announces (0 and "" when
// it does not).
func expected(m cloud.Manifest) (int64, string) {
	size, sum := m.ImageSize, ""
	if len(m.Files) > 0 {
		if m.Files[0].Size > 0 {
			size = m.Files[0].Size
		}
		sum = strings.ToLower(m.Files[0].SHA1)
	}
	return size, sum
}

// verify checks the bytes read against the announced size and SHA-1.
func verify(n, want int64, h hash.Hash, sum string) error {
	if want > 0 && n != want {
		return fmt.Errorf("file has %d bytes, the manifest says %d", n, want)
	}
	if got := hex.EncodeToString(h.Sum(nil)); sum != "" && got != sum {
		return fmt.Errorf("file sha1 %s, the manifest says %s", got, sum)
	}
	return nil
}

// copy copies src to dst, at most MaxImageBytes (and not more than want
// when known), recording the imported fraction each ProgressStep.
func (im *Importer) copy(ctx context.Context, dst io.Writer, src io.Reader, id string, want int64) (int64, error) {
	limit := im.o.MaxImageBytes
	if want > 0 {
		limit = want
	}
	src = io.LimitReader(src, limit+1)
	buf := make([]byte, 256<<10)
	var n int64
	last := 0.0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, rerr := src.Read(buf)
		if k > 0 {
			if _, err := dst.Write(buf[:k]); err != nil {
				return n, fmt.Errorf("image file: %w", err)
			}
			n += int64(k)
			if n > limit {
				return n, fmt.Errorf("file longer than %d bytes", limit)
			}
			if frac := float64(n) / float64(want); want > 0 && frac < 1 && frac-last >= im.o.ProgressStep {
				last = frac
				if err := im.o.Cloud.SetDatasetStatus(ctx, id, cloud.DatasetImporting, frac); err != nil {
					return n, err
				}
				im.o.Events.Publish(id, "progress", map[string]any{"imported": frac})
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, fmt.Errorf("file: %w", rerr)
		}
	}
}
