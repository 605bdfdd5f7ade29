package identity

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"

	"github.com/google/uuid"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// Service implements API over a record store.
type Service struct {
	st       recstore.Store
	opts     Options
	clock    *crdt.Clock
	throttle *credential.Throttle
	scopes   map[string]Scope

	// locks serialise read-modify-writes of one record on this node, so two
	// writers never mint the same CRDT dot (other nodes stamp with their
	// own actor).
	seed  maphash.Seed
	locks [64]sync.Mutex

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
	s := &Service{st: st, opts: o, throttle: th, seed: maphash.MakeSeed(),
		scopes: map[string]Scope{}, cache: newCache(o.CacheTTL)}
	s.clock = crdt.NewClock(o.Actor, func() int64 { return o.Now().UnixNano() })
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

// stamp returns a fresh CRDT stamp of this node.
func (s *Service) stamp() record.Stamp {
	return record.Stamp{Actor: s.opts.Actor, TS: s.clock.Now()}
}

// newID returns a random UUID.
func (s *Service) newID() (string, error) {
	u, err := uuid.NewRandomFromReader(s.opts.Rand)
	if err != nil {
		return "", fmt.Errorf("identity: new id: %w", err)
	}
	return u.String(), nil
}

// storeErr translates store errors into the service's.
func storeErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, recstore.ErrNotFound):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case errors.Is(err, recstore.ErrNameTaken):
		return fmt.Errorf("%s: %w", what, ErrConflict)
	case errors.Is(err, recstore.ErrInvalidKey):
		return fmt.Errorf("%s: %w: %w", what, ErrInvalid, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// load reads and decodes a record.
func (s *Service) load(ctx context.Context, bucket, id string) (*record.Record, error) {
	if id == "" {
		return nil, fmt.Errorf("%s %q: %w", bucket, id, ErrNotFound)
	}
	b, err := s.st.Get(ctx, bucket, id)
	if err != nil {
		return nil, storeErr(err, bucket+" "+id)
	}
	r, err := record.Load(b)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", bucket, id, err)
	}
	if r.Type != bucket {
		return nil, fmt.Errorf("%s %s holds a %s record: %w", bucket, id, r.Type, ErrNotFound)
	}
	return r, nil
}

// put writes a whole new record (or a delta) to bucket/id.
func (s *Service) put(ctx context.Context, bucket, id string, r *record.Record) error {
	b, err := record.Marshal(r)
	if err != nil {
		return fmt.Errorf("%s %s: %w", bucket, id, err)
	}
	if _, err := s.st.Apply(ctx, bucket, id, b); err != nil {
		return storeErr(err, bucket+" "+id)
	}
	return nil
}

// lock returns the lock of bucket/id.
func (s *Service) lock(bucket, id string) *sync.Mutex {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(bucket)
	h.WriteByte(0)
	h.WriteString(id)
	return &s.locks[h.Sum64()%uint64(len(s.locks))]
}

// update applies the delta fn makes from the current record bucket/id,
// which must exist. fn may return a nil delta to write nothing.
func (s *Service) update(ctx context.Context, bucket, id string, fn func(r *record.Record, st record.Stamp) (*record.Record, error)) error {
	mu := s.lock(bucket, id)
	mu.Lock()
	defer mu.Unlock()
	r, err := s.load(ctx, bucket, id)
	if err != nil {
		return err
	}
	d, err := fn(r, s.stamp())
	if err != nil {
		return err
	}
	if d == nil {
		return nil
	}
	return s.put(ctx, bucket, id, d)
}

// List implements API.
func (s *Service) List(ctx context.Context, k Kind) ([]string, error) {
	b, err := bucket(k)
	if err != nil {
		return nil, err
	}
	var ids []string
	err = s.st.Fold(ctx, b, func(id string, _ []byte) error {
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, storeErr(err, "list "+string(k))
	}
	return ids, nil
}

// Get implements API.
func (s *Service) Get(ctx context.Context, k Kind, id string) (*record.Record, error) {
	b, err := bucket(k)
	if err != nil {
		return nil, err
	}
	return s.load(ctx, b, id)
}

// SetMetadata implements API.
func (s *Service) SetMetadata(ctx context.Context, k Kind, id string, path []string, value any) error {
	b, err := bucket(k)
	if err != nil {
		return err
	}
	if err := validPath(path); err != nil {
		return err
	}
	return s.update(ctx, b, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		d, err := r.SetMapEntry(st, "metadata", path, value)
		if err != nil {
			return nil, fmt.Errorf("metadata: %w: %w", ErrInvalid, err)
		}
		return d, nil
	})
}

// DeleteMetadata implements API.
func (s *Service) DeleteMetadata(ctx context.Context, k Kind, id string, path []string) error {
	b, err := bucket(k)
	if err != nil {
		return err
	}
	if err := validPath(path); err != nil {
		return err
	}
	return s.update(ctx, b, id, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		return r.RemoveMapEntry("metadata", path)
	})
}

func validPath(path []string) error {
	if len(path) == 0 {
		return fmt.Errorf("metadata path: empty: %w", ErrInvalid)
	}
	for _, p := range path {
		if p == "" {
			return fmt.Errorf("metadata path %q: empty element: %w", path, ErrInvalid)
		}
	}
	return nil
}
