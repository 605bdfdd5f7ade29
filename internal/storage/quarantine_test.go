package storage

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// testTime is a fixed quarantine time (time is an argument, never read).
var testTime = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)

func TestQuarantineMovesRecord(t *testing.T) {
	var hooked []QuarantineEntry
	db := openTest(t, Options{Partitions: 8, OnQuarantine: func(e QuarantineEntry) { hooked = append(hooked, e) }})
	p := db.PartitionOf("vm", "bad")
	b := db.NewBatch()
	must(t, b.Put(p, "vm", "bad", []byte{0xff, 0x00, 0x13}))
	must(t, b.Put(p, "vm", "good", []byte("ok")))
	mustCommit(t, db, b)
	if len(hooked) != 0 {
		t.Fatalf("hook fired without a quarantine: %v", hooked)
	}

	raw, err := db.Get(p, "vm", "bad")
	must(t, err)
	at := testTime.In(time.FixedZone("X", 3600))
	must(t, b.Quarantine(p, "vm", "bad", raw, "cbor: unexpected EOF", at))
	if len(hooked) != 0 {
		t.Fatal("hook fired before commit")
	}
	mustCommit(t, db, b)

	want := QuarantineEntry{Partition: p, Bucket: "vm", ID: "bad", Reason: "cbor: unexpected EOF", At: testTime, Size: 3}
	if len(hooked) != 1 || !sameEntry(hooked[0], want) {
		t.Fatalf("hook got %+v, want one %+v", hooked, want)
	}
	if _, err := db.Get(p, "vm", "bad"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("quarantined record still readable: %v", err)
	}
	if v, err := db.Get(p, "vm", "good"); err != nil || string(v) != "ok" {
		t.Fatalf("other record hurt: %q %v", v, err)
	}
	list, err := db.Quarantined()
	must(t, err)
	if len(list) != 1 || !sameEntry(list[0], want) {
		t.Fatalf("Quarantined = %+v, want [%+v]", list, want)
	}
	if n, err := db.QuarantinedCount(); err != nil || n != 1 {
		t.Fatalf("QuarantinedCount = %d, %v", n, err)
	}
	e, gotRaw, err := db.GetQuarantined(p, "vm", "bad")
	must(t, err)
	if !sameEntry(e, want) || !bytes.Equal(gotRaw, raw) {
		t.Fatalf("GetQuarantined = %+v %x", e, gotRaw)
	}
	// A scan does not see it.
	must(t, db.Scan(p, "vm", func(id string, _ []byte) error {
		if id == "bad" {
			t.Error("scan sees the quarantined record")
		}
		return nil
	}))

	// Dropping the entry.
	must(t, b.DeleteQuarantined(p, "vm", "bad"))
	mustCommit(t, db, b)
	if n, _ := db.QuarantinedCount(); n != 0 {
		t.Fatalf("QuarantinedCount after delete = %d", n)
	}
	if _, _, err := db.GetQuarantined(p, "vm", "bad"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetQuarantined after delete: %v", err)
	}
	if len(hooked) != 1 {
		t.Fatalf("hook fired again: %v", hooked)
	}
}

// sameEntry compares entries, times by instant.
func sameEntry(a, b QuarantineEntry) bool {
	at, bt := a.At, b.At
	a.At, b.At = time.Time{}, time.Time{}
	return a == b && at.Equal(bt)
}

func TestQuarantineListOrderAndPersistence(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{Partitions: 4})
	must(t, err)
	b := db.NewBatch()
	must(t, b.Quarantine(3, "vm", "z", []byte("1"), "a", testTime))
	must(t, b.Quarantine(0, "vms", "a", []byte("22"), "b", testTime.Add(time.Second)))
	must(t, b.Quarantine(0, "vm", "b", nil, "", testTime.Add(2*time.Second)))
	must(t, b.Quarantine(0, "vm", "b", []byte("333"), "again", testTime.Add(3*time.Second))) // replaces
	mustCommit(t, db, b)
	must(t, db.Close())

	db, err = Open(dir, Options{Partitions: 4})
	must(t, err)
	defer db.Close()
	list, err := db.Quarantined()
	must(t, err)
	var got []string
	for _, e := range list {
		got = append(got, e.Bucket+"/"+e.ID+":"+e.Reason)
	}
	want := []string{"vm/b:again", "vms/a:b", "vm/z:a"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Quarantined order = %v, want %v", got, want)
	}
	if list[0].Size != 3 || !list[0].At.Equal(testTime.Add(3*time.Second)) {
		t.Fatalf("entry = %+v", list[0])
	}
}

