package storage

import (
	"errors"
	"strings"
	"testing"
)

func TestOptionsDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o.Partitions != DefaultPartitions || o.CacheSize != DefaultCacheSize ||
		o.MemTableSize != DefaultMemTableSize || o.Logger == nil || o.fs == nil {
		t.Fatalf("withDefaults left a zero field: %+v", o)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if err := (Options{}).Validate(); err != nil {
		t.Fatalf("zero Options do not validate: %v", err)
	}
	kept := Options{Partitions: 8, CacheSize: 1 << 20, MemTableSize: 4 << 20}.withDefaults()
	if kept.Partitions != 8 || kept.CacheSize != 1<<20 || kept.MemTableSize != 4<<20 {
		t.Fatalf("withDefaults overwrote set fields: %+v", kept)
	}
}

func TestOptionsValidate(t *testing.T) {
	cases := []struct {
		name string
		o    Options
		want []string // substrings, one per reported problem
	}{
		{"partitions high", Options{Partitions: MaxPartitions + 1}, []string{"partitions"}},
		{"partitions negative", Options{Partitions: -1}, []string{"partitions"}},
		{"cache negative", Options{CacheSize: -1}, []string{"cache"}},
		{"memtable small", Options{MemTableSize: 1024}, []string{"memtable"}},
		{"memtable big", Options{MemTableSize: 1 << 40}, []string{"memtable"}},
		{"all at once", Options{Partitions: -5, CacheSize: -1, MemTableSize: 1},
			[]string{"partitions", "cache", "memtable"}},
		{"max ok", Options{Partitions: MaxPartitions, MemTableSize: maxMemTableSize}, nil},
		{"one ok", Options{Partitions: 1, MemTableSize: minMemTableSize}, nil},
	}
	for _, c := range cases {
		err := c.o.Validate()
		if len(c.want) == 0 {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: error %v does not wrap ErrInvalidOptions", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
}

func TestOpenRejectsInvalidOptions(t *testing.T) {
	if _, err := Open(t.TempDir(), Options{Partitions: 5000}); !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("Open with 5000 partitions: %v, want ErrInvalidOptions", err)
	}
}
