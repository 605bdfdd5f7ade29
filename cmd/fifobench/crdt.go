package main

import (
	"fmt"
	"io"
	"testing"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
)

// benchCRDT reports ns/op and allocations of merges and CBOR coding.
func benchCRDT(w io.Writer) error {
	m := crdt.SampleMap()
	enc, err := crdt.EncMode().Marshal(m)
	if err != nil {
		return err
	}
	other := crdt.SampleMap()
	_, recs, err := vmRecords(2)
	if err != nil {
		return err
	}
	rec, err := record.Unmarshal(recs[0])
	if err != nil {
		return err
	}
	rec2, err := record.Unmarshal(recs[1])
	if err != nil {
		return err
	}
	cases := []struct {
		name string
		fn   func(b *testing.B)
	}{
		{fmt.Sprintf("ORMap merge (sample map, %d B)", len(enc)), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c := m.Clone()
				c.Merge(other)
			}
		}},
		{"ORMap clone (part of the merge above)", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = m.Clone()
			}
		}},
		{"ORMap CBOR encode", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := crdt.EncMode().Marshal(m); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"ORMap CBOR decode", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var x crdt.ORMap
				if err := crdt.DecMode().Unmarshal(enc, &x); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{fmt.Sprintf("VM record encode (%d B)", len(recs[0])), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := record.Marshal(rec); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"VM record decode", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := record.Unmarshal(recs[0]); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"VM record merge", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := record.Merge(rec, rec2); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"VM record MergeBytes, new record (store write path)", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := record.MergeBytes(nil, recs[0]); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"VM record MergeBytes, two diverged records", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := record.MergeBytes(recs[0], recs[1]); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
	fmt.Fprintln(w, "\nCRDT and CBOR")
	fmt.Fprintln(w, "operation\tns/op\tB/op\tallocs/op\t")
	for _, c := range cases {
		r := testing.Benchmark(c.fn)
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t\n", c.name, r.NsPerOp(), r.AllocedBytesPerOp(), r.AllocsPerOp())
	}
	return nil
}
