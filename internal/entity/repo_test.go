package entity

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

func newRepo() *Repo {
	return NewRepo(recstore.NewMemory(record.StoreCodec{}), "test", func() int64 { return time.Now().UnixNano() }, rand.Reader)
}

func newRole(id string, st record.Stamp) (*record.Record, error) {
	return record.NewRole(st, record.Role{UUID: id, Name: "r"})
}

func TestCreateNamedUnique(t *testing.T) {
	ctx := context.Background()
	r := newRepo()
	id, err := r.CreateNamed(ctx, record.BucketRole, "role", "ops", newRole)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateNamed(ctx, record.BucketRole, "role", "ops", newRole); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	boom := errors.New("boom")
	if _, err := r.CreateNamed(ctx, record.BucketRole, "role", "dev", func(string, record.Stamp) (*record.Record, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("failing create: %v", err)
	}
	if _, err := r.Store().LookupName(ctx, record.BucketRole, "dev"); !errors.Is(err, recstore.ErrNotFound) {
		t.Fatalf("a failed create kept its name: %v", err)
	}
	rec, err := r.Load(ctx, record.BucketRole, id)
	if err != nil || Name(rec) != "r" {
		t.Fatalf("load: %v %v", rec, err)
	}
	if err := r.DeleteNamed(ctx, record.BucketRole, id, "ops"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateNamed(ctx, record.BucketRole, "role", "ops", newRole); err != nil {
		t.Fatalf("name not freed by delete: %v", err)
	}
	if _, err := r.Load(ctx, record.BucketUser, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("load from the wrong bucket: %v", err)
	}
}

func TestUpdateMissing(t *testing.T) {
	r := newRepo()
	err := r.Update(context.Background(), record.BucketRole, "nope", func(*record.Record, record.Stamp) (*record.Record, error) {
		t.Fatal("mutator called for a missing record")
		return nil, nil
	})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("update missing: %v", err)
	}
}

// TestConcurrentUpdatesKeepEveryAdd: read-modify-writes of one record from
// many goroutines lose nothing (each add mints a distinct dot).
func TestConcurrentUpdatesKeepEveryAdd(t *testing.T) {
	ctx := context.Background()
	r := newRepo()
	id, err := r.CreateNamed(ctx, record.BucketRole, "role", "ops", newRole)
	if err != nil {
		t.Fatal(err)
	}
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := r.Update(ctx, record.BucketRole, id, func(rec *record.Record, st record.Stamp) (*record.Record, error) {
				return record.Grant(rec, st, []string{"p", fmt.Sprint(i)})
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	rec, err := r.Load(ctx, record.BucketRole, id)
	if err != nil {
		t.Fatal(err)
	}
	role, err := record.RoleFromRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(role.Permissions) != n {
		t.Fatalf("%d of %d concurrent grants kept", len(role.Permissions), n)
	}
}

func TestValidName(t *testing.T) {
	for _, bad := range []string{"", "a\nb", string([]byte{0xff}), string(make([]byte, MaxNameLen+1))} {
		if err := ValidName("x", bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := ValidName("x", "web-01 (prod)"); err != nil {
		t.Error(err)
	}
}

// TestUpsertKeepsFields: a second upsert changes what it sets and keeps
// the rest (a fresh record merged over an existing one would not).
func TestUpsertKeepsFields(t *testing.T) {
	ctx := context.Background()
	r := newRepo()
	set := func(field, v string) {
		err := r.Upsert(ctx, record.BucketRole, "x", func(rec *record.Record, st record.Stamp) (*record.Record, error) {
			return rec.SetField(st, field, v)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	set("name", "first")
	set("uuid", "x")
	set("name", "second")
	rec, err := r.Load(ctx, record.BucketRole, "x")
	if err != nil {
		t.Fatal(err)
	}
	role, _ := record.RoleFromRecord(rec)
	if role.Name != "second" || role.UUID != "x" {
		t.Fatalf("after upserts: %+v", role)
	}
}

// TestExistsReadsTheType: Exists answers as Load does — found for a
// record of the bucket's type, ErrNotFound for a missing id, an empty id
// or a record of another type — and recordType reads the type of every
// record Marshal writes, whatever its length.
func TestExistsReadsTheType(t *testing.T) {
	ctx := context.Background()
	r := newRepo()
	id, err := r.CreateNamed(ctx, record.BucketRole, "role", "ops", newRole)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Exists(ctx, record.BucketRole, id); err != nil {
		t.Fatalf("existing role: %v", err)
	}
	for _, c := range []struct{ bucket, id string }{{record.BucketRole, "nope"}, {record.BucketRole, ""}} {
		if err := r.Exists(ctx, c.bucket, c.id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Exists(%q, %q) = %v, want ErrNotFound", c.bucket, c.id, err)
		}
	}
	// A role record stored under the user bucket is not a user.
	rec, err := newRole(id, r.Stamp())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Put(ctx, record.BucketUser, id, rec); err != nil {
		t.Fatal(err)
	}
	if err := r.Exists(ctx, record.BucketUser, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a role under users: %v, want ErrNotFound", err)
	}
	for _, n := range []int{1, 23, 24, 255, 256, 300} {
		typ := strings.Repeat("t", n)
		b, err := record.Marshal(record.New(typ))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := recordType(b); !ok || got != typ {
			t.Errorf("type of %d bytes: %q %v", n, got, ok)
		}
	}
	if _, ok := recordType([]byte{0x83}); ok {
		t.Error("a truncated record has a type")
	}
}
