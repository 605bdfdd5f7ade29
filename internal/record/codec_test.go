package record

import (
	"bytes"
	"errors"
	"testing"

	"github.com/fifogo/fifo/internal/crdt"
)

func TestUnmarshalRejectsCorrupt(t *testing.T) {
	good := mustMarshal(t, musts(t)(NewVM(stamp("a", 1), VM{UUID: "v1", Alias: "x"})))
	fields, err := (&crdt.ORMap{}).MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	// record builds [typ, schema, fields] with raw fields bytes.
	record := func(typ string, schema uint32, fields []byte) []byte {
		b, err := crdt.EncMode().Marshal([]any{typ, schema})
		if err != nil {
			t.Fatal(err)
		}
		b[0] = 0x83 // three elements: append the fields
		return append(b, fields...)
	}
	tests := map[string][]byte{
		"empty":            nil,
		"truncated":        good[:len(good)-3],
		"trailing":         append(bytes.Clone(good), 0),
		"not an array":     {0xa0},
		"empty type":       record("", 1, fields),
		"schema 0":         record("vm", 0, fields),
		"fields not a map": record("vm", 1, []byte{0x01}),
		"two elements":     {0x82, 0x62, 'v', 'm', 0x01},
		"negative schema":  {0x83, 0x62, 'v', 'm', 0x20, 0x82, 0x80, 0xa0},
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Unmarshal(in); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
			if _, err := Load(in); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Load: got %v, want ErrCorrupt", err)
			}
		})
	}
	if r, err := Unmarshal(record("vm", 7, fields)); err != nil || r.Schema != 7 {
		t.Fatalf("valid header: %v", err)
	}
}
