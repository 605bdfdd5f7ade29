package upgrade

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// binary returns n pseudo-random bytes and their SHA-256.
func binary(seed uint64, n int) ([]byte, string) {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b, sumOf(b)
}

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := NewStore(StoreOptions{Dir: filepath.Join(t.TempDir(), "releases"), MaxSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// chunk is bytes [off, off+n) of b as a Chunk.
func chunk(v string, b []byte, sum string, off, n int) Chunk {
	d := b[off : off+n]
	return Chunk{Version: v, Size: int64(len(b)), SHA256: sum, Offset: int64(off), Data: d, ChunkSHA256: sumOf(d)}
}

func mustProgress(t *testing.T, p Progress, err error, want int64) {
	t.Helper()
	if err != nil || p.Offset != want || p.Refused != "" {
		t.Fatalf("progress %+v, %v; want offset %d", p, err, want)
	}
}

// In order, out of order, repeated, refused: the binary lands intact,
// 0755, and a partial file is resumed by a new store on the same folder
// (an agent restarted mid-transfer).
func TestStoreChunks(t *testing.T) {
	s := newStore(t)
	b, sum := binary(1, 1000)
	p, err := s.Begin("2.0.0", 1000, sum)
	mustProgress(t, p, err, 0)
	p, err = s.Chunk(chunk("2.0.0", b, sum, 0, 300))
	mustProgress(t, p, err, 300)
	// The same chunk again (its answer was lost): acknowledged, not written twice.
	p, err = s.Chunk(chunk("2.0.0", b, sum, 0, 300))
	mustProgress(t, p, err, 300)
	// A chunk beyond the end (one before it was lost): the receiver's offset.
	p, err = s.Chunk(chunk("2.0.0", b, sum, 600, 100))
	mustProgress(t, p, err, 300)
	// A chunk whose data was corrupted on the way: refused, offset kept.
	bad := chunk("2.0.0", b, sum, 300, 300)
	bad.Data = append([]byte(nil), bad.Data...)
	bad.Data[7] ^= 0xff
	p, err = s.Chunk(bad)
	if err != nil || p.Offset != 300 || p.Refused == "" {
		t.Fatalf("corrupt chunk: %+v %v", p, err)
	}
	// An overlapping chunk: only its new tail is written.
	p, err = s.Chunk(chunk("2.0.0", b, sum, 200, 400))
	mustProgress(t, p, err, 600)

	// A restart: a new store resumes from the partial file.
	s2, err := NewStore(StoreOptions{Dir: s.Dir()})
	if err != nil {
		t.Fatal(err)
	}
	p, err = s2.Begin("2.0.0", 1000, sum)
	mustProgress(t, p, err, 600)
	p, err = s2.Chunk(chunk("2.0.0", b, sum, 600, 400))
	mustProgress(t, p, err, 1000)

	got, err := os.ReadFile(s2.BinaryPath("2.0.0"))
	if err != nil || !bytes.Equal(got, b) {
		t.Fatalf("binary differs (%v)", err)
	}
	if st, _ := os.Stat(s2.BinaryPath("2.0.0")); st.Mode().Perm() != 0o755 {
		t.Fatalf("mode %v", st.Mode())
	}
	if parts, _ := filepath.Glob(filepath.Join(s.Dir(), "2.0.0", "bin", ".chunter-*")); len(parts) != 0 {
		t.Fatalf("partial files left: %v", parts)
	}
	// Complete: Begin and a repeated last chunk answer the size.
	p, err = s2.Begin("2.0.0", 1000, sum)
	mustProgress(t, p, err, 1000)
	p, err = s2.Chunk(chunk("2.0.0", b, sum, 600, 400))
	mustProgress(t, p, err, 1000)
	if path, err := s2.Binary("2.0.0", sum); err != nil || path != s2.BinaryPath("2.0.0") {
		t.Fatalf("Binary: %q %v", path, err)
	}
}

// A binary whose bytes do not match the announced SHA-256 is refused
// with ErrChecksum when complete, nothing is left of it, and a new
// transfer starts from zero.
func TestStoreChecksumMismatch(t *testing.T) {
	s := newStore(t)
	b, _ := binary(2, 500)
	_, wrong := binary(3, 500)
	if _, err := s.Chunk(chunk("2.0.0", b, wrong, 0, 250)); err != nil {
		t.Fatal(err)
	}
	_, err := s.Chunk(chunk("2.0.0", b, wrong, 250, 250))
	if !errors.Is(err, ErrChecksum) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("complete wrong binary: %v", err)
	}
	if _, err := os.Stat(s.BinaryPath("2.0.0")); !os.IsNotExist(err) {
		t.Fatalf("binary in place: %v", err)
	}
	p, err := s.Begin("2.0.0", 500, wrong)
	mustProgress(t, p, err, 0)
	if _, err := s.Binary("2.0.0", wrong); !errors.Is(err, ErrNotReceived) {
		t.Fatalf("Binary of a refused transfer: %v", err)
	}
}

// A binary changed after it was received is refused at the switch.
func TestStoreBinaryChangedOnDisk(t *testing.T) {
	s := newStore(t)
	b, sum := binary(4, 100)
	p, err := s.Chunk(chunk("2.0.0", b, sum, 0, 100))
	mustProgress(t, p, err, 100)
	if err := os.WriteFile(s.BinaryPath("2.0.0"), []byte("tampered"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Binary("2.0.0", sum); !errors.Is(err, ErrChecksum) {
		t.Fatalf("tampered binary: %v", err)
	}
}

// Another binary announced for the same version replaces the partial
// file of the first, and, once complete, the first binary.
func TestStoreOtherBinarySameVersion(t *testing.T) {
	s := newStore(t)
	b1, s1 := binary(5, 200)
	b2, s2 := binary(6, 300)
	p, err := s.Chunk(chunk("2.0.0", b1, s1, 0, 200))
	mustProgress(t, p, err, 200)
	p, err = s.Begin("2.0.0", 300, s2)
	mustProgress(t, p, err, 0)
	p, err = s.Chunk(chunk("2.0.0", b2, s2, 0, 100))
	mustProgress(t, p, err, 100)
	p, err = s.Chunk(chunk("2.0.0", b2, s2, 100, 200))
	mustProgress(t, p, err, 300)
	if got, _ := os.ReadFile(s.BinaryPath("2.0.0")); !bytes.Equal(got, b2) {
		t.Fatal("second binary not in place")
	}
	if _, err := s.Binary("2.0.0", s1); !errors.Is(err, ErrChecksum) {
		t.Fatalf("first binary still accepted: %v", err)
	}
}

func TestStoreRefusesBadRequests(t *testing.T) {
	s := newStore(t)
	b, sum := binary(7, 100)
	for name, c := range map[string]Chunk{
		"path in version":   {Version: "../x", Size: 100, SHA256: sum, Data: b, ChunkSHA256: sumOf(b)},
		"current":           {Version: "current", Size: 100, SHA256: sum, Data: b, ChunkSHA256: sumOf(b)},
		"upper-case sum":    {Version: "1", Size: 100, SHA256: "AB" + sum[2:], Data: b, ChunkSHA256: sumOf(b)},
		"beyond size":       {Version: "1", Size: 50, SHA256: sum, Data: b, ChunkSHA256: sumOf(b)},
		"too big":           {Version: "1", Size: 2 << 20, SHA256: sum, Data: b, ChunkSHA256: sumOf(b)},
		"empty data":        {Version: "1", Size: 100, SHA256: sum, ChunkSHA256: sumOf(nil)},
		"negative offset":   {Version: "1", Size: 100, SHA256: sum, Offset: -1, Data: b[:10], ChunkSHA256: sumOf(b[:10])},
		"zero-sized binary": {Version: "1", Size: 0, SHA256: sum},
	} {
		if _, err := s.Chunk(c); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := s.Begin("1", -1, sum); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative size: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "..", "x")); !os.IsNotExist(err) {
		t.Fatal("wrote outside the folder")
	}
}
