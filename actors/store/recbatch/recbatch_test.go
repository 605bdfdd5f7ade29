package recbatch

import (
	"errors"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func drawPart(t *rapid.T, label string) string {
	return rapid.StringMatching(`[a-z0-9\-]{1,12}`).Draw(t, label)
}

// TestRoundTrip: records, keys and names decode to what was encoded, and
// equal batches encode to equal bytes.
func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs := rapid.SliceOf(rapid.Custom(func(t *rapid.T) Record {
			return Record{Bucket: drawPart(t, "b"), ID: drawPart(t, "id"), Value: rapid.SliceOfN(rapid.Byte(), 1, 64).Draw(t, "v")}
		})).Draw(t, "records")
		b, err := MarshalRecords(recs)
		if err != nil {
			t.Fatal(err)
		}
		got, err := UnmarshalRecords(b)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, recs, func(a, b Record) bool {
			return a.Bucket == b.Bucket && a.ID == b.ID && string(a.Value) == string(b.Value)
		}) {
			t.Fatalf("records %v, want %v", got, recs)
		}
		again, _ := MarshalRecords(got)
		if string(again) != string(b) {
			t.Fatal("re-encoding differs")
		}

		keys := rapid.SliceOf(rapid.Custom(func(t *rapid.T) Key { return Key{drawPart(t, "b"), drawPart(t, "id")} })).Draw(t, "keys")
		kb, err := MarshalKeys(keys)
		if err != nil {
			t.Fatal(err)
		}
		if gk, err := UnmarshalKeys(kb); err != nil || !slices.Equal(gk, keys) {
			t.Fatalf("keys %v (%v), want %v", gk, err, keys)
		}

		names := rapid.SliceOf(rapid.Custom(func(t *rapid.T) Name { return Name{drawPart(t, "b"), drawPart(t, "n"), drawPart(t, "id")} })).Draw(t, "names")
		nb, err := MarshalNames(names)
		if err != nil {
			t.Fatal(err)
		}
		if gn, err := UnmarshalNames(nb); err != nil || !slices.Equal(gn, names) {
			t.Fatalf("names %v (%v), want %v", gn, err, names)
		}
	})
}

// TestRefusesBadBatches: empty key parts, separators in keys, records
// without values, another version and junk are ErrCorrupt.
func TestRefusesBadBatches(t *testing.T) {
	enc := func(v any) []byte {
		b, err := encMode.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := map[string]func() error{
		"empty bucket": func() error {
			_, err := UnmarshalRecords(enc(wireRecords{Version: 1, Records: []wireRecord{{Bucket: "", ID: "a", Value: []byte{1}}}}))
			return err
		},
		"nul in id": func() error {
			_, err := UnmarshalKeys(enc(wireKeys{Version: 1, Keys: []wireKey{{Bucket: "vm", ID: "a\x00b"}}}))
			return err
		},
		"no value": func() error {
			_, err := UnmarshalRecords(enc(wireRecords{Version: 1, Records: []wireRecord{{Bucket: "vm", ID: "a"}}}))
			return err
		},
		"version 2": func() error {
			_, err := UnmarshalNames(enc(wireNames{Version: 2}))
			return err
		},
		"junk": func() error {
			_, err := UnmarshalRecords([]byte{0xff, 0x00})
			return err
		},
		"too big": func() error {
			_, err := UnmarshalKeys(make([]byte, MaxMessageSize+1))
			return err
		},
	}
	for name, f := range cases {
		if err := f(); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

// FuzzUnmarshal: no input makes a decoder panic, and whatever decodes
// re-encodes to something that decodes to the same.
func FuzzUnmarshal(f *testing.F) {
	b, _ := MarshalRecords([]Record{{Bucket: "vm", ID: "1", Value: []byte("x")}})
	f.Add(b)
	k, _ := MarshalKeys([]Key{{Bucket: "vm", ID: "1"}})
	f.Add(k)
	n, _ := MarshalNames([]Name{{Bucket: "user", Name: "admin", ID: "1"}})
	f.Add(n)
	f.Fuzz(func(t *testing.T, data []byte) {
		if recs, err := UnmarshalRecords(data); err == nil {
			again, err := MarshalRecords(recs)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := UnmarshalRecords(again); err != nil {
				t.Fatal(err)
			}
		}
		if keys, err := UnmarshalKeys(data); err == nil {
			if _, err := MarshalKeys(keys); err != nil {
				t.Fatal(err)
			}
		}
		if names, err := UnmarshalNames(data); err == nil {
			if _, err := MarshalNames(names); err != nil {
				t.Fatal(err)
			}
		}
	})
}
