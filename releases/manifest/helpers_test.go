package manifest

import "strings"

// sample returns a valid manifest.
func sample() Manifest {
	return Manifest{
		Format:      Format,
		Name:        "fifo",
		Version:     "1.2.3",
		Commit:      "c0ffee",
		Date:        "2026-11-25T10:00:00Z",
		GoVersion:   "go1.26.8",
		OS:          "linux",
		Arch:        "amd64",
		UpgradeFrom: "1.0.0",
		Apps:        map[string][]string{"all-in-one": {"store", "snarl", "howl", "wiggle"}},
		Schemas:     map[string]uint32{"vm": 2, "user": 1},
		Files: []File{
			{Path: "bin/chunter", Size: 3, Mode: "0755", SHA256: strings.Repeat("a", 64)},
			{Path: "bin/fifo", Size: 4, Mode: "0755", SHA256: strings.Repeat("b", 64)},
			{Path: "etc/fifo.toml", Size: 5, Mode: "0644", SHA256: strings.Repeat("c", 64)},
		},
	}
}
