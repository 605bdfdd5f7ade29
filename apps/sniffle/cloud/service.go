package cloud

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// Errors: the shared errors of domain services, plus the ones below.
var (
	// ErrNotFound: no such element (404).
	ErrNotFound = entity.ErrNotFound
	// ErrConflict: a name or address is taken, or the element is busy (409).
	ErrConflict = entity.ErrConflict
	// ErrInvalid: a malformed argument (400).
	ErrInvalid = entity.ErrInvalid
)

// Kind names sniffle's collections, by their REST path.
type Kind string

// The collections of sniffle.
const (
	Hypervisors Kind = "hypervisors"
	VMs         Kind = "vms"
	Datasets    Kind = "datasets"
	Packages    Kind = "packages"
	Networks    Kind = "networks"
	IPRanges    Kind = "ipranges"
	Groupings   Kind = "groupings"
	DTraces     Kind = "dtraces"
)

// bucket maps a kind to its record bucket.
func bucket(k Kind) (string, error) {
	switch k {
	case Hypervisors:
		return record.BucketHypervisor, nil
	case VMs:
		return record.BucketVM, nil
	case Datasets:
		return record.BucketDataset, nil
	case Packages:
		return record.BucketPackage, nil
	case Networks:
		return record.BucketNetwork, nil
	case IPRanges:
		return record.BucketIPRange, nil
	case Groupings:
		return record.BucketGrouping, nil
	case DTraces:
		return record.BucketDTrace, nil
	}
	return "", fmt.Errorf("kind %q: %w", k, ErrInvalid)
}

// named reports whether a kind's names are unique (409 on create).
func named(k Kind) bool {
	switch k {
	case Packages, Networks, IPRanges, Groupings, DTraces:
		return true
	}
	return false
}

// Options configure a Service; zero fields take defaults.
type Options struct {
	// Actor names this node in CRDT stamps. Default "sniffle".
	Actor string
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Rand is the source of ids. Default crypto/rand.
	Rand io.Reader
	// Logger receives the service's log lines. Default: discarded.
	Logger *slog.Logger
	// IPReload is how long an IP range's in-memory free list is trusted
	// before the range's record is read again (other control nodes lease
	// and release addresses too), and the least time between two checks of
	// an exhausted range's lease names. Default 10 s.
	IPReload time.Duration
}

// Service is sniffle's domain service over a record store.
type Service struct {
	st     recstore.Store
	repo   *entity.Repo
	opts   Options
	allocs allocators
	// Collections gives List, Get and the metadata calls by Kind.
	entity.Collections[Kind]
}

// New returns a Service over st.
func New(st recstore.Store, o Options) *Service {
	if o.Actor == "" {
		o.Actor = "sniffle"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.IPReload <= 0 {
		o.IPReload = 10 * time.Second
	}
	s := &Service{st: st, opts: o, repo: entity.NewRepo(st, o.Actor, func() int64 { return o.Now().UnixNano() }, o.Rand)}
	s.Collections = entity.Collections[Kind]{Repo: s.repo, Bucket: bucket}
	return s
}

// Repo returns the record plumbing (for the VM flows built on the service).
func (s *Service) Repo() *entity.Repo { return s.repo }

// deleteElement removes an element (freeing its unique name).
func (s *Service) deleteElement(ctx context.Context, k Kind, id string) error {
	b, err := bucket(k)
	if err != nil {
		return err
	}
	r, err := s.repo.Load(ctx, b, id)
	if err != nil {
		return err
	}
	name := ""
	if named(k) {
		name = entity.Name(r)
	}
	return s.repo.DeleteNamed(ctx, b, id, name)
}
