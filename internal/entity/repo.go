package entity

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// Errors of the domain services. Test with errors.Is; the REST edge maps
// them to status codes (in brackets).
var (
	// ErrNotFound: no such record, name or element (404).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the name (or another unique thing) is taken (409).
	ErrConflict = errors.New("already exists")
	// ErrInvalid: a malformed argument (400).
	ErrInvalid = errors.New("invalid")
)

// Repo reads and writes records of a store for one node.
type Repo struct {
	st    recstore.Store
	actor string
	clock *crdt.Clock
	rand  io.Reader
	seed  maphash.Seed
	locks [64]sync.Mutex
}

// NewRepo returns a Repo over st stamping changes as actor (unique per
// node), reading physical time from now (Unix nanoseconds) and taking ids
// from rand.
func NewRepo(st recstore.Store, actor string, now func() int64, rand io.Reader) *Repo {
	return &Repo{st: st, actor: actor, clock: crdt.NewClock(actor, now), rand: rand, seed: maphash.MakeSeed()}
}

// Store returns the underlying store.
func (r *Repo) Store() recstore.Store { return r.st }

// Stamp returns a fresh CRDT stamp of this node.
func (r *Repo) Stamp() record.Stamp { return record.Stamp{Actor: r.actor, TS: r.clock.Now()} }

// NewID returns a random UUID.
func (r *Repo) NewID() (string, error) {
	u, err := uuid.NewRandomFromReader(r.rand)
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return u.String(), nil
}

// StoreErr translates store errors into the package's.
func StoreErr(err error, what string) error {
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

// Load reads and decodes record bucket/id.
func (r *Repo) Load(ctx context.Context, bucket, id string) (*record.Record, error) {
	if id == "" {
		return nil, fmt.Errorf("%s %q: %w", bucket, id, ErrNotFound)
	}
	b, err := r.st.Get(ctx, bucket, id)
	if err != nil {
		return nil, StoreErr(err, bucket+" "+id)
	}
	rec, err := record.Load(b)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", bucket, id, err)
	}
	if rec.Type != bucket {
		return nil, fmt.Errorf("%s %s holds a %s record: %w", bucket, id, rec.Type, ErrNotFound)
	}
	return rec, nil
}

// Exists fails with ErrNotFound unless bucket/id exists.
func (r *Repo) Exists(ctx context.Context, bucket, id string) error {
	_, err := r.Load(ctx, bucket, id)
	return err
}

// Put merges rec (a new record or a delta) into bucket/id.
func (r *Repo) Put(ctx context.Context, bucket, id string, rec *record.Record) error {
	b, err := record.Marshal(rec)
	if err != nil {
		return fmt.Errorf("%s %s: %w", bucket, id, err)
	}
	if _, err := r.st.Apply(ctx, bucket, id, b); err != nil {
		return StoreErr(err, bucket+" "+id)
	}
	return nil
}

// Lock returns the lock serialising read-modify-writes of bucket/id.
func (r *Repo) Lock(bucket, id string) *sync.Mutex {
	var h maphash.Hash
	h.SetSeed(r.seed)
	h.WriteString(bucket)
	h.WriteByte(0)
	h.WriteString(id)
	return &r.locks[h.Sum64()%uint64(len(r.locks))]
}

// Mutator makes the delta of a change from the current record; a nil
// delta writes nothing.
type Mutator func(rec *record.Record, st record.Stamp) (*record.Record, error)

// Update applies the delta fn makes from the current record bucket/id,
// which must exist.
func (r *Repo) Update(ctx context.Context, bucket, id string, fn Mutator) error {
	mu := r.Lock(bucket, id)
	mu.Lock()
	defer mu.Unlock()
	rec, err := r.Load(ctx, bucket, id)
	if err != nil {
		return err
	}
	d, err := fn(rec, r.Stamp())
	if err != nil || d == nil {
		return err
	}
	return r.Put(ctx, bucket, id, d)
}

