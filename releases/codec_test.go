package releases

import (
	"testing"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
)

func TestRecordCodec(t *testing.T) {
	st := record.Stamp{Actor: "a", TS: crdt.Timestamp{Wall: 1, Node: "a"}}
	r1, err := record.NewVM(st, record.VM{UUID: "u", Alias: "one"})
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := record.Marshal(r1)
	st.TS.Wall = 2
	r2, err := record.NewVM(record.Stamp{Actor: "b", TS: crdt.Timestamp{Wall: 2, Node: "b"}}, record.VM{UUID: "u", Alias: "two"})
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := record.Marshal(r2)
	var c RecordCodec
	if err := c.Check(b1); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{b1[:len(b1)/2], {0xff}, {}} {
		if err := c.Check(bad); err == nil {
			t.Errorf("Check accepted %x", bad)
		}
	}
	m, err := c.Merge(b1, b2)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := record.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	vm, err := record.VMFromRecord(rec)
	if err != nil || vm.Alias != "two" {
		t.Fatalf("merged alias %q, %v", vm.Alias, err)
	}
	if _, err := c.Merge(nil, []byte{0x83, 0x01}); err == nil {
		t.Fatal("merged a truncated delta")
	}
	if _, err := c.Merge(b1[:5], b2); err == nil {
		t.Fatal("merged over a corrupt value")
	}
}
