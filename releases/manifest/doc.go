// Package manifest describes a FiFo release tarball: its manifest
// (manifest.json), its checksums file (SHA256SUMS) and the ordering of
// release versions. It is pure: it parses and renders bytes and does no
// I/O, so the packer (releases/pack) and the node-side installer
// (releases/install) agree on one definition.
//
// # Tarball contents
//
// A release tarball holds regular files and their directories only, at
// relative paths without a leading folder:
//
//	manifest.json   this package's Manifest, as Marshal renders it
//	SHA256SUMS      "<sha256>  <path>" per file, sorted by path, covering
//	                every other file including manifest.json
//	bin/…, etc/…    the files Manifest.Files lists with size, mode and sha256
//
// The manifest lists every file except itself and SHA256SUMS; SHA256SUMS
// lists every file except itself. A tarball is consistent when both agree
// with the bytes in it, so a flipped byte anywhere, a file added, dropped
// or changed without updating both, is caught. Checksums detect corruption
// and careless tampering, not a malicious re-pack: there is no signature
// (see docs/releases.md).
//
// # Versions
//
// Release versions are free-form names (what `git describe` prints), but
// only semantic versions are ordered: Compare orders "1.2.3",
// "v1.2.3-rc.1" and git-describe forms such as "1.2.3-4-gabc123-dirty"
// (four commits after 1.2.3). CheckUpgrade applies a manifest's
// UpgradeFrom floor to the version a node runs; the floor "0.0.0" admits
// every version, ordered or not.
package manifest
