package identity

import (
	"fmt"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/internal/entity"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// Service implements API over a record store.
type Service struct {
	st       recstore.Store
	opts     Options
	throttle *credential.Throttle
	scopes   map[string]Scope

	// repo does the record plumbing (stamps, serialised updates, names).
	repo *entity.Repo
	// Collections gives List, Get and the metadata calls by Kind.
	entity.Collections[Kind]

	cache     *cache
	dummyHash dummyHash
}

var _ API = (*Service)(nil)

// New returns a Service over st.
func New(st recstore.Store, o Options) (*Service, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	th, err := credential.NewThrottle(o.Throttle)
	if err != nil {
		return nil, fmt.Errorf("identity options: %w", err)
	}
	s := &Service{st: st, opts: o, throttle: th, scopes: map[string]Scope{}, cache: newCache(o.CacheTTL),
		repo: entity.NewRepo(st, o.Actor, func() int64 { return o.Now().UnixNano() }, o.Rand)}
	s.Collections = entity.Collections[Kind]{Repo: s.repo, Bucket: bucket}
	for _, sc := range o.Scopes {
		s.scopes[sc.Name] = sc
	}
	return s, nil
}

// bucket maps a kind to its record bucket.
func bucket(k Kind) (string, error) {
	switch k {
	case Users:
		return record.BucketUser, nil
	case Roles:
		return record.BucketRole, nil
	case Orgs:
		return record.BucketOrg, nil
	case Clients:
		return record.BucketClient, nil
	}
	return "", fmt.Errorf("kind %q: %w", k, ErrInvalid)
}
