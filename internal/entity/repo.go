package entity

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	herds herds
}

// NewRepo returns a Repo over st stamping changes as actor (unique per
// node), reading physical time from now (Unix nanoseconds) and taking ids
// from rand.
func NewRepo(st recstore.Store, actor string, now func() int64, rand io.Reader) *Repo {
	return &Repo{st: st, actor: actor, clock: crdt.NewClock(actor, now), rand: rand}
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

// Exists fails with ErrNotFound unless bucket/id exists (and holds a
// record of type bucket, as Load requires). It reads the record's type
// from the start of its encoding instead of decoding it.
func (r *Repo) Exists(ctx context.Context, bucket, id string) error {
	if id == "" {
		return fmt.Errorf("%s %q: %w", bucket, id, ErrNotFound)
	}
	b, err := r.st.Get(ctx, bucket, id)
	if err != nil {
		return StoreErr(err, bucket+" "+id)
	}
	typ, ok := recordType(b)
	if !ok {
		_, err := r.Load(ctx, bucket, id) // not in the shortest form: decode it
		return err
	}
	if typ != bucket {
		return fmt.Errorf("%s %s holds a %s record: %w", bucket, id, typ, ErrNotFound)
	}
	return nil
}

// recordType reads the type of an encoded record, [type, schema, fields]
// as record.Marshal writes it: the head of an array of three, then the
// type as a text string with a head in its shortest form. ok is false for
// any other form.
func recordType(b []byte) (typ string, ok bool) {
	const array3, text, text1, text2 = 0x83, 0x60, 0x78, 0x79
	if len(b) < 2 || b[0] != array3 {
		return "", false
	}
	n, rest := 0, b[2:]
	switch h := b[1]; {
	case h >= text && h < text+24:
		n = int(h - text)
	case h == text1 && len(rest) >= 1 && rest[0] >= 24:
		n, rest = int(rest[0]), rest[1:]
	case h == text2 && len(rest) >= 2 && rest[0] != 0:
		n, rest = int(rest[0])<<8|int(rest[1]), rest[2:]
	default:
		return "", false
	}
	if n > len(rest) {
		return "", false
	}
	return string(rest[:n]), true
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

// Mutator makes the delta of a change from the current record; a nil
// delta writes nothing. It may be called with the record as changed by
// other callers' mutators that were queued before it (see herd.go), never
// concurrently with another mutator of the same record of this Repo.
type Mutator func(rec *record.Record, st record.Stamp) (*record.Record, error)

// Update applies the delta fn makes from the current record bucket/id,
// which must exist. Updates of one record are applied one after the
// other, in one write when they come together (herd.go).
func (r *Repo) Update(ctx context.Context, bucket, id string, fn Mutator) error {
	return r.mutate(ctx, bucket, id, fn, false)
}

// Upsert is Update that starts from an empty record of bucket when
// bucket/id does not exist. Never write a freshly made record over an
// existing one: its CRDT dots would restart and be taken as already seen.
func (r *Repo) Upsert(ctx context.Context, bucket, id string, fn Mutator) error {
	return r.mutate(ctx, bucket, id, fn, true)
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
