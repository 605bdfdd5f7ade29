package install

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/fifogo/fifo/releases/pack"
)

// FuzzVerify: Verify never panics on any bytes, and what it accepts has a
// valid manifest.
func FuzzVerify(f *testing.F) {
	f.Add(tgzFor(f, "1.2.3"))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Verify(bytes.NewReader(data))
		if err != nil {
			return
		}
		if err := v.Manifest.Validate(); err != nil {
			t.Fatalf("accepted an invalid manifest: %v", err)
		}
	})
}

// tgzFor packs a seed release for a fuzz target.
func tgzFor(f *testing.F, version string) []byte {
	var b bytes.Buffer
	if _, err := pack.Build(&b, options(version, "0.0.0")); err != nil {
		f.Fatal(err)
	}
	return b.Bytes()
}

// FuzzDecodeRecord: decodeRecord never panics, accepts only valid states,
// and what it accepts encodes back to a record that decodes to the same
// state.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord(twoReleases()))
	f.Add(encodeRecord(State{}))
	f.Add([]byte(`{"format":1,"releases":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := decodeRecord(data)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted an invalid state: %v", err)
		}
		s2, err := decodeRecord(encodeRecord(s))
		if err != nil {
			t.Fatalf("its encoding does not decode: %v", err)
		}
		if len(s.Releases) == 0 {
			s.Releases = nil
		}
		if len(s2.Releases) == 0 {
			s2.Releases = nil
		}
		if !reflect.DeepEqual(s, s2) {
			t.Fatalf("round trip changed the state: %+v, %+v", s, s2)
		}
	})
}
