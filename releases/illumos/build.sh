#!/bin/sh
# Cross-builds bin/chunter for illumos (SmartOS global zones).
#
# ergo v1.999.224's lib/osdep has no illumos file, so any package importing
# ergo fails to build for GOOS=illumos. We supply our own file
# (releases/illumos/osdep/osdep_illumos.go) without copying or patching
# ergo: the module is vendored into a temporary copy of this tree and the
# file is laid over the vendored package with `go build -overlay` (Go
# refuses overlays of files inside the module cache, not of vendor/).
#
# Usage: build.sh OUTPUT [go build flags...]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
shift
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
go=${GO:-go}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
tar -C "$root" --exclude=./.git --exclude=./bin --exclude=./data --exclude=./dist -cf - . | tar -C "$tmp" -xf -
cd "$tmp"
"$go" mod vendor

osdep=$tmp/vendor/github.com/ergo-services/ergo/lib/osdep
[ -d "$osdep" ] || { echo "build.sh: $osdep missing: did ergo move lib/osdep?" >&2; exit 1; }
printf '{"Replace":{"%s":"%s"}}\n' "$osdep/osdep_illumos.go" "$root/releases/illumos/osdep/osdep_illumos.go" >"$tmp/overlay.json"

export GOOS=illumos GOARCH=amd64 CGO_ENABLED=0
# Everything the agent is made of that imports ergo must build, also the
# parts cmd/chunter does not link yet.
"$go" build -mod=vendor -overlay "$tmp/overlay.json" ./internal/runtime/... ./supervisors/...
"$go" build -mod=vendor -overlay "$tmp/overlay.json" "$@" -o "$out" ./cmd/chunter
echo "built $out for illumos/amd64"
