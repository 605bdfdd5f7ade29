package pack

import (
	"maps"

	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/releases/manifest"
)

// Meta is what a build says about itself; its tarballs share it.
type Meta struct {
	// Version, Commit, Date and GoVersion are the build's stamp.
	Version, Commit, Date, GoVersion string
	// UpgradeFrom is the oldest version a node may run to upgrade to this
	// build (manifest.Manifest.UpgradeFrom).
	UpgradeFrom string
	// Apps maps each release the fifo binary runs to its applications.
	Apps map[string][]string
	// Schemas maps each record entity type to its schema version.
	Schemas map[string]uint32
}

// Platform is a GOOS/GOARCH pair.
type Platform struct {
	// OS is the GOOS, e.g. "linux".
	OS string
	// Arch is the GOARCH, e.g. "amd64".
	Arch string
}

func (m Meta) manifest(name string, p Platform) manifest.Manifest {
	return manifest.Manifest{
		Name: name, Version: m.Version, Commit: m.Commit, Date: m.Date, GoVersion: m.GoVersion,
		OS: p.OS, Arch: p.Arch, UpgradeFrom: m.UpgradeFrom,
		Apps: maps.Clone(m.Apps), Schemas: maps.Clone(m.Schemas),
	}
}

// Product names.
const (
	// FifoName is the control-plane product.
	FifoName = "fifo"
	// ChunterName is the hypervisor agent.
	ChunterName = "chunter"
)

// Fifo describes the control-plane tarball for platform p: bin/fifo and
// bin/chunter from the given sources, the default configuration
// (etc/fifo.toml, config.Example()), smf/fifo.xml and
// systemd/fifo.service, besides the manifest and SHA256SUMS.
func Fifo(meta Meta, p Platform, fifo, chunter Source) Options {
	return Options{
		Manifest: meta.manifest(FifoName, p),
		Files: []Input{
			{Path: "bin/fifo", Mode: 0o755, Source: fifo},
			{Path: "bin/chunter", Mode: 0o755, Source: chunter},
			{Path: "etc/fifo.toml", Mode: 0o644, Source: FromBytes([]byte(config.Example()))},
			{Path: "smf/fifo.xml", Mode: 0o644, Source: FromBytes([]byte(SMFManifest()))},
			{Path: "systemd/fifo.service", Mode: 0o644, Source: FromBytes([]byte(SystemdUnit()))},
		},
	}
}

// Chunter describes the hypervisor agent's tarball for platform p
// (illumos/amd64 for SmartOS): bin/chunter and smf/chunter.xml, besides the
// manifest and SHA256SUMS. The agent keeps no records, so the manifest
// lists no schemas, and its one application is chunter.
func Chunter(meta Meta, p Platform, chunter Source) Options {
	m := meta.manifest(ChunterName, p)
	m.Apps = map[string][]string{ChunterName: {ChunterName}}
	m.Schemas = map[string]uint32{}
	return Options{
		Manifest: m,
		Files: []Input{
			{Path: "bin/chunter", Mode: 0o755, Source: chunter},
			{Path: "smf/chunter.xml", Mode: 0o644, Source: FromBytes([]byte(ChunterSMFManifest()))},
		},
	}
}
