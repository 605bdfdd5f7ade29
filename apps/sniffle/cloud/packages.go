package cloud

import (
	"context"
	"fmt"
	"slices"

	"github.com/fifogo/fifo/internal/record"
)

// PackageSpec is the body of POST /packages (schema package_create).
type PackageSpec struct {
	Name          string           `json:"name"`
	RAM           int64            `json:"ram"`     // MB, required
	CPUCap        int64            `json:"cpu_cap"` // percent, required
	Quota         int64            `json:"quota,omitempty"`
	MaxSwap       int64            `json:"max_swap,omitempty"`
	ZFSIOPriority int64            `json:"zfs_io_priority,omitempty"`
	Blocksize     int64            `json:"blocksize,omitempty"`
	Compression   string           `json:"compression,omitempty"`
	CPUShares     int64            `json:"cpu_shares,omitempty"`
	Requirements  []any            `json:"requirements,omitempty"`
	Org           map[string]int64 `json:"org,omitempty"` // org resources a VM of this package uses
}

// compressions lists the accepted ZFS compression settings.
var compressions = []string{"on", "off", "lz4", "lzjb", "zle", "gzip", "gzip-1", "gzip-2", "gzip-3",
	"gzip-4", "gzip-5", "gzip-6", "gzip-7", "gzip-8", "gzip-9"}

// Validate checks a package spec.
func (p PackageSpec) Validate() error {
	switch {
	case p.RAM <= 0:
		return fmt.Errorf("package ram %d MB: must be positive: %w", p.RAM, ErrInvalid)
	case p.CPUCap <= 0:
		return fmt.Errorf("package cpu_cap %d: must be positive: %w", p.CPUCap, ErrInvalid)
	case p.Quota < 0 || p.MaxSwap < 0 || p.ZFSIOPriority < 0 || p.Blocksize < 0 || p.CPUShares < 0:
		return fmt.Errorf("package: negative size: %w", ErrInvalid)
	case p.Compression != "" && !slices.Contains(compressions, p.Compression):
		return fmt.Errorf("package compression %q: %w", p.Compression, ErrInvalid)
	}
	for r, n := range p.Org {
		if r == "" || n < 0 {
			return fmt.Errorf("package org resource %q = %d: %w", r, n, ErrInvalid)
		}
	}
	return nil
}

// CreatePackage creates a package; packages are immutable afterwards.
func (s *Service) CreatePackage(ctx context.Context, p PackageSpec) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	if p.Compression == "" {
		p.Compression = "off"
	}
	return s.repo.CreateNamed(ctx, record.BucketPackage, "package", p.Name, func(id string, st record.Stamp) (*record.Record, error) {
		r, err := record.NewPackage(st, record.Package{UUID: id, Name: p.Name, RAM: p.RAM, CPUCap: p.CPUCap,
			Quota: p.Quota, MaxSwap: p.MaxSwap, ZFSIOPriority: p.ZFSIOPriority, Blocksize: p.Blocksize,
			Compression: p.Compression, CPUShares: p.CPUShares, Requirements: p.Requirements})
		if err != nil {
			return nil, fmt.Errorf("package: %w: %w", ErrInvalid, err)
		}
		for res, n := range p.Org { // mutators change r in place
			if _, err := r.Inc(st, "org_resources", res, uint64(n)); err != nil {
				return nil, err
			}
		}
		return r, nil
	})
}

// DeletePackage removes a package.
func (s *Service) DeletePackage(ctx context.Context, id string) error {
	return s.deleteElement(ctx, Packages, id)
}