// The hook does not fire for an uncommitted (reset) or failed batch.
func TestQuarantineHookOnlyAfterCommit(t *testing.T) {
	n := 0
	dir := t.TempDir()
	db, err := Open(dir, Options{Partitions: 1, OnQuarantine: func(QuarantineEntry) { n++ }})
	must(t, err)
	b := db.NewBatch()
	must(t, b.Quarantine(0, "vm", "a", nil, "r", testTime))
	b.Reset()
	mustCommit(t, db, b)
	must(t, b.Quarantine(0, "vm", "a", nil, "r", testTime))
	must(t, db.Close())
	if err := db.Commit(b, true); !errors.Is(err, ErrClosed) {
		t.Fatalf("Commit after close: %v", err)
	}
	if n != 0 {
		t.Fatalf("hook fired %d times without a commit", n)
	}
}

func TestQuarantineReasonClipped(t *testing.T) {
	db := openTest(t, Options{Partitions: 1})
	long := strings.Repeat("é", MaxReasonLen) // 2 bytes each: the cut falls mid-rune
	b := db.NewBatch()
	must(t, b.Quarantine(0, "vm", "a", []byte("raw"), long, testTime))
	mustCommit(t, db, b)
	e, raw, err := db.GetQuarantined(0, "vm", "a")
	must(t, err)
	if len(e.Reason) > MaxReasonLen || !utf8.ValidString(e.Reason) || !strings.HasPrefix(long, e.Reason) {
		t.Fatalf("reason of %d bytes, valid %v", len(e.Reason), utf8.ValidString(e.Reason))
	}
	if string(raw) != "raw" {
		t.Fatalf("raw = %q", raw)
	}
}

func TestQuarantineTimeRange(t *testing.T) {
	db := openTest(t, Options{Partitions: 1})
	b := db.NewBatch()
	for _, at := range []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(-1<<62, 0)} {
		if err := b.Quarantine(0, "vm", "a", nil, "r", at); err == nil {
			t.Errorf("Quarantine at %v accepted", at)
		}
	}
	for _, at := range []time.Time{{}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)} {
		if err := b.Quarantine(0, "vm", "a", nil, "r", at); err != nil {
			t.Errorf("Quarantine at %v: %v", at, err)
		}
	}
	if got := (time.Time{}).Unix(); got != minQuarantineSec {
		t.Errorf("minQuarantineSec = %d, want %d", int64(minQuarantineSec), got)
	}
	if got := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix(); got != maxQuarantineSec {
		t.Errorf("maxQuarantineSec = %d, want %d", int64(maxQuarantineSec), got)
	}
}

func TestQuarantineCodec(t *testing.T) {
	cases := []quarantineValue{
		{at: testTime, reason: "r", raw: []byte{1, 2, 3}},
		{at: time.Unix(minQuarantineSec, 0).UTC(), reason: "", raw: nil},
		{at: time.Unix(maxQuarantineSec, 999999999).UTC(), reason: strings.Repeat("x", 300), raw: []byte{}},
	}
	for _, c := range cases {
		enc := encodeQuarantine(nil, c)
		got, err := decodeQuarantine(enc)
		if err != nil {
			t.Fatalf("decode(encode(%v)): %v", c.at, err)
		}
		if !got.at.Equal(c.at) || got.reason != c.reason || !bytes.Equal(got.raw, c.raw) {
			t.Fatalf("round trip: got %+v, want %+v", got, c)
		}
		if re := encodeQuarantine(nil, got); !bytes.Equal(re, enc) {
			t.Fatalf("re-encoding differs: %x vs %x", re, enc)
		}
	}
	// Pinned bytes: the on-disk format must not drift.
	enc := encodeQuarantine(nil, quarantineValue{at: time.Unix(1, 2), reason: "ab", raw: []byte{0xff}})
	want := []byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 2, 'a', 'b', 0xff}
	if !bytes.Equal(enc, want) {
		t.Fatalf("encoding = %x, want %x", enc, want)
	}
}

func TestDecodeQuarantineRejects(t *testing.T) {
	good := encodeQuarantine(nil, quarantineValue{at: testTime, reason: "ab", raw: []byte("x")})
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := map[string][]byte{
		"empty":           nil,
		"short":           good[:quarantineFixedLen],
		"version":         mod(func(b []byte) []byte { b[0] = 2; return b }),
		"nanos":           mod(func(b []byte) []byte { b[9] = 0xff; return b }),
		"seconds":         mod(func(b []byte) []byte { b[1] = 0x7f; return b }),
		"reason too big":  mod(func(b []byte) []byte { b[13] = 0x7f; return b }),
		"overlong varint": append(append(bytes.Clone(good[:quarantineFixedLen]), 0x82, 0x00), "ab"...),
	}
	for name, b := range cases {
		if _, err := decodeQuarantine(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: decodeQuarantine = %v, want ErrCorrupt", name, err)
		}
	}
}
