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
	// Accepted but not canonical: an indefinite-length array, a long head
	// and a text-string key in the fields.
	out = append(out, append(append([]byte{0x9f}, out[0][1:]...), 0xff))
	out = append(out, []byte{0x83, 0x62, 'v', 'm', 0x18, 0x02, 0x82, 0x81, 0x83, 0x41, 'a', 0x01, 0x80,
		0xa1, 0x64, 'u', 'u', 'i', 'd', 0xa1, 0x01, 0x81, 0x83, 0x82, 0x00, 0x01, 0x83, 0x01, 0x00, 0x41, 'a', 0x41, 0x01})
	return out
}

// FuzzUnmarshal checks that decoding never panics, fails only with
// ErrCorrupt, and that whatever decodes re-encodes stably; and that the
// fast paths of Unmarshal, Load, Check, Marshal and MergeBytes(nil, data)
// agree with the reference codec on every input.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range seedRecords(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := checkCodec(data); err != nil {
			t.Fatal(err)
		}
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

// FuzzMergeBytes checks MergeBytes against the reference on any pair of
// inputs (old absent when absent is set).
func FuzzMergeBytes(f *testing.F) {
	seeds := seedRecords(f)
	for i, a := range seeds {
		f.Add(true, []byte(nil), a)
		f.Add(false, a, a)
		f.Add(false, a, seeds[(i+1)%len(seeds)])
	}
	vm := seeds[0]
	r, err := Load(vm)
	if err != nil {
		f.Fatal(err)
	}
	d, err := r.SetField(stamp("b", 2e18), "state", "stopped")
	if err != nil {
		f.Fatal(err)
	}
	delta, err := Marshal(d)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(false, vm, delta)
	f.Add(false, mustMarshalF(f, r), delta) // dominated
	f.Fuzz(func(t *testing.T, absent bool, old, delta []byte) {
		if absent {
			old = nil
		} else if old == nil {
			old = []byte{}
		}
		if err := checkMerge(old, delta); err != nil {
			t.Fatal(err)
		}
	})
}

func mustMarshalF(f *testing.F, r *Record) []byte {
	b, err := Marshal(r)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