// Upsert is Update that starts from an empty record of bucket when
// bucket/id does not exist. Never write a freshly made record over an
// existing one: its CRDT dots would restart and be taken as already seen.
func (r *Repo) Upsert(ctx context.Context, bucket, id string, fn Mutator) error {
	mu := r.Lock(bucket, id)
	mu.Lock()
	defer mu.Unlock()
	rec, err := r.Load(ctx, bucket, id)
	if errors.Is(err, ErrNotFound) {
		rec, err = record.New(bucket), nil
	}
	if err != nil {
		return err
	}
	d, err := fn(rec, r.Stamp())
	if err != nil || d == nil {
		return err
	}
	return r.Put(ctx, bucket, id, d)
}

// MaxNameLen bounds unique names.
const MaxNameLen = 255

// ValidName checks a unique name: 1–255 bytes of valid UTF-8 without
// control characters.
func ValidName(what, name string) error {
	if name == "" || len(name) > MaxNameLen || !utf8.ValidString(name) {
		return fmt.Errorf("%s name %q: 1–%d bytes of UTF-8: %w", what, name, MaxNameLen, ErrInvalid)
	}
	for _, c := range name {
		if unicode.IsControl(c) {
			return fmt.Errorf("%s name %q: control character: %w", what, name, ErrInvalid)
		}
	}
	return nil
}

// CreateNamed claims name in bucket for a new id and writes the record mk
// makes; the name is released again when the write fails.
func (r *Repo) CreateNamed(ctx context.Context, bucket, what, name string, mk func(id string, st record.Stamp) (*record.Record, error)) (string, error) {
	if err := ValidName(what, name); err != nil {
		return "", err
	}
	id, err := r.NewID()
	if err != nil {
		return "", err
	}
	if err := r.st.ClaimName(ctx, bucket, name, id); err != nil {
		return "", StoreErr(err, fmt.Sprintf("%s %q", what, name))
	}
	rec, err := mk(id, r.Stamp())
	if err == nil {
		err = r.Put(ctx, bucket, id, rec)
	}
	if err != nil {
		if rerr := r.st.ReleaseName(context.WithoutCancel(ctx), bucket, name, id); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return "", fmt.Errorf("create %s %q: %w", what, name, err)
	}
	return id, nil
}

// DeleteNamed removes a record and frees its name ("" for none).
func (r *Repo) DeleteNamed(ctx context.Context, bucket, id, name string) error {
	if err := r.st.Delete(ctx, bucket, id); err != nil {
		return StoreErr(err, "delete "+bucket+" "+id)
	}
	if name != "" {
		if err := r.st.ReleaseName(ctx, bucket, name, id); err != nil {
			return StoreErr(err, "release "+bucket+" name")
		}
	}
	return nil
}

// List returns the ids of bucket.
func (r *Repo) List(ctx context.Context, bucket string) ([]string, error) {
	var ids []string
	err := r.st.Fold(ctx, bucket, func(id string, _ []byte) error {
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, StoreErr(err, "list "+bucket)
	}
	return ids, nil
}

// Name returns the "name" register of a record ("" when it has none).
func Name(rec *record.Record) string {
	var name string
	if v, ok := rec.Fields.GetKind("name", crdt.KindLWW); ok {
		_ = v.LWW.Decode(&name)
	}
	return name
}

// ValidPath checks a metadata path: at least one element, none empty.
func ValidPath(path []string) error {
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

// SetMetadata writes value at path in the metadata map of bucket/id.
func (r *Repo) SetMetadata(ctx context.Context, bucket, id string, path []string, value any) error {
	if err := ValidPath(path); err != nil {
		return err
	}
	return r.Update(ctx, bucket, id, func(rec *record.Record, st record.Stamp) (*record.Record, error) {
		d, err := rec.SetMapEntry(st, "metadata", path, value)
		if err != nil {
			return nil, fmt.Errorf("metadata: %w: %w", ErrInvalid, err)
		}
		return d, nil
	})
}

// DeleteMetadata removes path from the metadata map of bucket/id.
func (r *Repo) DeleteMetadata(ctx context.Context, bucket, id string, path []string) error {
	if err := ValidPath(path); err != nil {
		return err
	}
	return r.Update(ctx, bucket, id, func(rec *record.Record, _ record.Stamp) (*record.Record, error) {
		return rec.RemoveMapEntry("metadata", path)
	})
}
