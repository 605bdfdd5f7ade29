package driver

// Image is an installed image (dataset), from its manifest.
type Image struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
	// Type is the manifest's type: zone-dataset, lx-dataset, zvol, docker.
	Type string `json:"type,omitempty"`
	OS   string `json:"os,omitempty"`
}

// ImageImport says which image to install and from where.
type ImageImport struct {
	// Manifest describes the image; its UUID is required.
	Manifest Image
	// File is the path of the image's file on the host. When set, the
	// image is installed from it with the manifest; otherwise it is
	// fetched from Source.
	File string
	// Source is the image server (IMGAPI/DSAPI URL) to fetch from; empty
	// means the host's configured sources.
	Source string
}

// Snapshot is a ZFS snapshot of a VM.
type Snapshot struct {
	Name string `json:"name"`
	// CreatedAt is the creation time, Unix seconds.
	CreatedAt int64 `json:"created_at"`
	// SizeBytes is the space the snapshot alone holds.
	SizeBytes int64 `json:"size"`
}
