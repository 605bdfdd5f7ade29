package record

import (
	"bytes"
	"errors"
	"testing"
)

// seedRecords returns encodings of real records for the fuzz corpora.
func seedRecords(f *testing.F) [][]byte {
	var out [][]byte
	add := func(r *Record, err error) {
		if err != nil {
			f.Fatal(err)
		}
		b, err := Marshal(r)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	st := stamp("a", 1e18)
	add(NewVM(st, VM{UUID: "v1", Alias: "web", Metadata: md, Logs: []LogEntry{{1, "x"}}, Groupings: []string{"g"}}))
	add(NewOrg(st, Org{UUID: "o1", Resources: map[string]int64{"vms": 2}}))
	add(NewIPRange(st, IPRange{UUID: "r1"}, 1, 4))
	add(NewUser(st, User{UUID: "u1", Permissions: perms}))
	r := New(BucketVM)
	r.Schema = 1
	_, err := r.SetField(st, "creating", true)
	add(r, err)
	return out
}

// FuzzUnmarshal checks that decoding never panics, fails only with
// ErrCorrupt, and that whatever decodes re-encodes stably.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range seedRecords(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Unmarshal(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		checkStable(t, r)
	})
}

// FuzzLoad checks the same through upgrade and projection: loading fails
// only with ErrCorrupt or ErrUpgrade, and projecting a loaded record of a
// known type fails at worst with ErrFieldType.
func FuzzLoad(f *testing.F) {
	for _, s := range seedRecords(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Load(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUpgrade) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		checkStable(t, r)
		var perr error
		switch r.Type {
		case BucketVM:
			_, perr = VMFromRecord(r)
		case BucketOrg:
			_, perr = OrgFromRecord(r)
		case BucketIPRange:
			_, perr = IPRangeFromRecord(r)
		case BucketUser:
			_, perr = UserFromRecord(r)
		}
		if perr != nil && !errors.Is(perr, ErrFieldType) {
			t.Fatalf("projection error: %v", perr)
		}
	})
}

func checkStable(t *testing.T, r *Record) {
	b1, err := Marshal(r)
	if err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	r2, err := Unmarshal(b1)
	if err != nil {
		t.Fatalf("decode of a re-encoding: %v", err)
	}
	b2, err := Marshal(r2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1, b2) {
		t.Fatalf("re-encoding not stable:\n%x\n%x", b1, b2)
	}
}
