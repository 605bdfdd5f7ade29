package images

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
)

// Cloud is what an import needs of sniffle's cloud service
// (*cloud.Service implements it).
type Cloud interface {
	CreateDataset(ctx context.Context, m cloud.Manifest) error
	SetDatasetStatus(ctx context.Context, id, status string, imported float64) error
	SetDatasetImportNode(ctx context.Context, id, node string) error
}

// Events publishes to the event hub (howl): channel, event, data.
// vms.EventsFunc satisfies it.
type Events interface {
	Publish(channel, event string, data any)
}

// Runner runs fn in the background; fn's context ends when the runner
// stops (sniffle.Service.Go). An error means fn will not run.
type Runner func(fn func(ctx context.Context)) error

// Options configure an Importer. Dir and Cloud are required.
type Options struct {
	// Dir receives the image files, <Dir>/<uuid> (the node's
	// <data_dir>/images). Created when missing.
	Dir string
	// Cloud stores the datasets.
	Cloud Cloud
	// Node is this node's name, recorded in each dataset it imports
	// (cloud.DatasetImportNode) so that Recover on another node leaves
	// the import alone. Default: not recorded.
	Node string
	// Client fetches manifests and files. Default: a new http.Client.
	Client *http.Client
	// Events receives progress and error events. Default: dropped.
	Events Events
	// Go runs the downloads. Default: a goroutine whose context is never
	// cancelled.
	Go Runner
	// ManifestTimeout bounds fetching a manifest. Default 30 s.
	ManifestTimeout time.Duration
	// MaxManifestBytes bounds a manifest. Default 1 MiB.
	MaxManifestBytes int64
	// MaxImageBytes bounds an image file. Default 256 GiB.
	MaxImageBytes int64
	// ProgressStep is the least advance of the imported fraction that is
	// recorded and published. Default 0.01.
	ProgressStep float64
	// Logger receives the importer's log lines. Default: discarded.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Events == nil {
		o.Events = eventsFunc(func(string, string, any) {})
	}
	if o.Go == nil {
		o.Go = func(fn func(ctx context.Context)) error {
			go fn(context.Background())
			return nil
		}
	}
	if o.ManifestTimeout <= 0 {
		o.ManifestTimeout = 30 * time.Second
	}
	if o.MaxManifestBytes <= 0 {
		o.MaxManifestBytes = 1 << 20
	}
	if o.MaxImageBytes <= 0 {
		o.MaxImageBytes = 256 << 30
	}
	if o.ProgressStep <= 0 || o.ProgressStep > 1 {
		o.ProgressStep = 0.01
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

type eventsFunc func(channel, event string, data any)

func (f eventsFunc) Publish(channel, event string, data any) { f(channel, event, data) }

// Importer imports datasets from manifest URLs. Safe for concurrent use.
type Importer struct {
	o Options
}

// New returns an Importer.
func New(o Options) (*Importer, error) {
	if o.Dir == "" || o.Cloud == nil {
		return nil, errors.New("images: Dir and Cloud are required")
	}
	return &Importer{o: o.withDefaults()}, nil
}

// Path is where the file of dataset id is kept once imported.
func (im *Importer) Path(id string) string { return filepath.Join(im.o.Dir, id) }

// Import fetches the manifest at manifestURL, creates its dataset
// (status pending) and starts the download in the background; it returns
// the dataset's uuid. A URL that is not http(s), a manifest that cannot
// be fetched or does not parse is cloud.ErrInvalid; a dataset that exists
// already is cloud.ErrConflict.
func (im *Importer) Import(ctx context.Context, manifestURL string) (string, error) {
	u, err := url.Parse(manifestURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("images: manifest url %q: want http(s)://host/...: %w", manifestURL, cloud.ErrInvalid)
	}
	m, err := im.manifest(ctx, u.String())
	if err != nil {
		return "", err
	}
	file, err := fileURL(u, m)
	if err != nil {
		return "", err
	}
	if err := im.o.Cloud.CreateDataset(ctx, m); err != nil {
		return "", fmt.Errorf("images: dataset %s: %w", m.UUID, err)
	}
	if im.o.Node != "" {
		if err := im.o.Cloud.SetDatasetImportNode(ctx, m.UUID, im.o.Node); err != nil {
			im.fail(ctx, m.UUID, fmt.Errorf("import node not recorded: %w", err))
			return "", fmt.Errorf("images: dataset %s: %w", m.UUID, err)
		}
	}
	err = im.o.Go(func(ctx context.Context) {
		if err := im.download(ctx, m, file); err != nil {
			im.o.Logger.Warn("dataset import failed", "dataset", m.UUID, "err", err)
		}
	})
	if err != nil {
		im.fail(ctx, m.UUID, fmt.Errorf("not started: %w", err))
		return "", fmt.Errorf("images: dataset %s: %w", m.UUID, err)
	}
	return m.UUID, nil
}

// manifest fetches and parses a manifest.
func (im *Importer) manifest(ctx context.Context, u string) (cloud.Manifest, error) {
	ctx, cancel := context.WithTimeout(ctx, im.o.ManifestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return cloud.Manifest{}, fmt.Errorf("images: manifest: %w: %w", cloud.ErrInvalid, err)
	}
	req.Header.Set("Accept", "application/json")
	res, err := im.o.Client.Do(req)
	if err != nil {
		return cloud.Manifest{}, fmt.Errorf("images: manifest: %w: %w", cloud.ErrInvalid, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return cloud.Manifest{}, fmt.Errorf("images: manifest: %s answered %d: %w", u, res.StatusCode, cloud.ErrInvalid)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, im.o.MaxManifestBytes+1))
	if err != nil {
		return cloud.Manifest{}, fmt.Errorf("images: manifest: %w: %w", cloud.ErrInvalid, err)
	}
	if int64(len(b)) > im.o.MaxManifestBytes {
		return cloud.Manifest{}, fmt.Errorf("images: manifest larger than %d bytes: %w", im.o.MaxManifestBytes, cloud.ErrInvalid)
	}
	m, err := cloud.ParseManifest(b)
	if err != nil {
		return cloud.Manifest{}, fmt.Errorf("images: %w", err)
	}
	return m, nil
}

// fileURL is files[0].url (DSAPI), resolved against the manifest's URL,
// or <manifest url>/file (IMGAPI).
func fileURL(manifest *url.URL, m cloud.Manifest) (string, error) {
	if len(m.Files) > 0 && m.Files[0].URL != "" {
		f, err := manifest.Parse(m.Files[0].URL)
		if err != nil || (f.Scheme != "http" && f.Scheme != "https") {
			return "", fmt.Errorf("images: file url %q: %w", m.Files[0].URL, cloud.ErrInvalid)
		}
		return f.String(), nil
	}
	f := *manifest
	f.Path = strings.TrimSuffix(f.Path, "/") + "/file"
	f.RawPath = ""
	return f.String(), nil
}
