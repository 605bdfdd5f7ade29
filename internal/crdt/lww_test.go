package crdt

import (
	"errors"
	"testing"
)

func TestLWWMerge(t *testing.T) {
	ts := func(w int64, l uint32, n string) Timestamp { return Timestamp{w, l, n} }
	tests := []struct {
		name string
		a, b LWW
		want LWW
	}{
		{"later wall wins", LWW{ts(2, 0, "a"), []byte("x")}, LWW{ts(1, 9, "z"), []byte("y")}, LWW{ts(2, 0, "a"), []byte("x")}},
		{"later logical wins", LWW{ts(2, 0, "a"), []byte("x")}, LWW{ts(2, 1, "a"), []byte("y")}, LWW{ts(2, 1, "a"), []byte("y")}},
		{"node breaks ties", LWW{ts(2, 1, "a"), []byte("z")}, LWW{ts(2, 1, "b"), []byte("a")}, LWW{ts(2, 1, "b"), []byte("a")}},
		{"larger value breaks full ties", LWW{ts(2, 1, "a"), []byte("ab")}, LWW{ts(2, 1, "a"), []byte("b")}, LWW{ts(2, 1, "a"), []byte("b")}},
		{"zero loses", LWW{}, LWW{ts(0, 0, ""), []byte{0}}, LWW{ts(0, 0, ""), []byte{0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, order := range [][2]LWW{{tt.a, tt.b}, {tt.b, tt.a}} {
				got := order[0]
				got.Merge(order[1])
				if !got.Equal(tt.want) {
					t.Errorf("%v ⊔ %v = %v, want %v", order[0], order[1], got, tt.want)
				}
			}
		})
	}
}

func TestLWWSetReturnsDeltaAndIgnoresOlderWrites(t *testing.T) {
	var l LWW
	d := l.Set(Timestamp{Wall: 5, Node: "a"}, []byte("new"))
	if !d.Equal(l) {
		t.Fatalf("delta %v differs from state %v", d, l)
	}
	old := l.Set(Timestamp{Wall: 4, Node: "a"}, []byte("old"))
	if string(l.Value) != "new" {
		t.Fatalf("older write won: %q", l.Value)
	}
	if string(old.Value) != "old" {
		t.Fatalf("delta of older write = %v", old)
	}
}

func TestLWWValueHelpers(t *testing.T) {
	var l LWW
	var s string
	if err := l.Decode(&s); !errors.Is(err, ErrUnset) {
		t.Fatalf("Decode of unset register: %v, want ErrUnset", err)
	}
	type cfg struct {
		RAM   int      `cbor:"ram"`
		Names []string `cbor:"names"`
	}
	in := cfg{RAM: 2048, Names: []string{"a", "b"}}
	if _, err := l.SetValue(Timestamp{Wall: 1}, in); err != nil {
		t.Fatal(err)
	}
	var out cfg
	if err := l.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.RAM != in.RAM || len(out.Names) != 2 || out.Names[1] != "b" {
		t.Fatalf("Decode = %+v, want %+v", out, in)
	}
	if _, err := l.SetValue(Timestamp{Wall: 2}, make(chan int)); err == nil {
		t.Fatal("SetValue of a channel succeeded")
	}
	var n int
	if err := l.Decode(&n); err == nil {
		t.Fatal("Decode of a map into an int succeeded")
	}
}
