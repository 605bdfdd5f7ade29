package storage

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// fill writes the given records into partition p, values "bucket/id".
func fill(t *testing.T, db *DB, p int, records map[string][]string) {
	t.Helper()
	b := db.NewBatch()
	for bucket, ids := range records {
		for _, id := range ids {
			must(t, b.Put(p, bucket, id, []byte(bucket+"/"+id)))
		}
	}
	mustCommit(t, db, b)
}

func TestScanOrderAndIsolation(t *testing.T) {
	db := openTest(t, Options{Partitions: 4})
	fill(t, db, 1, map[string][]string{
		"vm":  {"c", "a", "b\xff", "b", "a\x01"},
		"vms": {"x", "a"},
		"v":   {"m"},
	})
	fill(t, db, 0, map[string][]string{"vm": {"zero"}})
	fill(t, db, 2, map[string][]string{"vm": {"two"}})
	b := db.NewBatch()
	must(t, b.PutIndex(1, "vm", "name", "a"))
	must(t, b.Quarantine(1, "vm", "q", []byte("raw"), "r", testTime))
	mustCommit(t, db, b)

	var ids []string
	must(t, db.Scan(1, "vm", func(id string, v []byte) error {
		if string(v) != "vm/"+id {
			t.Errorf("value of %q = %q", id, v)
		}
		ids = append(ids, id)
		return nil
	}))
	if want := []string{"a", "a\x01", "b", "b\xff", "c"}; !slices.Equal(ids, want) {
		t.Fatalf("Scan(1, vm) = %q, want %q", ids, want)
	}

	ids = nil
	must(t, db.Scan(1, "vms", func(id string, _ []byte) error { ids = append(ids, id); return nil }))
	if want := []string{"a", "x"}; !slices.Equal(ids, want) {
		t.Fatalf("Scan(1, vms) = %q, want %q", ids, want)
	}
	ids = nil
	must(t, db.Scan(3, "vm", func(id string, _ []byte) error { ids = append(ids, id); return nil }))
	if len(ids) != 0 {
		t.Fatalf("Scan of an empty partition = %q", ids)
	}

	var all []string
	must(t, db.ScanPartition(1, func(bucket, id string, v []byte) error {
		if string(v) != bucket+"/"+id {
			t.Errorf("value of %s/%s = %q", bucket, id, v)
		}
		all = append(all, bucket+"/"+id)
		return nil
	}))
	want := []string{"v/m", "vm/a", "vm/a\x01", "vm/b", "vm/b\xff", "vm/c", "vms/a", "vms/x"}
	if !slices.Equal(all, want) {
		t.Fatalf("ScanPartition(1) = %q, want %q", all, want)
	}
}

func TestScanStopAndError(t *testing.T) {
	db := openTest(t, Options{Partitions: 1})
	fill(t, db, 0, map[string][]string{"vm": {"a", "b", "c", "d"}})
	n := 0
	err := db.Scan(0, "vm", func(string, []byte) error {
		n++
		if n == 2 {
			return ErrStopScan
		}
		return nil
	})
	if err != nil || n != 2 {
		t.Fatalf("stopped scan: n=%d err=%v", n, err)
	}
	boom := errors.New("boom")
	n = 0
	err = db.ScanPartition(0, func(string, string, []byte) error {
		n++
		return fmt.Errorf("wrapped: %w", boom)
	})
	if !errors.Is(err, boom) || n != 1 {
		t.Fatalf("failing scan: n=%d err=%v", n, err)
	}
	if !strings.Contains(err.Error(), "partition 0") {
		t.Fatalf("error lacks context: %v", err)
	}
}

// A scan reads the snapshot of its start; a callback may write and read.
func TestScanSnapshot(t *testing.T) {
	db := openTest(t, Options{Partitions: 1})
	fill(t, db, 0, map[string][]string{"vm": {"a", "b"}})
	var seen []string
	b := db.NewBatch()
	must(t, db.Scan(0, "vm", func(id string, _ []byte) error {
		seen = append(seen, id)
		if id == "a" {
			must(t, b.Put(0, "vm", "aa", []byte("new")))
			must(t, b.Delete(0, "vm", "b"))
			mustCommit(t, db, b)
			if _, err := db.Get(0, "vm", "aa"); err != nil {
				t.Errorf("Get inside a scan: %v", err)
			}
		}
		return nil
	}))
	if want := []string{"a", "b"}; !slices.Equal(seen, want) {
		t.Fatalf("scan saw %q, want the snapshot %q", seen, want)
	}
}

func TestScanIndex(t *testing.T) {
	db := openTest(t, Options{Partitions: 2})
	b := db.NewBatch()
	must(t, b.PutIndex(1, "users", "zed", "u3"))
	must(t, b.PutIndex(1, "users", "alice", "u1"))
	must(t, b.PutIndex(1, "userss", "bob", "u2"))
	must(t, b.PutIndex(1, "orgs", "acme", "o1"))
	must(t, b.Put(1, "users", "u1", []byte("record")))
	mustCommit(t, db, b)
	var got []string
	must(t, db.ScanIndex(1, "users", func(name, id string) error {
		got = append(got, name+"="+id)
		return nil
	}))
	if want := []string{"alice=u1", "zed=u3"}; !slices.Equal(got, want) {
		t.Fatalf("ScanIndex = %q, want %q", got, want)
	}
	got = nil
	must(t, db.ScanPartitionIndex(1, func(bucket, name, id string) error {
		got = append(got, bucket+"/"+name+"="+id)
		return nil
	}))
	if want := []string{"orgs/acme=o1", "users/alice=u1", "users/zed=u3", "userss/bob=u2"}; !slices.Equal(got, want) {
		t.Fatalf("ScanPartitionIndex = %q, want %q", got, want)
	}
}

func TestDeletePartition(t *testing.T) {
	db := openTest(t, Options{Partitions: 3})
	for p := range 3 {
		fill(t, db, p, map[string][]string{"vm": {"a", "b"}, "pkg": {"x"}})
		b := db.NewBatch()
		must(t, b.PutIndex(p, "users", "n", "id"))
		must(t, b.Quarantine(p, "vm", "q", nil, "r", testTime))
		mustCommit(t, db, b)
	}
	b := db.NewBatch()
	must(t, b.DeletePartition(1))
	mustCommit(t, db, b)
	for p := range 3 {
		ps, err := db.PartitionStats(p)
		must(t, err)
		want := PartitionStats{Partition: p, Records: 3, RecordBytes: int64(len("vm/a") + len("vm/b") + len("pkg/x")), IndexEntries: 1, Quarantined: 1}
		if p == 1 {
			want = PartitionStats{Partition: 1}
		}
		ps.EstimatedDiskBytes = 0
		if ps != want {
			t.Errorf("partition %d after deleting 1: %+v, want %+v", p, ps, want)
		}
	}
	if n, _ := db.QuarantinedCount(); n != 2 {
		t.Errorf("QuarantinedCount = %d, want 2", n)
	}
}
