package upgrade

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
)

// errLost is a call lost on the way (ergo dropped it, or its answer).
var errLost = errors.New("lost")

// lossy is a network between Send and a Store that loses calls before
// or after the store saw them and corrupts chunks' data, from a seeded
// random source.
type lossy struct {
	s                  *Store
	mu                 sync.Mutex
	r                  *rand.Rand
	drop, late, flip   float64 // probabilities
	dropped, corrupted int
}

func (l *lossy) roll(p float64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64() < p
}

func (l *lossy) begin(v string, size int64, sum string) func(context.Context) (Progress, error) {
	return func(context.Context) (Progress, error) {
		if l.roll(l.drop) {
			return Progress{}, errLost
		}
		return l.s.Begin(v, size, sum)
	}
}

func (l *lossy) chunk(_ context.Context, c Chunk) (Progress, error) {
	if l.roll(l.drop) {
		l.dropped++
		return Progress{}, errLost
	}
	if l.roll(l.flip) {
		l.corrupted++
		c.Data = append([]byte(nil), c.Data...)
		c.Data[len(c.Data)/2] ^= 0x5a
	}
	p, err := l.s.Chunk(c)
	if err == nil && l.roll(l.late) {
		l.dropped++
		return Progress{}, errLost // the store took it; the answer is lost
	}
	return p, err
}

// Over a network that loses a fifth of the calls (before or after the
// receiver), and corrupts a tenth of the chunks, the binary arrives whole.
func TestSendOverLossyNetwork(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		s := newStore(t)
		b, sum := binary(seed, 100_000+int(seed)*777)
		l := &lossy{s: s, r: rand.New(rand.NewPCG(seed, 99)), drop: 0.1, late: 0.1, flip: 0.1}
		var last int64
		res, err := Send(context.Background(), SendOptions{
			Version: "2.0.0", Size: int64(len(b)), SHA256: sum, Src: bytes.NewReader(b), ChunkSize: 4096,
			Retries: 30, Begin: l.begin("2.0.0", int64(len(b)), sum), Chunk: l.chunk,
			Retryable: func(err error) bool { return errors.Is(err, errLost) },
			Progress:  func(off int64) { last = off },
		})
		if err != nil {
			t.Fatalf("seed %d: %v (%+v)", seed, err, res)
		}
		got, err := os.ReadFile(s.BinaryPath("2.0.0"))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("seed %d: binary differs (%v)", seed, err)
		}
		if last != int64(len(b)) || res.Bytes < int64(len(b)) {
			t.Fatalf("seed %d: progress %d, %+v", seed, last, res)
		}
		if l.dropped+l.corrupted > 0 && res.Retries == 0 {
			t.Fatalf("seed %d: %d losses and no retry", seed, l.dropped+l.corrupted)
		}
	}
}

// A second Send of a binary the receiver holds sends nothing; a Send cut
// short resumes where the receiver stands.
func TestSendResumes(t *testing.T) {
	s := newStore(t)
	b, sum := binary(42, 50_000)
	n := 0
	ctx, cancel := context.WithCancel(context.Background())
	opts := SendOptions{Version: "3", Size: int64(len(b)), SHA256: sum, Src: bytes.NewReader(b), ChunkSize: 1000,
		Begin: func(context.Context) (Progress, error) { return s.Begin("3", int64(len(b)), sum) },
		Chunk: func(_ context.Context, c Chunk) (Progress, error) {
			n++
			if n == 10 {
				cancel() // the control node gave up after ten chunks
			}
			return s.Chunk(c)
		}}
	if _, err := Send(ctx, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("cut short: %v", err)
	}
	n = 0
	res, err := Send(context.Background(), opts)
	if err != nil || res.Chunks != 40 || res.Already {
		t.Fatalf("resumed: %+v %v (want the 40 chunks left)", res, err)
	}
	res, err = Send(context.Background(), opts)
	if err != nil || res.Chunks != 0 || !res.Already {
		t.Fatalf("again: %+v %v", res, err)
	}
}

// A wrong checksum ends the transfer with ErrChecksum at once; a receiver
// that never takes a chunk makes Send give up after Retries attempts; an
// error that is not retryable ends it at once.
func TestSendFailures(t *testing.T) {
	s := newStore(t)
	b, _ := binary(8, 5000)
	_, wrong := binary(9, 5000)
	direct := func(v, sum string) SendOptions {
		return SendOptions{Version: v, Size: int64(len(b)), SHA256: sum, Src: bytes.NewReader(b), ChunkSize: 1000,
			Begin: func(context.Context) (Progress, error) { return s.Begin(v, int64(len(b)), sum) },
			Chunk: func(_ context.Context, c Chunk) (Progress, error) { return s.Chunk(c) }}
	}
	if _, err := Send(context.Background(), direct("4", wrong)); !errors.Is(err, ErrChecksum) {
		t.Fatalf("wrong checksum: %v", err)
	}

	o := direct("5", sumOf(b))
	calls := 0
	o.Retries = 3
	o.Chunk = func(_ context.Context, c Chunk) (Progress, error) {
		calls++
		c.ChunkSHA256 = wrong // every chunk arrives corrupt
		return s.Chunk(c)
	}
	if _, err := Send(context.Background(), o); !errors.Is(err, ErrGaveUp) || calls != 4 {
		t.Fatalf("corrupt chunks: %v after %d calls", err, calls)
	}

	o = direct("6", sumOf(b))
	boom := errors.New("agent refuses")
	o.Chunk = func(context.Context, Chunk) (Progress, error) { return Progress{}, boom }
	o.Retryable = func(err error) bool { return errors.Is(err, errLost) }
	if _, err := Send(context.Background(), o); !errors.Is(err, boom) {
		t.Fatalf("final error: %v", err)
	}
	// A source shorter than announced is an error, not a short binary.
	o = direct("7", sumOf(b))
	o.Src = bytes.NewReader(b[:3000])
	if _, err := Send(context.Background(), o); err == nil {
		t.Fatal("short source accepted")
	}
}
