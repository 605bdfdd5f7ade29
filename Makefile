# FiFo on ergo. `make run` starts an all-in-one node; `make test` runs every test.
GO       ?= go
MODULE   := github.com/fifogo/fifo
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE     ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
# Evaluated once, so every binary of one make run gets the same stamp.
VERSION  := $(VERSION)
COMMIT   := $(COMMIT)
DATE     := $(DATE)
LDFLAGS  := -X $(MODULE)/internal/version.Version=$(VERSION) \
            -X $(MODULE)/internal/version.Commit=$(COMMIT) \
            -X $(MODULE)/internal/version.Date=$(DATE)
BUILDFLAGS := -trimpath -ldflags "$(LDFLAGS)"
FUZZTIME ?= 20s

# ergo v1.999.224 has data races of its own (application stop, process
# exit, a package global shared by nodes in one process; see
# shared/reference/ergo.md §6.7), so `go test -race` fails for any package
# that starts ergo nodes through no fault of ours. Packages that depend on
# ergo therefore run without -race; every other package runs with it.
ERGO     := github.com/ergo-services/ergo
ALLPKGS   = $(shell $(GO) list ./...)
ERGOPKGS  = $(shell $(GO) list -f '{{.ImportPath}} {{join .Deps " "}}' ./... | awk '/ github.com\/ergo-services\/ergo( |$$)/ {print $$1}')
PUREPKGS  = $(filter-out $(ERGOPKGS),$(ALLPKGS))

.PHONY: all build run test test-pure test-actors bench lint fuzz clean deps chunter-illumos release cluster-test
all: build

build:
	CGO_ENABLED=0 $(GO) build $(BUILDFLAGS) -o bin/fifo ./cmd/fifo
	CGO_ENABLED=0 $(GO) build $(BUILDFLAGS) -o bin/chunter ./cmd/chunter

# The SmartOS agent. ergo lacks an illumos file in lib/osdep; the script
# overlays ours on a vendored copy (see releases/illumos/build.sh).
chunter-illumos:
	releases/illumos/build.sh bin/chunter-illumos $(BUILDFLAGS)

# Release tarballs in dist/ (docs/releases.md): fifo-$(VERSION)-<os>-<arch>
# (bin/fifo and bin/chunter) and chunter-$(VERSION)-illumos-amd64, packed
# by the fifo just built.
release: build chunter-illumos
	./bin/fifo release build --out dist --fifo bin/fifo --chunter bin/chunter --chunter-illumos bin/chunter-illumos

# exec: the node gets Ctrl-C/SIGTERM itself and make reports its exit code.
run: build
	exec ./bin/fifo start $(if $(CONFIG),--config $(CONFIG),)

test: deps lint test-pure test-actors

# Debian packages tests use: erlang-base (OTP 25) for the Erlang interop
# test, prometheus (promtool and the server) for the metrics tests.
# Installed when missing and we are root; otherwise those tests skip and
# say why.
deps:
	@missing=""; command -v erl >/dev/null 2>&1 || missing="$$missing erlang-base"; \
	command -v promtool >/dev/null 2>&1 || missing="$$missing prometheus"; \
	[ -z "$$missing" ] || [ "$$(id -u)" != 0 ] || \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing >/dev/null 2>&1; } || \
	    echo "note: could not install$$missing; tests needing them will skip"; }

test-pure:
	$(GO) test -race -count=1 $(PUREPKGS)

test-actors:
	$(GO) test -count=1 $(ERGOPKGS)

bench:
	$(GO) run $(BUILDFLAGS) ./cmd/fifobench

# The replication fault tests of issue 5 at the issue's durations: a 60 s
# write load with a SIGKILL, a 30 s partition (make test runs them
# shorter, see internal/systest/cluster_repl_helpers_test.go).
cluster-test:
	FIFO_SYSTEST_LOAD=60s $(GO) test -count=1 -timeout 20m -run 'TestClusterKillDuringLoad' -v ./internal/systest/
	FIFO_SYSTEST_LOAD=30s $(GO) test -count=1 -timeout 20m -run 'TestClusterPartitionConverges|TestClusterJoinLeaveUnderLoad' -v ./internal/systest/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Runs every fuzz target for FUZZTIME each (make test runs their seed corpora).
fuzz:
	@for pkg in $(ALLPKGS); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin dist
