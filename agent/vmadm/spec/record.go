package spec

import (
	"github.com/fifogo/fifo/internal/record"
)

// PackageFromRecord takes what spec generation uses from a package
// record's view.
func PackageFromRecord(p record.Package) Package {
	return Package{
		UUID: p.UUID, Name: p.Name, RAM: p.RAM, Quota: p.Quota, CPUCap: p.CPUCap,
		CPUShares: p.CPUShares, Blocksize: p.Blocksize, Compression: p.Compression,
		MaxSwap: p.MaxSwap, ZFSIOPriority: p.ZFSIOPriority,
	}
}

// DatasetFromRecord takes what spec generation uses from a dataset
// record's view. The brand an image requires and a docker image's
// command are not in the record; the caller adds them from the image's
// manifest (see DockerCmdFromManifest).
func DatasetFromRecord(d record.Dataset) Dataset {
	return Dataset{
		UUID: d.UUID, Type: d.DatasetType, ZoneType: d.ZoneType, KernelVersion: d.KernelVersion,
		ImageSize: d.ImageSize, NICDriver: d.NICDriver, DiskDriver: d.DiskDriver,
	}
}
