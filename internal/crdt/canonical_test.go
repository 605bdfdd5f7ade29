package crdt

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/fifogo/fifo/internal/crdt/crdttest"
	"pgregory.net/rapid"
)

// TestCanonicalMatchesEncoder checks IsCanonicalORMap against the encoder
// on every state of random histories: every encoding is canonical, and
// any other encoding of the same state that the decoder accepts is not.
func TestCanonicalMatchesEncoder(t *testing.T) {
	s := ormapSubject()
	rapid.Check(t, func(t *rapid.T) {
		h := runHistory(t, s, "h")
		seed := rapid.Uint64().Draw(t, "seed")
		rnd := rand.New(rand.NewPCG(seed, seed>>7))
		for _, x := range append(h.pool, h.replicas...) {
			b := mustEncode(t, s, x)
			if !IsCanonicalORMap(b) {
				t.Fatalf("encoding not recognised as canonical: %x", b)
			}
			other, err := crdttest.Recode(b, rnd, MaxMapDepth)
			if err != nil {
				t.Fatal(err)
			}
			var m ORMap
			if err := m.UnmarshalCBOR(other); err != nil {
				t.Fatalf("recoded encoding rejected: %v\n%x", err, other)
			}
			if !m.Equal(x) || !bytes.Equal(mustEncode(t, s, &m), b) {
				t.Fatal("recoded encoding decodes to another state")
			}
			if IsCanonicalORMap(other) != bytes.Equal(other, b) {
				t.Fatalf("IsCanonicalORMap(%x) = %v, canonical form %x", other, !bytes.Equal(other, b), b)
			}
		}
	})
}

func TestCanonicalSamples(t *testing.T) {
	maps, _, _ := seedMaps(t) // the fuzz seeds, some not canonical
	for _, b := range maps {
		var m ORMap
		if err := m.UnmarshalCBOR(b); err != nil {
			t.Fatal(err)
		}
		if IsCanonicalORMap(b) != bytes.Equal(mustMarshal(t, &m), b) {
			t.Errorf("IsCanonicalORMap(%x) = %v", b, IsCanonicalORMap(b))
		}
	}
	sample := mustMarshal(t, SampleMap())
	if n := testing.AllocsPerRun(100, func() { IsCanonicalORMap(sample) }); n != 0 {
		t.Errorf("IsCanonicalORMap allocates %v times", n)
	}
	// Accepted by the decoder, not canonical.
	for name, b := range map[string][]byte{
		"wide head":       {0x98, 0x02, 0x80, 0xa0},
		"text key":        {0x82, 0x81, 0x83, 0x41, 'a', 0x01, 0x80, 0xa1, 0x61, 'k', 0xa1, 0x01, 0x81, 0x83, 0x82, 0x00, 0x01, 0x83, 0x00, 0x00, 0x41, 'a', 0x40},
		"empty slot":      {0x82, 0x81, 0x83, 0x41, 'a', 0x01, 0x80, 0xa1, 0x41, 'k', 0xa2, 0x01, 0x81, 0x83, 0x82, 0x00, 0x01, 0x83, 0x00, 0x00, 0x41, 'a', 0x40, 0x02, 0x80},
		"keys unsorted":   {0x82, 0x81, 0x83, 0x41, 'a', 0x02, 0x80, 0xa2, 0x41, 'k', 0xa1, 0x01, 0x81, 0x83, 0x82, 0x00, 0x01, 0x83, 0x00, 0x00, 0x41, 'a', 0x40, 0x41, 'j', 0xa1, 0x01, 0x81, 0x83, 0x82, 0x00, 0x02, 0x83, 0x00, 0x00, 0x41, 'a', 0x40},
		"slots unordered": {0x82, 0x81, 0x83, 0x41, 'a', 0x02, 0x80, 0xa1, 0x41, 'k', 0xa2, 0x02, 0x81, 0x83, 0x82, 0x00, 0x02, 0x00, 0x00, 0x01, 0x81, 0x83, 0x82, 0x00, 0x01, 0x83, 0x00, 0x00, 0x41, 'a', 0x40},
	} {
		var m ORMap
		if err := m.UnmarshalCBOR(b); err != nil {
			t.Errorf("%s: rejected: %v", name, err)
			continue
		}
		if IsCanonicalORMap(b) {
			t.Errorf("%s: reported canonical", name)
		}
		if got := mustMarshal(t, &m); !IsCanonicalORMap(got) || bytes.Equal(got, b) {
			t.Errorf("%s: re-encoding %x", name, got)
		}
	}
}
