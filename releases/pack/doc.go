// Package pack builds FiFo release tarballs (`make release`, `fifo release
// build`): a gzip-compressed tar of the release's files, its manifest and
// its checksums file, in the format package releases/manifest defines.
//
// Build is reproducible: the same inputs give the same bytes. Entries are
// sorted by name (directories before what they hold), every entry has
// uid/gid 0, no user or group names, mode 0755 (directories and
// executables) or 0644, and one modification time, the build date when it
// parses as RFC 3339 and the Unix epoch otherwise; the gzip header has no
// name and no time. Inputs are read twice, once to hash them for the
// manifest and once to write them, and Build fails if they changed between
// the two.
//
// Fifo and Chunter describe the two tarballs a FiFo build ships (what each
// holds is in their comments); WriteFile writes a tarball into a folder
// under its conventional name, atomically, with a sha256sum-style
// "<tarball>.sha256" beside it. Inspect reads the platform and the version
// stamp of a Go binary, so that `fifo release build` can check that the
// binaries it packs belong together.
package pack
