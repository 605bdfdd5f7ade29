package replica

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/fifogo/fifo/internal/storage"
)

// hintBucket is the one bucket of the hint store.
const hintBucket = "hint"

// hintStore keeps the writes this node accepted as a fallback, until
// their primaries take them: its own small Pebble store, outside every
// partition's key range (anti-entropy and handoff never see a hint). A
// hint is keyed by primary, partition and record; the hints of one key
// for one primary merge into one (deltas are CRDT states), so a primary
// down for long costs one hint per record, not one per write. Every put
// is synced before it is acknowledged.
type hintStore struct {
	db    *storage.DB
	codec Codec
	m     *Metrics
	mu    sync.Mutex // serialises read-merge-write of a hint
}

// hint is one stored hint.
type hint struct {
	primary    string
	partition  int
	bucket, id string
	value      []byte
}

func openHints(dir string, codec Codec, m *Metrics) (*hintStore, error) {
	db, err := storage.Open(dir, storage.Options{Partitions: 1, CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		return nil, fmt.Errorf("open hint store: %w", err)
	}
	return &hintStore{db: db, codec: codec, m: m}, nil
}

func (h *hintStore) close() error { return h.db.Close() }

// hintKey encodes a hint's key: fields separated by 0x01 (node names and
// buckets hold none; the id comes last, so it may).
func hintKey(primary string, p int, bucket, id string) string {
	return primary + "\x01" + strconv.Itoa(p) + "\x01" + bucket + "\x01" + id
}

func parseHintKey(k string) (hint, bool) {
	f := strings.SplitN(k, "\x01", 4)
	if len(f) != 4 {
		return hint{}, false
	}
	p, err := strconv.Atoi(f[1])
	if err != nil {
		return hint{}, false
	}
	return hint{primary: f[0], partition: p, bucket: f[2], id: f[3]}, true
}

// put merges delta into the hint of bucket/id for primary, durably.
func (h *hintStore) put(primary string, p int, bucket, id string, delta []byte) error {
	if bucket == "" || id == "" || primary == "" {
		return fmt.Errorf("hint %q/%q for %q: %w", bucket, id, primary, storage.ErrInvalidKey)
	}
	k := hintKey(primary, p, bucket, id)
	h.mu.Lock()
	defer h.mu.Unlock()
	old, _, err := h.db.Lookup(0, hintBucket, k)
	if err != nil {
		return fmt.Errorf("hint %s/%s: %w", bucket, id, err)
	}
	merged, err := h.codec.Merge(old, delta)
	if err != nil && old != nil {
		merged, err = h.codec.Merge(nil, delta) // a bad old hint: start afresh
	}
	if err != nil {
		return fmt.Errorf("hint %s/%s: %w", bucket, id, err)
	}
	b := h.db.NewBatch()
	if err := b.Put(0, hintBucket, k, merged); err != nil {
		return fmt.Errorf("hint %s/%s: %w", bucket, id, err)
	}
	if err := h.db.Commit(b, true); err != nil {
		return fmt.Errorf("hint %s/%s: %w", bucket, id, err)
	}
	h.m.HintsStored.Inc()
	return nil
}

// all returns every hint.
func (h *hintStore) all() ([]hint, error) {
	var out []hint
	err := h.db.Scan(0, hintBucket, func(k string, v []byte) error {
		x, ok := parseHintKey(k)
		if !ok {
			return nil
		}
		x.value = bytes.Clone(v)
		out = append(out, x)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hints: %w", err)
	}
	return out, nil
}

// forKey returns the values of every hint of bucket/id (for any primary).
func (h *hintStore) forKey(bucket, id string) ([][]byte, error) {
	hs, err := h.all()
	if err != nil || len(hs) == 0 {
		return nil, err
	}
	var out [][]byte
	for _, x := range hs {
		if x.bucket == bucket && x.id == id {
			out = append(out, x.value)
		}
	}
	return out, nil
}

// drop removes a hint if it still holds value (a hint merged with a later
// write meanwhile is kept for the next round).
func (h *hintStore) drop(x hint) (bool, error) {
	k := hintKey(x.primary, x.partition, x.bucket, x.id)
	h.mu.Lock()
	defer h.mu.Unlock()
	cur, ok, err := h.db.Lookup(0, hintBucket, k)
	if err != nil || !ok || !bytes.Equal(cur, x.value) {
		return false, err
	}
	b := h.db.NewBatch()
	if err := b.Delete(0, hintBucket, k); err != nil {
		return false, err
	}
	if err := h.db.Commit(b, true); err != nil {
		return false, fmt.Errorf("drop hint: %w", err)
	}
	return true, nil
}

// count returns the number of hints held.
func (h *hintStore) count() int {
	n := 0
	err := h.db.Scan(0, hintBucket, func(string, []byte) error { n++; return nil })
	if errors.Is(err, storage.ErrClosed) {
		return 0
	}
	return n
}
