package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/fifogo/fifo/internal/record"
)

// Dataset statuses.
const (
	DatasetPending   = "pending"
	DatasetImporting = "importing"
	DatasetImported  = "imported"
	DatasetFailed    = "failed"
)

// Manifest is the part of an IMGAPI/DSAPI image manifest sniffle uses
// (fifo.md §2.3 Datasets).
type Manifest struct {
	UUID         string `json:"uuid"`
	Name         string `json:"name"`
	Version      string `json:"version"`
	Description  string `json:"description"`
	OS           string `json:"os"`
	Type         string `json:"type"`
	Homepage     string `json:"homepage"`
	DiskDriver   string `json:"disk_driver"`
	NICDriver    string `json:"nic_driver"`
	ImageSize    int64  `json:"image_size"`
	Users        any    `json:"users"`
	Requirements struct {
		Networks []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"networks"`
		MinPlatform map[string]string `json:"min_platform"`
	} `json:"requirements"`
	Tags struct {
		KernelVersion string `json:"kernel_version"`
	} `json:"tags"`
	Files []struct {
		URL  string `json:"url"`
		Size int64  `json:"size"`
		SHA1 string `json:"sha1"`
	} `json:"files"`
}

// ParseManifest decodes and checks a manifest.
func ParseManifest(b []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("manifest: %w: %w", ErrInvalid, err)
	}
	if _, err := uuid.Parse(m.UUID); err != nil {
		return m, fmt.Errorf("manifest uuid %q: %w", m.UUID, ErrInvalid)
	}
	if m.Name == "" {
		return m, fmt.Errorf("manifest: no name: %w", ErrInvalid)
	}
	return m, nil
}

// types maps a manifest to dataset_type and zone_type: os smartos or type
// zone-dataset → zone, type lx-dataset → zone/lx, docker → zone/docker,
// anything else → kvm.
func (m Manifest) types() (dataset, zone string) {
	switch {
	case m.Type == "lx-dataset":
		return "zone", "lx"
	case m.Type == "docker":
		return "zone", "docker"
	case m.OS == "smartos" || m.Type == "zone-dataset":
		return "zone", "" // a joyent-brand zone
	}
	return "kvm", ""
}

// CreateDataset creates a dataset from a manifest, with the manifest's
// uuid and status pending; a uuid already present is ErrConflict. A
// dataset deleted before is created again on its tombstone (Upsert), so
// that in a cluster the re-import's writes are not taken as already seen.
func (s *Service) CreateDataset(ctx context.Context, m Manifest) error {
	v := datasetOf(m)
	return s.repo.Upsert(ctx, record.BucketDataset, m.UUID, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		if r.Fields.Len() > 0 {
			return nil, fmt.Errorf("dataset %s: %w", m.UUID, ErrConflict)
		}
		if err := writeDataset(r, st, v); err != nil {
			return nil, fmt.Errorf("dataset %s: %w: %w", m.UUID, ErrInvalid, err)
		}
		return r, nil
	})
}

// datasetOf is the typed view of a new dataset made from m.
func datasetOf(m Manifest) record.Dataset {
	dt, zt := m.types()
	size := m.ImageSize
	sha := ""
	if len(m.Files) > 0 {
		if size == 0 {
			size = m.Files[0].Size
		}
		sha = m.Files[0].SHA1
	}
	v := record.Dataset{UUID: m.UUID, Name: m.Name, DatasetVersion: m.Version, Description: m.Description,
		OS: m.OS, DatasetType: dt, ZoneType: zt, Homepage: m.Homepage, DiskDriver: m.DiskDriver,
		NICDriver: m.NICDriver, ImageSize: size, Users: m.Users, SHA1: sha, KernelVersion: m.Tags.KernelVersion,
		Status: DatasetPending}
	for _, n := range m.Requirements.Networks {
		v.Networks = append(v.Networks, record.DatasetNetwork{Name: n.Name, Desc: n.Description})
	}
	// min_platform maps SDC versions to platform images; the oldest image
	// named is the requirement.
	if min := m.Requirements.MinPlatform; len(min) > 0 {
		v.Requirements = append(v.Requirements, map[string]any{"weight": "must", "condition": ">=",
			"attribute": "sysinfo.Live Image", "value": slices.Min(slices.Collect(maps.Values(min)))})
	}
	return v
}

// writeDataset writes the non-zero fields of v into r in place, with
// dots minted from r's own state (a tombstone's included): registers set
// and set elements added.
func writeDataset(r *record.Record, st record.Stamp, v record.Dataset) error {
	regs := []struct {
		name string
		v    any
		set  bool
	}{
		{"uuid", v.UUID, v.UUID != ""},
		{"name", v.Name, v.Name != ""},
		{"dataset_version", v.DatasetVersion, v.DatasetVersion != ""},
		{"description", v.Description, v.Description != ""},
		{"os", v.OS, v.OS != ""},
		{"dataset_type", v.DatasetType, v.DatasetType != ""},
		{"zone_type", v.ZoneType, v.ZoneType != ""},
		{"homepage", v.Homepage, v.Homepage != ""},
		{"disk_driver", v.DiskDriver, v.DiskDriver != ""},
		{"nic_driver", v.NICDriver, v.NICDriver != ""},
		{"image_size", v.ImageSize, v.ImageSize != 0},
		{"users", v.Users, v.Users != nil},
		{"sha1", v.SHA1, v.SHA1 != ""},
		{"kernel_version", v.KernelVersion, v.KernelVersion != ""},
		{"status", v.Status, v.Status != ""},
	}
	for _, f := range regs {
		if !f.set {
			continue
		}
		if _, err := r.SetField(st, f.name, f.v); err != nil {
			return err
		}
	}
	for _, n := range v.Networks {
		if _, err := r.AddToSet(st, "networks", n); err != nil {
			return err
		}
	}
	for _, q := range v.Requirements {
		if _, err := r.AddToSet(st, "requirements", q); err != nil {
			return err
		}
	}
	return nil
}

// Dataset loads a dataset's typed view.
func (s *Service) Dataset(ctx context.Context, id string) (record.Dataset, error) {
	r, err := s.repo.Load(ctx, record.BucketDataset, id)
	if err != nil {
		return record.Dataset{}, err
	}
	d, err := record.DatasetFromRecord(r)
	d.UUID = id
	return d, err
}

// SetDatasetStatus records an import's progress: status and the imported
// fraction (0..1).
func (s *Service) SetDatasetStatus(ctx context.Context, id, status string, imported float64) error {
	switch status {
	case DatasetPending, DatasetImporting, DatasetImported, DatasetFailed:
	default:
		return fmt.Errorf("dataset status %q: %w", status, ErrInvalid)
	}
	if imported < 0 || imported > 1 {
		return fmt.Errorf("dataset progress %v: %w", imported, ErrInvalid)
	}
	return s.repo.Update(ctx, record.BucketDataset, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		if _, err := r.SetField(st, "status", status); err != nil {
			return nil, err
		}
		if _, err := r.SetField(st, "imported", imported); err != nil {
			return nil, err
		}
		return r, nil
	})
}

// DeleteDataset removes a dataset; not while it is importing (409).
func (s *Service) DeleteDataset(ctx context.Context, id string) error {
	d, err := s.Dataset(ctx, id)
	if err != nil {
		return err
	}
	if d.Status == DatasetImporting {
		return fmt.Errorf("dataset %s is importing: %w", id, ErrConflict)
	}
	return s.deleteElement(ctx, Datasets, id)
}

// SetDatasetNetwork sets the description of a dataset's NIC (PUT
// /datasets/:id/networks/:nic).
func (s *Service) SetDatasetNetwork(ctx context.Context, id, nic, desc string) error {
	if nic == "" {
		return fmt.Errorf("dataset nic: empty name: %w", ErrInvalid)
	}
	return s.repo.Update(ctx, record.BucketDataset, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		d, err := record.DatasetFromRecord(r)
		if err != nil {
			return nil, err
		}
		for _, n := range d.Networks {
			if n.Name == nic {
				if _, err := r.RemoveFromSet("networks", n); err != nil {
					return nil, err
				}
			}
		}
		if _, err := r.AddToSet(st, "networks", record.DatasetNetwork{Name: nic, Desc: desc}); err != nil {
			return nil, err
		}
		return r, nil
	})
}

// DeleteDatasetNetwork removes a dataset's NIC.
func (s *Service) DeleteDatasetNetwork(ctx context.Context, id, nic string) error {
	return s.repo.Update(ctx, record.BucketDataset, id, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		d, err := record.DatasetFromRecord(r)
		if err != nil {
			return nil, err
		}
		for _, n := range d.Networks {
			if n.Name == nic {
				if _, err := r.RemoveFromSet("networks", n); err != nil {
					return nil, err
				}
				return r, nil
			}
		}
		return nil, fmt.Errorf("dataset nic %q: %w", nic, ErrNotFound)
	})
}
