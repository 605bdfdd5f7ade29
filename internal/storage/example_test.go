package storage_test

import (
	"fmt"
	"os"
	"time"

	"github.com/fifogo/fifo/internal/storage"
)

// A vnode's turn: route, batch, commit synced, then acknowledge; reads and
// scans afterwards.
func Example() {
	dir, err := os.MkdirTemp("", "store-example-*")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	db, err := storage.Open(dir, storage.Options{Partitions: 64})
	if err != nil {
		panic(err)
	}
	defer db.Close()

	p := db.PartitionOf("vm", "b1e6f2a4")
	b := db.NewBatch()
	if err := b.Put(p, "vm", "b1e6f2a4", []byte("cbor bytes")); err != nil {
		panic(err) // an invalid key; the rest of the batch is intact
	}
	if err := b.PutIndex(db.PartitionOfName("vm", "web-1"), "vm", "web-1", "b1e6f2a4"); err != nil {
		panic(err)
	}
	if err := db.Commit(b, true); err != nil {
		panic(err) // not durable: answer the turn's requests with errors
	}
	// Durable: acknowledge now.

	v, err := db.Get(p, "vm", "b1e6f2a4")
	fmt.Printf("get: %s %v\n", v, err)
	id, err := db.GetIndex(db.PartitionOfName("vm", "web-1"), "vm", "web-1")
	fmt.Printf("name web-1 -> %s %v\n", id, err)
	err = db.Scan(p, "vm", func(id string, value []byte) error {
		fmt.Printf("scan: %s = %s\n", id, value) // value valid only during the call
		return nil
	})
	fmt.Println("scan error:", err)
	// Output:
	// get: cbor bytes <nil>
	// name web-1 -> b1e6f2a4 <nil>
	// scan: b1e6f2a4 = cbor bytes
	// scan error: <nil>
}

// Quarantining a record that does not decode keeps the node serving.
func ExampleBatch_Quarantine() {
	var quarantined int
	db, err := storage.Open("example", storage.Options{
		InMemory:     true,
		Partitions:   8,
		OnQuarantine: func(storage.QuarantineEntry) { quarantined++ }, // e.g. a metric
	})
	if err != nil {
		panic(err)
	}
	defer db.Close()

	b := db.NewBatch()
	_ = b.Put(3, "vm", "x", []byte{0xff})
	_ = db.Commit(b, true)

	raw, _ := db.Get(3, "vm", "x")
	// ... decoding raw fails ...
	_ = b.Quarantine(3, "vm", "x", raw, "cbor: unexpected EOF", timeOf("2026-01-02T03:04:05Z"))
	_ = db.Commit(b, true)

	_, err = db.Get(3, "vm", "x")
	fmt.Println(err)
	entries, _ := db.Quarantined()
	for _, e := range entries {
		fmt.Println(e.Partition, e.Bucket, e.ID, e.Reason, e.At.Format("2006-01-02"), e.Size)
	}
	fmt.Println("hook calls:", quarantined)
	// Output:
	// storage: get 3/"vm"/"x": storage: not found
	// 3 vm x cbor: unexpected EOF 2026-01-02 1
	// hook calls: 1
}

// timeOf parses an RFC 3339 time for the examples.
func timeOf(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
